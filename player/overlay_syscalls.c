/* overlay_syscalls: the syscall panel (see overlay_syscalls.h). */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "overlay_syscalls.h"
#include "overlay_timeline.h"
#include "tracecast/strace_line.h"

#define SYS_MAX_SCAN 200000  /* entries scanned back for a sparse filter */
#define SYS_FLY_SCAN 4096    /* entries scanned ahead for calls in flight */
#define SYS_FLY_MAX_NS (INT64_C(3600) * 1000000000) /* and at most this far */
#define SYS_DUR_MIN_W 90     /* the duration column from this width on */

/* A duration in 8 columns or fewer: 12us, 3.4ms, 1.001s, 75s. */
static void sys_fmt_dur(int64_t ns, char *buf, size_t size)
{
	if (ns < 0)
		snprintf(buf, size, "-");
	else if (ns < 1000000)
		snprintf(buf, size, "%lldus", (long long)(ns / 1000));
	else if (ns < 1000000000)
		snprintf(buf, size, "%.1fms", (double)ns / 1e6);
	else if (ns < INT64_C(100) * 1000000000)
		snprintf(buf, size, "%.3fs", (double)ns / 1e9);
	else
		snprintf(buf, size, "%llds", (long long)(ns / 1000000000));
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

/* The call text without its "@PID " tag and "TID " prefix (both are in the
 * row's tid column already). */
static const char *sys_after_tid(const char *p)
{
	if (*p == '@') { /* a --strace-pid line: its "@PID " tag first */
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
		while (*p == ' ')
			p++;
	}
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

bool overlay_syscalls_format(const timeline_t *tl, size_t i, int64_t t, sbuf_t *call,
			     sbuf_t *result)
{
	tl_sys_t e, ue;
	strace_line_t sl, u;
	sbuf_t text, utext;
	bool shown = true;

	sbuf_reset(call);
	sbuf_reset(result);
	sbuf_init(&text);
	sbuf_init(&utext);
	timeline_sys_get(tl, i, &e);
	timeline_sys_text(tl, i, &text);
	strace_line_parse(text.data, text.len, &sl);
	if (e.flags & TL_SYS_UNFINISHED) {
		if (e.pair >= 0) {
			timeline_sys_get(tl, (size_t)e.pair, &ue);
			if (ue.t <= t) {
				shown = false; /* shown whole by its resumed half */
				goto out;
			}
		}
		sbuf_add(call, sl.name, sl.name_len);
		sbuf_addc(call, '(');
		sbuf_add(call, sl.args, sl.args_len);
		sbuf_adds(call, " ...");
		sbuf_printf(result, "in flight %.3fs", (double)(t - e.t) / 1e9);
		goto out;
	}
	if ((e.flags & TL_SYS_RESUMED) && e.pair >= 0) {
		timeline_sys_text(tl, (size_t)e.pair, &utext);
		strace_line_parse(utext.data, utext.len, &u);
		sbuf_add(call, sl.name, sl.name_len);
		sbuf_addc(call, '(');
		sbuf_add(call, u.args, u.args_len);
		if (u.args_len && u.args[u.args_len - 1] == ',')
			sbuf_addc(call, ' ');
		sbuf_add(call, sl.args, sl.args_len);
		sbuf_addc(call, ')');
		sys_add_result(&sl, result);
		goto out;
	}
	if (sl.kind == STRACE_CALL || sl.kind == STRACE_RESUMED) {
		if (sl.kind == STRACE_RESUMED)
			sbuf_adds(call, "... ");
		sbuf_add(call, sl.name, sl.name_len);
		sbuf_addc(call, '(');
		sbuf_add(call, sl.args, sl.args_len);
		sbuf_addc(call, ')');
		sys_add_result(&sl, result);
		goto out;
	}
	/* signals, exits, other: the text after the tid */
	sbuf_adds(call, sys_after_tid(text.data ? text.data : ""));
out:
	sbuf_cleanup(&text);
	sbuf_cleanup(&utext);
	return shown;
}

/* True when entry i passes the filter (sys_filter.h) and errors-only. */
static bool sys_wanted(const timeline_t *tl, size_t i, const overlay_sys_opts_t *o, sbuf_t *tmp)
{
	if (o->errors_only) {
		tl_sys_t e;
		timeline_sys_get(tl, i, &e);
		if (!(e.flags & TL_SYS_ERROR))
			return false;
	}
	return sys_filter_match(o->filter, tl, i, tmp);
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
	size_t idx[512], n = 0, scanned = 0, n_fly = 0;
	bool is_fly[512];
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
	/* end-stamped lines: calls later than t whose span starts at or
	 * before it are in flight at t (at most half the rows) */
	if (timeline_s_end_stamped(tl)) {
		size_t total = timeline_sys_count(tl);
		for (size_t i = upto; i < total && i < upto + SYS_FLY_SCAN && n_fly < shown_max / 2; i++) {
			tl_sys_t e;
			timeline_sys_get(tl, i, &e);
			if (e.t - t > SYS_FLY_MAX_NS)
				break;
			if (e.start > t || (e.flags & (TL_SYS_UNFINISHED | TL_SYS_RESUMED | TL_SYS_NOTCALL)))
				continue;
			if (!sys_wanted(tl, i, o, &tmp))
				continue;
			is_fly[n_fly] = true;
			idx[n_fly++] = i;
		}
		/* the latest started at the bottom */
		for (size_t a = 0; a + 1 < n_fly; a++)
			for (size_t b = a + 1; b < n_fly; b++) {
				tl_sys_t ea, eb;
				timeline_sys_get(tl, idx[a], &ea);
				timeline_sys_get(tl, idx[b], &eb);
				if (eb.start > ea.start) {
					size_t x = idx[a];
					idx[a] = idx[b];
					idx[b] = x;
				}
			}
		n = n_fly;
	}
	size_t skip = o->scroll;
	for (size_t i = upto; i-- > 0 && n < shown_max && scanned < SYS_MAX_SCAN; scanned++) {
		if (!sys_wanted(tl, i, o, &tmp))
			continue;
		if (!overlay_syscalls_format(tl, i, t, &call, &result))
			continue;
		if (skip) {
			skip--;
			continue;
		}
		is_fly[n] = false;
		idx[n++] = i;
	}
	if (o->shown)
		*o->shown = n;
	if (o->selected_index)
		*o->selected_index = o->selected >= 0 && (size_t)o->selected < n ? idx[o->selected] : SIZE_MAX;
	snprintf(head, sizeof(head), " syscalls %zu/%zu%s%s%s%s%s ", upto, timeline_sys_count(tl),
		 o->focused ? "  [focus: Up/Down, Enter details, Tab leaves]" : "",
		 o->errors_only ? "  errors only" : "", o->filter_src ? "  /" : "",
		 o->filter_src ? o->filter_src : "", o->filter_src ? "/" : "");
	frame_fill(f, row, col, w, 1, &title_st);
	frame_text(f, row, col, w, head, strlen(head), &title_st);
	/* newest at the bottom: idx[0] is the newest */
	int r = row + h - 1;
	for (size_t k = 0; k < n; k++, r--) {
		tl_sys_t e;
		bool fly;
		timeline_sys_get(tl, idx[k], &e);
		overlay_syscalls_format(tl, idx[k], t, &call, &result);
		fly = (e.flags & TL_SYS_UNFINISHED) != 0 || is_fly[k];
		if (is_fly[k]) {
			/* in flight at t: its result is not known yet */
			sbuf_reset(&result);
			sbuf_printf(&result, "in flight %.3fs", (double)(t - e.start) / 1e9);
		}
		frame_style_t st = plain;
		if (e.flags & TL_SYS_ERROR)
			st = err_st;
		else if (fly)
			st = fly_st;
		int64_t dur = e.dur_ns;
		if ((e.flags & TL_SYS_RESUMED) && e.pair >= 0 && dur < 0) {
			tl_sys_t ue;
			timeline_sys_get(tl, (size_t)e.pair, &ue);
			dur = e.t - ue.t;
		}
		if (fly)
			dur = t - (is_fly[k] ? e.start : e.t);
		if (o->slow_ns > 0 && dur >= o->slow_ns)
			st.attrs |= FRAME_BOLD;
		frame_style_t tst = dim_st;
		if (o->focused && (int)k == o->selected) {
			st.attrs |= FRAME_REVERSE;
			tst.attrs |= FRAME_REVERSE;
			frame_fill(f, r, col, w, 1, &st);
		}
		sbuf_reset(&tmp);
		/* when the call started (end-stamped lines: their span) */
		int64_t when = is_fly[k] ? e.start : e.t;
		sbuf_printf(&tmp, "%+8.3f %-6ld ", (double)(when - t) / 1e9, e.tid);
		if (w >= SYS_DUR_MIN_W) {
			char d[24];
			sys_fmt_dur(dur, d, sizeof(d));
			sbuf_printf(&tmp, "%8s ", d);
		}
		int c = col;
		c += frame_text(f, r, c, w, tmp.data, tmp.len, &tst);
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

void overlay_syscalls_detail(frame_t *f, const timeline_t *tl, size_t i, int64_t t)
{
	frame_style_t box = { .attrs = FRAME_REVERSE };
	sbuf_t call, result, line;
	tl_sys_t e;
	char a[32], b[32], d[32];
	int w = (int)f->cols - 4, h;

	if (w < 20 || f->rows < 6)
		return;
	if (w > 100)
		w = 100;
	sbuf_init(&call);
	sbuf_init(&result);
	sbuf_init(&line);
	timeline_sys_get(tl, i, &e);
	if ((e.flags & TL_SYS_RESUMED) && e.pair >= 0) {
		/* both halves joined, as the panel shows it */
		overlay_syscalls_format(tl, i, t, &call, &result);
		if (result.len) {
			sbuf_addc(&call, ' ');
			sbuf_add(&call, result.data, result.len);
		}
	} else {
		/* the line as strace printed it, without its tid and duration */
		sbuf_t txt;
		sbuf_init(&txt);
		timeline_sys_text(tl, i, &txt);
		const char *s = sys_after_tid(txt.data ? txt.data : "");
		size_t n = strlen(s);
		while (n && s[n - 1] == ' ')
			n--;
		if (n && s[n - 1] == '>') {
			const char *lt = memrchr(s, '<', n);
			if (lt && lt > s && lt[-1] == ' ')
				n = (size_t)(lt - s) - 1;
		}
		sbuf_add(&call, s, n);
		sbuf_cleanup(&txt);
	}
	int64_t start = e.start, end = e.end, dur = e.dur_ns;
	if ((e.flags & TL_SYS_RESUMED) && e.pair >= 0) {
		tl_sys_t u;
		timeline_sys_get(tl, (size_t)e.pair, &u);
		start = u.t;
		if (dur < 0)
			dur = e.t - u.t;
	}
	bool fly = start <= t && t < end;
	overlay_timeline_fmt(start, a, sizeof(a));
	overlay_timeline_fmt(end, b, sizeof(b));
	sys_fmt_dur(dur, d, sizeof(d));
	sbuf_printf(&line, "%s  tid %ld", timeline_sys_name(tl, e.name)[0] ? timeline_sys_name(tl, e.name)
									: "line", e.tid);
	long pid;
	const char *comm;
	timeline_sys_proc(tl, i, &pid, &comm);
	if (pid)
		sbuf_printf(&line, "  pid %ld%s", pid, e.flags & TL_SYS_ATTACHED ? " (attached)" : "");
	else
		sbuf_adds(&line, "  pid ?");
	sbuf_printf(&line, "  comm %s", comm[0] ? comm : "?");
	/* rows: title, times, blank, the call wrapped, blank, hint */
	int inner = w - 4;
	int cw = frame_text_width(call.data, call.len);
	int wrap_rows = cw / inner + 1;
	h = 6 + wrap_rows;
	if (h > (int)f->rows)
		h = (int)f->rows;
	int r0 = ((int)f->rows - h) / 2, c0 = ((int)f->cols - w) / 2;
	frame_fill(f, r0, c0, w, h, &box);
	frame_text(f, r0 + 1, c0 + 2, inner, line.data, line.len, &box);
	sbuf_reset(&line);
	sbuf_printf(&line, "start %s  end %s  duration %s%s%s", a, b, d,
		    e.flags & TL_SYS_ERROR ? "  failed" : "", fly ? "  in flight at the playhead" : "");
	frame_text(f, r0 + 2, c0 + 2, inner, line.data, line.len, &box);
	/* the call, wrapped at character boundaries */
	const char *p = call.data ? call.data : "";
	size_t left = call.len;
	for (int r = r0 + 4; r < r0 + h - 2 && left; r++) {
		size_t take = 0;
		int cols = 0;
		while (take < left) {
			size_t cl = 1;
			unsigned char c = (unsigned char)p[take];
			if (c >= 0xf0)
				cl = 4;
			else if (c >= 0xe0)
				cl = 3;
			else if (c >= 0xc0)
				cl = 2;
			if (take + cl > left)
				cl = left - take;
			int cwid = frame_text_width(p + take, cl);
			if (cols + cwid > inner)
				break;
			cols += cwid;
			take += cl;
		}
		if (!take)
			break;
		frame_text(f, r, c0 + 2, inner, p, take, &box);
		p += take;
		left -= take;
	}
	frame_text(f, r0 + h - 1, c0 + 2, inner, "Esc/Enter closes", 16, &box);
	sbuf_cleanup(&call);
	sbuf_cleanup(&result);
	sbuf_cleanup(&line);
}
