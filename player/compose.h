/* compose: the frame a viewer sees, the recorded screen plus panels.
 *
 * Layout of a viewer of W x H: the last row is the status line; with the
 * overlay on, the row above it is the timeline bar. The recorded screen
 * is drawn at its size in the top-left corner. The panels (profile strip
 * above the syscall panel) go to the right of it when at least
 * COMPOSE_SIDE_MIN columns remain, else below it when at least
 * COMPOSE_BOTTOM_MIN rows remain, else they take the bottom third and the
 * screen gets what is left. When the screen does not fit its area it is
 * clipped by a viewport that follows the cursor, and the status line says
 * so ("view 80x20+0+4 of 100x30"). */
#ifndef TRACECAST_COMPOSE_H
#define TRACECAST_COMPOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "screen.h"
#include "timeline.h"

#define COMPOSE_SIDE_MIN 40
#define COMPOSE_BOTTOM_MIN 6

typedef struct compose_opts {
	bool overlay;           /* panels and timeline bar (o) */
	bool sys_panel;         /* (s) */
	bool prof_strip;        /* (p) */
	bool help;              /* (?) */
	bool full;              /* (z) the screen only: no status line, no
				   timeline, no panels */
	bool sys_focus;         /* (Tab) the syscall panel has the keys */
	size_t sys_scroll;      /* its rows scrolled back from the newest */
	int sys_selected;       /* its selected row from the bottom */
	bool sys_detail;        /* (Enter) the selected line's detail box */
	const char *filter;     /* syscall filter (sys_filter.h), NULL or "" = none */
	bool errors_only;       /* (e) */
	int64_t slow_ns;        /* --slow, default 10 ms */
	double speed;
	bool paused;
	bool looping;
	const char *message;    /* transient status message or NULL */
	bool still;             /* a still frame (dump): the status line has no
				 * play/pause symbol, speed or key help */
} compose_opts_t;

typedef struct compose compose_t;

/* Overlay, panels on; no filter; slow 10 ms; speed 1. */
void compose_opts_defaults(compose_opts_t *o);
/* A compositor over tl (borrowed; must outlive it). The options are
 * copied. NULL on OOM or when opts->filter does not compile (then the
 * message is on stderr). */
compose_t *compose_new(const timeline_t *tl, const compose_opts_t *opts);
void compose_free(compose_t *c);
/* Replace the options; a filter that does not compile keeps the previous
 * one and returns -EINVAL (0 otherwise). */
int compose_set_opts(compose_t *c, const compose_opts_t *opts);
const compose_opts_t *compose_opts(const compose_t *c);
/* Pan the viewport by rows/cols (a screen larger than its area): the view
 * stops following the cursor until compose_follow_cursor. */
void compose_pan(compose_t *c, int rows, int cols);
void compose_follow_cursor(compose_t *c);
/* True when syscall line i is one the panel would show: it passes the
 * active filter (sys_filter.h) and, with errors only, failed. tmp is a
 * scratch buffer (a regex filter reads the line back). */
bool compose_sys_wanted(const compose_t *c, const timeline_t *tl, size_t i, sbuf_t *tmp);
/* After a draw: rows the syscall panel showed (0 when not shown). */
size_t compose_sys_shown(const compose_t *c);
/* Draw everything into f (at f's size) for the screen s at playhead t.
 * f's cursor is set to the recorded cursor when it is inside the visible
 * part of the screen and the help is not shown. */
void compose_draw(compose_t *c, frame_t *f, const screen_t *s, int64_t t);

#endif
