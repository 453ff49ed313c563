/* window: the part of a recording a report looks at (--from, --to,
 * --between-markers of stats and export).
 *
 * Fed every event in file order (times never go back in a recording), it
 * says whether the event is in the window. An event is in it when its time
 * is in [from, to] and, with markers, it comes after the first marker A and
 * before the first marker B after that. An "s" event's time is its line's
 * time: the call's end in files with tracecast.s_time "end" (FORMAT.md).
 * No allocation; the marker labels are borrowed. */
#ifndef TRACECAST_REPORT_WINDOW_H
#define TRACECAST_REPORT_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracecast/cast_types.h"

typedef struct report_window {
	int64_t from_ns;        /* 0: from the start */
	int64_t to_ns;          /* INT64_MAX: to the end */
	const char *mark_a;     /* NULL: no markers; else both set */
	const char *mark_b;
	/* state */
	bool seen_a, seen_b, past_to;
	int64_t a_ns, b_ns;     /* times of the markers once seen */
} report_window_t;

typedef enum report_window_pos {
	REPORT_WINDOW_OUT = 0,   /* before the window (or a bounding marker) */
	REPORT_WINDOW_IN = 1,
	REPORT_WINDOW_DONE = 2,  /* past the window: no later event is in it */
} report_window_pos_t;

/* An open window (whole recording). */
void report_window_init(report_window_t *w);

/* Where ev falls. */
report_window_pos_t report_window_feed(report_window_t *w, const cast_event_t *ev);

/* After the last event: 0, or -ENOENT when a marker was asked for and not
 * found (B may be missing when --to ended the window first); then *missing names the label that is missing and *after_a says
 * whether it was B after A. */
int report_window_finish(const report_window_t *w, const char **missing, bool *after_a);

/* The window's bounds as seen: start and end times in ns (end INT64_MAX
 * when open). */
void report_window_bounds(const report_window_t *w, int64_t *start, int64_t *end);

#endif
