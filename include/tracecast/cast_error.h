/* cast_error: a diagnostic that names its place, "FILE:LINE:COL: text".
 *
 * Parsers fill a caller-allocated cast_error_t (as jansson's json_error_t).
 * line and column are 1-based; 0 means "not known" and is left out when
 * printed. */
#ifndef TRACECAST_CAST_ERROR_H
#define TRACECAST_CAST_ERROR_H

#include <stdarg.h>
#include <stdio.h>

#define CAST_ERROR_TEXT 256
#define CAST_ERROR_SOURCE 256

typedef struct cast_error {
	char source[CAST_ERROR_SOURCE]; /* file name as given ("-" for stdin) */
	unsigned long line;             /* 1-based, 0 = unknown */
	unsigned long column;           /* 1-based, 0 = unknown */
	char text[CAST_ERROR_TEXT];     /* message, no trailing newline */
} cast_error_t;

/* Fill err (may be NULL: then nothing happens). source may be NULL. */
void cast_error_set(cast_error_t *err, const char *source, unsigned long line,
		    unsigned long column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Format as "SOURCE:LINE:COL: text" into buf (always NUL-terminated).
 * Returns buf. */
const char *cast_error_format(const cast_error_t *err, char *buf, size_t size);

/* Print "tracecast: SOURCE:LINE:COL: [prefix: ]text\n" to fp. */
void cast_error_print(FILE *fp, const char *prefix, const cast_error_t *err);

#endif
