/* cast_types: the values the reader hands out and the writer takes.
 *
 * Times are integer nanoseconds since the recording's time 0 (absolute,
 * whatever the file's format: v3 intervals are summed by the reader). */
#ifndef TRACECAST_CAST_TYPES_H
#define TRACECAST_CAST_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CAST_NS_PER_SEC INT64_C(1000000000)

/* One event. All pointers are owned by the reader and stay valid until the
 * next cast_reader_next() or cast_reader_free(). */
typedef struct cast_event {
	int64_t time_ns;     /* absolute, since time 0 */
	const char *code;    /* NUL-terminated event code ("o", "s", ...) */
	const char *data;    /* NUL-terminated UTF-8 data (may hold NULs: use data_len) */
	size_t data_len;     /* bytes in data, without the terminator */
	unsigned long line;  /* 1-based line of the event in the input */
} cast_event_t;

/* The header, normalised across v1/v2/v3. */
typedef struct cast_header {
	int version;            /* 1, 2 or 3 */
	unsigned width;         /* v1/v2 width, v3 term.cols */
	unsigned height;        /* v1/v2 height, v3 term.rows */
	bool has_timestamp;
	int64_t timestamp;      /* Unix seconds */
	bool has_idle_time_limit;
	double idle_time_limit; /* seconds */
	const char *title;      /* NULL when absent (points into json) */
	const char *command;    /* NULL when absent (points into json) */
	/* The header object exactly as read, every key kept (for v1 without
	 * "stdout"). Owned by the reader; json_incref() to keep it longer. */
	json_t *json;
} cast_header_t;

/* Parse "COLSxROWS" (both 1..65535). Returns 0 and fills cols/rows, or -1. */
int cast_parse_size(const char *s, size_t len, unsigned *cols, unsigned *rows);

#endif
