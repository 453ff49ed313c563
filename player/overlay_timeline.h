/* overlay_timeline: the timeline bar, the status line and the help box.
 *
 * Bar: one row, one column per slice of the recording; each shows the
 * density of syscalls in its slice (red when it holds an error), markers
 * as a diamond, the playhead as a bar; the part already played is bold.
 * Status line: time / duration, speed, paused, the current marker label,
 * how the viewport clips the recorded screen. */
#ifndef TRACECAST_OVERLAY_TIMELINE_H
#define TRACECAST_OVERLAY_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "timeline.h"

typedef struct overlay_status {
	double speed;
	bool paused;
	bool looping;
	const char *clip;        /* "view 80x20+0+4 of 100x30" or NULL */
	const char *message;     /* transient message (filter error, ...) or NULL */
	bool sys_focus;          /* the syscall panel has the keys */
	bool still;              /* no play/pause symbol, speed or "? help" */
} overlay_status_t;

/* Draw the bar (one row) at (row, col), w columns, for playhead t. */
void overlay_timeline_bar(frame_t *f, int row, int col, int w, const timeline_t *tl,
			  int64_t t);
/* Draw the status line (one row). */
void overlay_timeline_status(frame_t *f, int row, int col, int w, const timeline_t *tl,
			     int64_t t, const overlay_status_t *st);
/* Draw the key help box centred in f. */
void overlay_timeline_help(frame_t *f);
/* Format a time in ns as "M:SS.s" (or "H:MM:SS") into buf. */
void overlay_timeline_fmt(int64_t ns, char *buf, size_t size);

#endif
