/* cast_reader: one API for every asciicast input.
 *
 * Reads asciicast v1 (one JSON object, pretty-printed or not), v2 and v3
 * (newline-delimited, streamed: memory is bounded by the longest line, never
 * by the file), plain or gzip (detected by its magic bytes, decompressed on
 * the fly), from a path or "-" (stdin).
 *
 * Unknown event codes and header keys are kept and handed out. Blank lines
 * (and, in v3, "#" comment lines) are skipped. Ordinary event lines are
 * parsed by a fast scanner (castline.h); everything else by jansson.
 *
 * Warnings (a cut last line, a gzip stream cut mid-block, a nonsense resize
 * such as "-1x0", which is dropped) go to the warning callback, if set. */
#ifndef TRACECAST_CAST_READER_H
#define TRACECAST_CAST_READER_H

#include "tracecast/cast_error.h"
#include "tracecast/cast_types.h"

typedef struct cast_reader cast_reader_t;

/* A malformed line: err says where; the caller may go on with the next. */
#define CAST_ERR_SYNTAX (-1000)

typedef void (*cast_warn_fn)(void *user, const cast_error_t *warning);

/* Open path ("-" = stdin) and read the header. On success returns 0 and
 * *out owns the reader. On failure returns -errno (I/O) or CAST_ERR_SYNTAX
 * (no usable header), fills err, and *out is NULL. */
int cast_reader_open(cast_reader_t **out, const char *path, cast_error_t *err);

/* The same over an open fd; the reader takes ownership of fd (closes it).
 * name is used in diagnostics. */
int cast_reader_open_fd(cast_reader_t **out, int fd, const char *name,
			cast_error_t *err);

/* Set the warning callback (default: none, warnings are only counted). */
void cast_reader_set_warn(cast_reader_t *r, cast_warn_fn fn, void *user);

/* The header; valid for the reader's lifetime. */
const cast_header_t *cast_reader_header(const cast_reader_t *r);

/* Hand out the events of one code (1 to 7 bytes, e.g. "s") undecoded: for
 * an ordinary line of that code ev->data is the inside of its JSON data
 * string as written (escapes kept, not validated: jstr_unescape decodes
 * it; not NUL-terminated: use data_len) and ev->raw is true. For a reader whose caller needs only a few
 * fields of most lines (the player's index): decoding is most of a pass.
 * Lines of that code the fast scanner declines are decoded as usual.
 * Returns 0, or -EINVAL for a code that does not fit. */
int cast_reader_set_raw(cast_reader_t *r, const char *code);
/* Read the next event into *ev.
 * Returns 1 for an event, 0 at the end of the input, CAST_ERR_SYNTAX for a
 * malformed line (err filled; the next call goes on after it), or -errno
 * for an I/O error (err filled; the reader is then at its end). */
int cast_reader_next(cast_reader_t *r, cast_event_t *ev, cast_error_t *err);

/* True once the end was reached and the input was cut (mid-line or a gzip
 * stream without its trailer). */
bool cast_reader_truncated(const cast_reader_t *r);

/* Bytes consumed from the (decompressed) input so far. */
uint64_t cast_reader_offset(const cast_reader_t *r);

/* Number of warnings issued so far. */
unsigned long cast_reader_warnings(const cast_reader_t *r);

/* Free the reader and close its input. NULL is a no-op. */
void cast_reader_free(cast_reader_t *r);

#endif
