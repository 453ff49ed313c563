/* overlay_syscalls: the syscall panel.
 *
 * The latest "s" lines at or before the playhead, newest at the bottom:
 * time relative to the playhead, tid, the call with its arguments cut to
 * fit, the result. Errors are red, calls slower than slow_ns bold; a call
 * whose "<unfinished ...>" half is before the playhead and whose
 * "resumed" half is not yet shows as in flight with its elapsed time; a
 * resumed call is shown whole (name, both argument halves, result). */
#ifndef TRACECAST_OVERLAY_SYSCALLS_H
#define TRACECAST_OVERLAY_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "sys_filter.h"
#include "timeline.h"

typedef struct overlay_sys_opts {
	const sys_filter_t *filter; /* only lines passing it (NULL = all) */
	const char *filter_src;  /* shown in the title */
	bool errors_only;
	int64_t slow_ns;         /* bold from this duration on */
	bool focused;            /* the panel has the keys: title says so */
	size_t scroll;           /* rows scrolled back from the newest */
	int selected;            /* row selected, counted from the newest shown
				    (0 = bottom), -1 = none */
	size_t *selected_index;  /* out: the line index selected, SIZE_MAX if
				    none (may be NULL) */
	size_t *shown;           /* out: rows shown (may be NULL) */
} overlay_sys_opts_t;

/* Draw the panel into the w x h rectangle at (row, col) of f for
 * playhead t (first row: a title). */
void overlay_syscalls_draw(frame_t *f, int row, int col, int w, int h,
			   const timeline_t *tl, int64_t t, const overlay_sys_opts_t *o);
/* Format entry i as shown at playhead t, without time and tid, into out
 * (for tests and the filter). Returns true when it is visible at t (an
 * unfinished half whose resumed half is at or before t is not). */
bool overlay_syscalls_format(const timeline_t *tl, size_t i, int64_t t, sbuf_t *call,
			     sbuf_t *result);
/* The detail view of line i in a box over f: the whole call wrapped, its
 * duration, start and end (recording time), tid, and the attached pid when
 * the line has one. */
void overlay_syscalls_detail(frame_t *f, const timeline_t *tl, size_t i, int64_t t);

#endif
