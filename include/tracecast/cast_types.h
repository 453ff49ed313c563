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

/* Every time read from a file is clamped to [0, CAST_TIME_MAX_NS] (about
 * 126 years: Unix-epoch event times fit), so that two of them add without
 * overflow; v1 delays and v3 intervals are summed with saturation. */
#define CAST_TIME_MAX_NS (INT64_C(4000000000) * CAST_NS_PER_SEC)

/* The largest screen a recording may make a player draw (a header size or
 * a resize beyond it is drawn at this bound; the reader warns about such a
 * resize, info reports both): libvterm
 * costs about 110 bytes a cell, so 1024x512 is at most 60 MB. */
#define CAST_MAX_COLS 1024u
#define CAST_MAX_ROWS 512u
#define CAST_MAX_SIZE_TEXT "1024x512"

/* a + b for times in [0, CAST_TIME_MAX_NS]-ish: saturates at INT64_MAX and
 * INT64_MIN instead of overflowing. */
static inline int64_t cast_time_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* One event. All pointers are owned by the reader and stay valid until the
 * next cast_reader_next() or cast_reader_free(). */
typedef struct cast_event {
	int64_t time_ns;     /* absolute, since time 0 */
	const char *code;    /* NUL-terminated event code ("o", "s", ...) */
	const char *data;    /* NUL-terminated UTF-8 data (may hold NULs: use data_len) */
	size_t data_len;     /* bytes in data, without the terminator */
	unsigned long line;  /* 1-based line of the event in the input */
	/* data is the JSON string's inside as written, escapes kept (a code
	 * asked for raw: cast_reader_set_raw) */
	bool raw;
} cast_event_t;

/* The header, normalised across v1/v2/v3. */
typedef struct cast_header {
	int version;            /* 1, 2 or 3 */
	unsigned width;         /* v1/v2 width, v3 term.cols */
	unsigned height;        /* v1/v2 height, v3 term.rows */
	/* width and height were 0 in the file (asciinema 2.2 recording without
	 * a terminal): read as 80x24, as asciinema and its web player do */
	bool size_defaulted;
	bool has_timestamp;
	int64_t timestamp;      /* Unix seconds */
	bool has_idle_time_limit;
	double idle_time_limit; /* seconds, > 0 and at most CAST_TIME_MAX_NS/1e9
				   (larger values are clamped; <= 0: none) */
	const char *title;      /* NULL when absent (points into json) */
	const char *command;    /* NULL when absent (points into json) */
	/* The header object exactly as read, every key kept (for v1 without
	 * "stdout"). Owned by the reader; json_incref() to keep it longer. */
	json_t *json;
} cast_header_t;

/* Parse "COLSxROWS" (both 1..65535). Returns 0 and fills cols/rows, or -1. */
int cast_parse_size(const char *s, size_t len, unsigned *cols, unsigned *rows);

#endif
