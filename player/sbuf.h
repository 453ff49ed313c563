/* sbuf: a growable byte buffer for building terminal output and text.
 *
 * Caller storage: sbuf_init()/sbuf_cleanup(). Appends abort on OOM (the
 * player's output buffers are small and a failed append cannot be
 * reported half-way through an escape sequence). data is NUL-terminated
 * after every append. */
#ifndef TRACECAST_SBUF_H
#define TRACECAST_SBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct sbuf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t cap;
} sbuf_t;

void sbuf_init(sbuf_t *b);
void sbuf_cleanup(sbuf_t *b);
/* Forget the contents, keep the memory. */
void sbuf_reset(sbuf_t *b);
void sbuf_add(sbuf_t *b, const void *p, size_t n);
void sbuf_adds(sbuf_t *b, const char *s);
void sbuf_addc(sbuf_t *b, char c);
/* Append a Unicode scalar value as UTF-8 (invalid ones as U+FFFD). */
void sbuf_add_utf8(sbuf_t *b, uint32_t cp);
void sbuf_printf(sbuf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
