/* overlay_syscalls: the syscall panel (see overlay_syscalls.h). */
#include <stdio.h>
#include <string.h>

#include "overlay_syscalls.h"
#include "tracecast/strace_line.h"

#define SYS_MAX_SCAN 200000  /* entries scanned back for a sparse filter */

/* The span of entry i: strace_line_span() for the recording's time base;
 * a resumed half without a duration spans from its unfinished half. */
static void sys_span(const timeline_t *tl, size_t i, int64_t *start, int64_t *end)
{
	const tl_sys_t *e = &tl->sys[i];
	strace_line_t sl;

	strace_line_parse(e->text, strlen(e->text), &sl);
	strace_line_span(&sl, e->t, tl->s_time, start, end);
	if ((e->flags & TL_SYS_RESUMED) && e->pair >= 0 && sl.dur_ns < 0)
		*start = tl->sys[e->pair].t;
}

static void sys_add_result(const strace_line_t *sl, sbuf_t *result)
{
	if (!sl->has_ret)
		return;
	sbuf_adds(result, "= ");
	sbuf_add(result, sl->ret, sl->ret_len);
	if (sl->err) {
		sbuf_addc(result, ' ');
		sbuf_add(result, sl->err, sl->err_len);
	}
}

bool overlay_syscalls_format(const timeline_t *tl, size_t i, int64_t t, sbuf_t *call,
			     sbuf_t *result)
{
	const tl_sys_t *e = &tl->sys[i];
	strace_line_t sl, u;

	sbuf_reset(call);
	sbuf_reset(result);
	strace_line_parse(e->text, strlen(e->text), &sl);
	if (e->flags & TL_SYS_UNFINISHED) {
		if (e->pair >= 0 && tl->sys[e->pair].t <= t)
			return false; /* shown whole by its resumed half */
		sbuf_add(call, sl.name, sl.name_len);
		sbuf_addc(call, '(');
		sbuf_add(call, sl.args, sl.args_len);
		sbuf_adds(call, " ...");
		sbuf_printf(result, "in flight %.3fs", (double)(t - e->t) / 1e9);
		return true;
	}
	if ((e->flags & TL_SYS_RESUMED) && e->pair >= 0) {
		const tl_sys_t *ue = &tl->sys[e->pair];
		strace_line_parse(ue->text, strlen(ue->text), &u);
		sbuf_add(call, sl.name, sl.name_len);
		sbuf_addc(call, '(');
		sbuf_add(call, u.args, u.args_len);
		if (u.args_len && u.args[u.args_len - 1] == ',')
			sbuf_addc(call, ' ');
		sbuf_add(call, sl.args, sl.args_len);
		sbuf_addc(call, ')');
		sys_add_result(&sl, result);
		return true;
	}
	if (sl.kind == STRACE_CALL || sl.kind == STRACE_RESUMED) {
		if (sl.kind == STRACE_RESUMED)
			sbuf_adds(call, "... ");
		sbuf_add(call, sl.name, sl.name_len);
		sbuf_addc(call, '(');
		sbuf_add(call, sl.args, sl.args_len);
		sbuf_addc(call, ')');
		sys_add_result(&sl, result);
		return true;
	}
	/* signals, exits, other: the text after the "@PID " tag and the tid
	 * (both are in the row's tid column already) */
	const char *p = e->text;
	if (sl.attach_pid) {
		p = strchr(p, ' ');
		p = p ? p + 1 : e->text;
	}
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	sbuf_adds(call, p);
	return true;
}

/* True when entry i passes the filter and errors-only. */
static bool sys_wanted(const timeline_t *tl, size_t i, const overlay_sys_opts_t *o)
{
	const tl_sys_t *e = &tl->sys[i];

	if (o->errors_only && !(e->flags & TL_SYS_ERROR))
		return false;
	if (o->filter && regexec(o->filter, e->text, 0, NULL, 0) != 0) {
		/* a resumed half also matches on its unfinished half's text */
		if (!((e->flags & TL_SYS_RESUMED) && e->pair >= 0 &&
		      regexec(o->filter, tl->sys[e->pair].text, 0, NULL, 0) == 0))
			return false;
	}
	return true;
}

void overlay_syscalls_draw(frame_t *f, int row, int col, int w, int h,
			   const timeline_t *tl, int64_t t, const overlay_sys_opts_t *o)
{
	static const frame_style_t plain, title_st = { .attrs = FRAME_REVERSE };
	frame_style_t err_st = { .fg = { .kind = FRAME_COLOR_INDEX, .idx = 1 } };
	frame_style_t fly_st = { .fg = { .kind = FRAME_COLOR_INDEX, .idx = 3 } };
	frame_style_t dim_st = { .attrs = FRAME_DIM };
	size_t upto = timeline_sys_upto(tl, t);
	size_t shown_max = h > 1 ? (size_t)(h - 1) : 0;
	size_t idx[512], n = 0, scanned = 0;
	sbuf_t call, result, tmp;
	char head[160];

	if (w <= 0 || h <= 0)
		return;
	if (shown_max > sizeof(idx) / sizeof(idx[0]))
		shown_max = sizeof(idx) / sizeof(idx[0]);
	frame_fill(f, row, col, w, h, &plain);
	sbuf_init(&call);
	sbuf_init(&result);
	sbuf_init(&tmp);
	for (size_t i = upto; i-- > 0 && n < shown_max && scanned < SYS_MAX_SCAN; scanned++) {
		if (!sys_wanted(tl, i, o))
			continue;
		if (!overlay_syscalls_format(tl, i, t, &call, &result))
			continue;
		idx[n++] = i;
	}
	snprintf(head, sizeof(head), " syscalls %zu/%zu%s%s%s%s ", upto, tl->n_sys,
		 o->errors_only ? "  errors only" : "", o->filter_src ? "  /" : "",
		 o->filter_src ? o->filter_src : "", o->filter_src ? "/" : "");
	frame_fill(f, row, col, w, 1, &title_st);
	frame_text(f, row, col, w, head, strlen(head), &title_st);
	/* newest at the bottom: idx[0] is the newest */
	int r = row + h - 1;
	for (size_t k = 0; k < n; k++, r--) {
		const tl_sys_t *e = &tl->sys[idx[k]];
		bool fly;
		overlay_syscalls_format(tl, idx[k], t, &call, &result);
		fly = (e->flags & TL_SYS_UNFINISHED) != 0;
		frame_style_t st = plain;
		if (e->flags & TL_SYS_ERROR)
			st = err_st;
		else if (fly)
			st = fly_st;
		int64_t s0, s1, dur;
		sys_span(tl, idx[k], &s0, &s1);
		dur = s1 - s0;
		if (fly)
			dur = t - e->t;
		if (o->slow_ns > 0 && dur >= o->slow_ns)
			st.attrs |= FRAME_BOLD;
		sbuf_reset(&tmp);
		sbuf_printf(&tmp, "%+8.3f %-6ld ", (double)(e->t - t) / 1e9, e->tid);
		int c = col;
		c += frame_text(f, r, c, w, tmp.data, tmp.len, &dim_st);
		int left = col + w - c;
		int rw = frame_text_width(result.data, result.len);
		int cw = frame_text_width(call.data, call.len);
		if (rw + 1 > left / 2 && rw > 0)
			rw = left / 2 - 1;
		int callw = left - (rw > 0 ? rw + 1 : 0);
		if (cw > callw && callw > 1) {
			c += frame_text(f, r, c, callw - 1, call.data, call.len, &st);
			c += frame_text(f, r, c, 1, "\xe2\x80\xa6", 3, &st);
		} else if (callw > 0) {
			c += frame_text(f, r, c, callw, call.data, call.len, &st);
		}
		if (rw > 0) {
			c += frame_text(f, r, c, 1, " ", 1, &st);
			frame_text(f, r, c, rw, result.data, result.len, &st);
		}
	}
	sbuf_cleanup(&call);
	sbuf_cleanup(&result);
	sbuf_cleanup(&tmp);
}
