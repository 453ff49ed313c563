/* window: which events of a recording a report looks at (see window.h). */
#include "window.h"

#include <errno.h>
#include <string.h>

void report_window_init(report_window_t *w)
{
	memset(w, 0, sizeof(*w));
	w->to_ns = INT64_MAX;
}

static bool rw_is_marker(const cast_event_t *ev, const char *label)
{
	return ev->code[0] == 'm' && !ev->code[1] && strlen(label) == ev->data_len &&
	       memcmp(ev->data, label, ev->data_len) == 0;
}

report_window_pos_t report_window_feed(report_window_t *w, const cast_event_t *ev)
{
	if (w->seen_b)
		return REPORT_WINDOW_DONE;
	if (ev->time_ns > w->to_ns) {
		w->past_to = true;
		return REPORT_WINDOW_DONE;
	}
	if (w->mark_a) {
		if (!w->seen_a) {
			if (rw_is_marker(ev, w->mark_a)) {
				w->seen_a = true;
				w->a_ns = ev->time_ns;
			}
			return REPORT_WINDOW_OUT;
		}
		if (rw_is_marker(ev, w->mark_b)) {
			w->seen_b = true;
			w->b_ns = ev->time_ns;
			return REPORT_WINDOW_DONE;
		}
	}
	return ev->time_ns < w->from_ns ? REPORT_WINDOW_OUT : REPORT_WINDOW_IN;
}

int report_window_finish(const report_window_t *w, const char **missing, bool *after_a)
{
	if (!w->mark_a || w->seen_b || (w->seen_a && w->past_to))
		return 0;
	*missing = w->seen_a ? w->mark_b : w->mark_a;
	*after_a = w->seen_a;
	return -ENOENT;
}

void report_window_bounds(const report_window_t *w, int64_t *start, int64_t *end)
{
	*start = w->from_ns;
	*end = w->to_ns;
	if (w->mark_a && w->seen_a && w->a_ns > *start)
		*start = w->a_ns;
	if (w->mark_a && w->seen_b && w->b_ns < *end)
		*end = w->b_ns;
}
