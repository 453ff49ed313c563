/* cast_writer: asciicast v2 (and v3) output, plain or gzip.
 *
 * Every event is one line. Times are written with microsecond precision
 * from integer nanoseconds (no float accumulation; v3 intervals are the
 * differences of the rounded absolute times). The writer never reads a
 * clock: the caller passes each event's time.
 *
 * Data escaping (jstr.h): C0 controls and DEL as \uXXXX except \n \r \t \b
 * \f; valid UTF-8 passes unescaped. Data handed to the writer must be valid
 * UTF-8 (run byte streams through utf8.h first); invalid bytes are replaced
 * by U+FFFD as a last resort.
 *
 * Output is buffered; cast_writer_flush() writes the buffer out (for gzip
 * with Z_SYNC_FLUSH, so a file cut anywhere reads up to its last flush).
 * Errors are sticky: after the first failed write every call returns the
 * same -errno and nothing more is written, so nothing already written is
 * damaged. */
#ifndef TRACECAST_CAST_WRITER_H
#define TRACECAST_CAST_WRITER_H

#include "tracecast/cast_types.h"

typedef struct cast_writer cast_writer_t;

typedef struct cast_writer_opts {
	int version;   /* 2 (default when 0) or 3 */
	bool gzip;     /* gzip the output */
	bool close_fd; /* close fd in cast_writer_close/free */
} cast_writer_opts_t;

/* Create a writer on fd. opts may be NULL (v2, plain, fd not closed).
 * Returns 0 or -errno. */
int cast_writer_open_fd(cast_writer_t **out, int fd, const cast_writer_opts_t *opts);

/* Write the header object on one line (jansson, keys in the object's
 * order, asciinema's ", " and ": " separators, reals with the fewest
 * digits that read back exactly) and flush it. Must be the first call
 * (-EINVAL otherwise, or if header is not an object). For v3 the caller
 * gives a v3 header ("term": {...}). Returns 0 or -errno. */
int cast_writer_header(cast_writer_t *w, const json_t *header);

/* Append one event. time_ns is absolute since time 0; times lower than the
 * previous event's (or than 0) are written as the previous time (and
 * counted). code is a NUL-terminated string; data is len bytes of UTF-8.
 * Written as `[TIME, "CODE", "DATA"]\n`. Returns 0 or -errno (-EINVAL
 * before the header, -EBADF after close). */
int cast_writer_event(cast_writer_t *w, int64_t time_ns, const char *code,
		      const char *data, size_t len);

/* Write buffered output to the fd (gzip: sync flush). Returns 0 or -errno. */
int cast_writer_flush(cast_writer_t *w);

/* Flush, end the gzip stream, close the fd if asked. Returns 0 or the first
 * -errno met in the writer's life. The writer must still be freed. */
int cast_writer_close(cast_writer_t *w);

/* The sticky error (0 if none). */
int cast_writer_error(const cast_writer_t *w);

/* Bytes handed to the fd so far (after compression). */
uint64_t cast_writer_bytes(const cast_writer_t *w);

/* Events whose time was clamped to keep times non-decreasing. */
unsigned long cast_writer_clamped(const cast_writer_t *w);

/* Free (closing as cast_writer_close if not yet closed). NULL is a no-op. */
void cast_writer_free(cast_writer_t *w);

/* Format a time as seconds with 6 decimals ("12.345678"), rounded to the
 * microsecond; negative times are written as 0. Returns the length written
 * (buf must hold 32 bytes). */
size_t cast_format_time(char *buf, int64_t time_ns);

#endif
