/* redact: --redact REGEX, applied to recorded data before it is written.
 *
 * Patterns are POSIX extended regular expressions (regcomp REG_EXTENDED);
 * each match is replaced by "[REDACTED]" and counted.
 *
 * Byte streams (pty output "o", input "i") are filtered through a
 * redact_stream_t that holds back the tail of the data seen so far, so a
 * secret split across two reads is still found. The limit: the part of a
 * match that lies in the earlier reads must fit in REDACT_HOLD bytes (a
 * match still growing at the end of the data is held whole up to
 * REDACT_HOLD_MAX). Held bytes keep their original time and go out with
 * the next data of their stream, or at the end (redact_stream_feed with
 * final). Single events (strace lines, markers, samples) are filtered
 * whole with redact_apply(). Data must be valid UTF-8 (the hold point is
 * moved to a character boundary). */
#ifndef TRACECAST_REDACT_H
#define TRACECAST_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REDACT_TEXT "[REDACTED]"
#define REDACT_HOLD 4096
#define REDACT_HOLD_MAX 65536

typedef struct redact redact_t;
typedef struct redact_stream redact_stream_t;

/* Compile n patterns. Returns 0 and *out, -ENOMEM, or -EINVAL with the
 * regcomp message for the failing pattern written to err (NUL-terminated). */
int redact_new(redact_t **out, const char *const *patterns, size_t n,
	       char *err, size_t err_size);

/* Replacements made so far (streams and single events together). */
unsigned long redact_count(const redact_t *r);

/* Filter data[0..len) whole. Returns a heap string (*out_len bytes, NUL
 * terminated) the caller frees, or NULL on ENOMEM. */
char *redact_apply(redact_t *r, const char *data, size_t len, size_t *out_len);

/* Where a stream's filtered pieces go (time of the piece's first byte). */
typedef void (*redact_emit_fn)(void *user, int64_t time_ns, const char *data,
			       size_t len);

/* A stream filter over r (which must outlive it). Returns NULL on ENOMEM. */
redact_stream_t *redact_stream_new(redact_t *r);

/* Feed data read at time_ns; complete pieces go to emit (never empty).
 * final: hand out everything held (end of the stream). Returns 0 or
 * -ENOMEM (then the data is dropped, never written unfiltered). */
int redact_stream_feed(redact_stream_t *s, int64_t time_ns, const char *data,
		       size_t len, bool final, redact_emit_fn emit, void *user);

/* Bytes held back now. */
size_t redact_stream_held(const redact_stream_t *s);

void redact_stream_free(redact_stream_t *s);
void redact_free(redact_t *r);

#endif
