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

/* As castline_scan, except for a line whose code is raw_code: its data is
 * left as written (the JSON string's inside, escapes kept and NOT checked,
 * not NUL-terminated: use data_len). line is not modified (its data is
 * handed out through out->data). Returns 2 for such a line (out->data
 * points into line), 1 for
 * another line scanned, 0 when declined. A raw line's text is the inside of
 * a well-formed string token (no unescaped quote), nothing more. */
int castline_scan_raw(char *line, size_t len, char *buf, const char *raw_code,
		      castline_t *out);

/* Convert a JSON number token to nanoseconds exactly as the reader does for
 * jansson values (decimal digits, no float error for up to 9 decimals).
 * Returns 0 or -1 if tok is not a plain JSON number. */
int castline_parse_time(const char *tok, size_t len, int64_t *ns);

#endif
