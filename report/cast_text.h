/* cast_text: a session as plain text, the way asciinema 3 writes its
 * "txt" format (`asciinema convert out.txt`, `rec -f txt`).
 *
 * The output is played through a terminal emulator (libvterm) of the
 * recording's size, following its resizes; every line that scrolls off the
 * top is kept, and at the end those lines and then the screen's are the
 * text: one line per terminal row, trailing blanks cut, the empty rows at
 * the bottom of the screen left out, wide characters once, no attributes
 * or escape sequences. A full-screen program's alternate screen is not
 * part of it once the program has left it, and never scrolls into it. */
#ifndef TRACECAST_CAST_TEXT_H
#define TRACECAST_CAST_TEXT_H

#include <stddef.h>

typedef struct cast_text cast_text_t;

/* A renderer for a cols x rows terminal (1..65535 each). Returns 0 or
 * -ENOMEM / -EINVAL. */
int cast_text_new(cast_text_t **out, unsigned cols, unsigned rows);

/* Output bytes ("o" events). */
void cast_text_feed(cast_text_t *t, const char *data, size_t len);

/* An "r" event. Returns 0 or -EINVAL (a size out of range, ignored). */
int cast_text_resize(cast_text_t *t, unsigned cols, unsigned rows);

/* The text so far (UTF-8, each line ending in '\n'), owned by t and valid
 * until the next call on t; its length in *len. Returns NULL on ENOMEM. */
const char *cast_text_result(cast_text_t *t, size_t *len);

/* NULL is a no-op. */
void cast_text_free(cast_text_t *t);

#endif
