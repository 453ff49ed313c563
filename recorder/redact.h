/* redact: --redact REGEX, applied to recorded data before it is written.
 *
 * Patterns are POSIX extended regular expressions (regcomp REG_EXTENDED);
 * each match is replaced by "[REDACTED]" and counted.
 *
 * Byte streams (pty output "o", input "i") go through a redact_stream_t.
 * Matching runs on the text a terminal shows: escape sequences (CSI, OSC,
 * DCS, ... 7- and 8-bit) are skipped, so "hun ESC[0m ter2" matches
 * "hunter2", and the whole span, sequences included, is replaced. Only
 * what could still start a match is held back between reads: the tail
 * that is a prefix of a pattern's leading literal (or begins with it), at
 * most REDACT_HOLD bytes; a pattern without a leading literal (".*x",
 * "[0-9]{16}", "a|b") holds the last REDACT_HOLD bytes. A match still
 * growing at the end is held whole up to REDACT_HOLD_MAX. Each byte keeps
 * the time it was read; nothing is held longer than the caller's window
 * (redact_stream_expire). Data must be valid UTF-8.
 *
 * strace lines ("s") go through redact_strace(): patterns are matched
 * against each string argument unescaped, a string cut by strace's -s
 * limit has its tail redacted when it could be the start of a match, and
 * the data buffers of read/write-like calls are recorded as their length
 * only. Other single events are filtered whole with redact_apply(). */
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

/* Where a stream's filtered pieces go (time the piece's bytes were read;
 * a replacement has the time of the first byte it replaces). */
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

/* Read time of the oldest held byte, INT64_MAX when none (or s is NULL). */
int64_t redact_stream_held_since(const redact_stream_t *s);

/* Hand out (filtered, with their times) the held bytes when the oldest was
 * read window ns or more before now: a secret whose pieces arrive further
 * apart than the window is not found. */
void redact_stream_expire(redact_stream_t *s, int64_t now, int64_t window,
			  redact_emit_fn emit, void *user);

/* Filter one strace line (see the top). keep_buffers: match inside data
 * buffers like any string instead of recording their length only. Returns
 * a heap string (*out_len bytes, NUL terminated), or NULL on ENOMEM. */
char *redact_strace(redact_t *r, const char *line, size_t len, bool keep_buffers,
		    size_t *out_len);

void redact_stream_free(redact_stream_t *s);
void redact_free(redact_t *r);

#endif
