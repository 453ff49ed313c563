/* html_stats: what the HTML page needs to draw the `tracecast stats` table
 * of any window, exactly as `tracecast stats` counts it.
 *
 * Private to report/export_html.c. It goes into the panels' JSON as
 * "stats": {"lo", "hi", "names", "k", "dx"}:
 * - "k": per line of the page's syscall arrays, -1 for a line that is not
 *   a call (stats_line_call(), the rule stats.c counts by), else
 *   NAME * 2 + ERR, NAME an index into "names", ERR set for a failed call;
 * - the call's duration is the "<SECS.FRACTION>" at the end of its text
 *   (the page reads it there: ns exact, no extra bytes), or, for the rare
 *   line where that reading differs from the parser's, "dx": [[line, ns]];
 * - "lo", "hi": the lines [lo, hi) that `tracecast stats` with the
 *   export's --from/--to/--between-markers counts (report/window.h rules:
 *   between markers it is file order, not time, that decides).
 * A marker's place among the lines comes from html_stats_lines_seen(). */
#ifndef TRACECAST_HTML_STATS_H
#define TRACECAST_HTML_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "player/sbuf.h"
#include "strmap.h"
#include "window.h"

typedef struct html_stats {
	report_window_t win;    /* which events `tracecast stats` counts */
	size_t first;           /* the first syscall line exported */
	size_t n_s;             /* "s" events seen */
	size_t lo, hi;          /* the window's lines, relative to first */
	bool any;
	strmap_t names;         /* syscall names, in order of first sight */
	sbuf_t k, dx;           /* the arrays' bodies */
	size_t n_k, n_dx;
} html_stats_t;

/* Start for an export whose first syscall line is `first` (in the file's
 * order), over the window from_ns .. to_ns (-1: open) and, when mark_a is
 * set, between the first marker mark_a and the first mark_b after it
 * (labels borrowed). h is caller storage. */
void html_stats_init(html_stats_t *h, size_t first, int64_t from_ns, int64_t to_ns,
		     const char *mark_a, const char *mark_b);

/* One event of the file, in file order. */
void html_stats_event(html_stats_t *h, const cast_event_t *ev);

/* The syscall lines seen so far, relative to the first exported (where a
 * marker read now stands among them). */
size_t html_stats_lines_seen(const html_stats_t *h);

/* The next line of the page's syscall arrays: its text. Returns 0 or
 * -ENOMEM. */
int html_stats_line(html_stats_t *h, const char *text, size_t len);

/* Append ,"stats":{...} to the panels' JSON. */
void html_stats_json(const html_stats_t *h, sbuf_t *panel);

/* Free what h holds. */
void html_stats_cleanup(html_stats_t *h);

#endif
