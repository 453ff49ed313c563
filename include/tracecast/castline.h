/* castline: the fast path for ordinary event lines.
 *
 * Scans one line of the exact shape [TIME, "CODE", "DATA"] (any JSON
 * whitespace between tokens, TIME a JSON number) without building a JSON
 * tree. Anything else (other shapes, numbers it cannot convert exactly,
 * odd escapes) is declined and the caller falls back to jansson; a
 * differential fuzz target proves that whatever it accepts, jansson
 * accepts and decodes to the same values. */
#ifndef TRACECAST_CASTLINE_H
#define TRACECAST_CASTLINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct castline {
	int64_t time_ns;  /* the TIME, in nanoseconds (rounded to nearest) */
	char *code;       /* NUL-terminated, points into the caller's buffer */
	size_t code_len;
	char *data;       /* NUL-terminated, points into the caller's buffer */
	size_t data_len;
} castline_t;

/* Scan line[0..len) (without its newline). buf must hold len + 2 bytes and
 * receives the decoded code and data. Returns 1 when the line was scanned,
 * 0 when declined (the caller must try jansson). */
int castline_scan(const char *line, size_t len, char *buf, castline_t *out);

/* Convert a JSON number token to nanoseconds exactly as the reader does for
 * jansson values (decimal digits, no float error for up to 9 decimals).
 * Returns 0 or -1 if tok is not a plain JSON number. */
int castline_parse_time(const char *tok, size_t len, int64_t *ns);

#endif
