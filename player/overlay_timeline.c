/* overlay_timeline: the timeline bar, the status line and the help box
 * (see overlay_timeline.h). */
#include <stdio.h>
#include <string.h>

#include "overlay_timeline.h"

static const char *const tl_density[5] = {
	"\xe2\x94\x80", /* ─ nothing */
	"\xe2\x96\x81", "\xe2\x96\x83", "\xe2\x96\x85", "\xe2\x96\x87",
};

void overlay_timeline_fmt(int64_t ns, char *buf, size_t size)
{
	if (ns < 0)
		ns = 0;
	int64_t ds = ns / 100000000; /* tenths */
	int64_t s = ds / 10;
	if (s >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(buf, size, "%d:%02d.%d", (int)(s / 60), (int)(s % 60), (int)(ds % 10));
}

/* a * b / c without overflow, for 0 <= a, 0 <= b <= c and c small (a
 * column count): event times may be Unix-epoch seconds, 1.7e18 ns. */
static int64_t tl_scale(int64_t a, int64_t b, int64_t c)
{
	return a / c * b + a % c * b / c;
}

void overlay_timeline_bar(frame_t *f, int row, int col, int w, const timeline_t *tl,
			  int64_t t)
{
	frame_style_t st_past = { .attrs = FRAME_BOLD };
	frame_style_t st_future = { .attrs = FRAME_DIM };
	frame_style_t st_err = { .fg = { .kind = FRAME_COLOR_INDEX, .idx = 1 } };
	frame_style_t st_mark = { .fg = { .kind = FRAME_COLOR_INDEX, .idx = 3 }, .attrs = FRAME_BOLD };
	frame_style_t st_head = { .attrs = FRAME_REVERSE | FRAME_BOLD };
	int64_t dur = timeline_duration(tl) > 0 ? timeline_duration(tl) : 1;
	size_t maxc = 1;

	if (w <= 0)
		return;
	/* densest column first, to scale */
	for (int k = 0; k < w; k++) {
		int64_t a = tl_scale(dur, k, w) - 1, b = tl_scale(dur, k + 1, w) - 1;
		if (k == w - 1)
			b = dur;
		size_t c = timeline_sys_upto(tl, b) - timeline_sys_upto(tl, a);
		if (c > maxc)
			maxc = c;
	}
	int head = (int)((long double)(t >= dur ? dur - 1 : (t < 0 ? 0 : t)) * w / dur);
	for (int k = 0; k < w; k++) {
		int64_t a = tl_scale(dur, k, w) - 1, b = tl_scale(dur, k + 1, w) - 1;
		if (k == w - 1)
			b = dur;
		size_t na = timeline_sys_upto(tl, a), nb = timeline_sys_upto(tl, b);
		size_t c = nb - na;
		bool err = timeline_sys_errors_upto(tl, nb) > timeline_sys_errors_upto(tl, na);
		size_t ma = timeline_marker_upto(tl, a);
		size_t mb = timeline_marker_upto(tl, b);
		frame_style_t st = k <= head ? st_past : st_future;
		const char *g;
		if (k == head) {
			st = st_head;
			g = "\xe2\x94\x83"; /* ┃ */
		} else if (mb > ma) {
			st = st_mark;
			g = "\xe2\x97\x86"; /* ◆ */
		} else {
			int lvl = c ? 1 + (int)(c * 3 / maxc) : 0;
			g = tl_density[lvl > 4 ? 4 : lvl];
			if (err)
				st.fg = st_err.fg;
		}
		frame_text(f, row, col + k, 1, g, strlen(g), &st);
	}
}

void overlay_timeline_status(frame_t *f, int row, int col, int w, const timeline_t *tl,
			     int64_t t, const overlay_status_t *st)
{
	frame_style_t bar = { .attrs = FRAME_REVERSE };
	char now[32], dur[32], line[512];
	const tl_marker_t *m = timeline_marker_at(tl, t);
	int n;

	overlay_timeline_fmt(t, now, sizeof(now));
	overlay_timeline_fmt(timeline_duration(tl), dur, sizeof(dur));
	if (st->still)
		n = snprintf(line, sizeof(line), " %s / %s", now, dur);
	else
		n = snprintf(line, sizeof(line), " %s %s / %s  x%g%s", st->paused ? "||" : "\xe2\x96\xb6",
			     now, dur, st->speed, st->paused ? "  paused" : "");
	if (st->sys_focus && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  [syscalls: Up/Down Enter Tab]");
	if (st->clip && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s", st->clip);
	if (m && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  [%s]", m->label);
	if (st->message && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s", st->message);
	if (!st->still && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "  ? help");
	/* marker labels come from the recording: no control characters */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	frame_fill(f, row, col, w, 1, &bar);
	frame_text(f, row, col, w, line, strlen(line), &bar);
}

void overlay_timeline_help(frame_t *f)
{
	/* 18 lines of at most 56 columns: the box fits 80x24 whole */
	static const char *const lines[] = {
		"tracecast play: keys (Esc closes, playback paused)",
		"",
		"space       pause / resume",
		". ,         step a frame forward / back",
		"Left Right  seek -5 s / +5 s",
		"Shift-L/R   seek -10% / +10%",
		"0-9         jump to 0%..90%",
		"[ ]         previous / next marker (start / end)",
		"f F         next / previous failed call",
		"t n N       search the output (less's / n N)",
		"l L         next / previous slow call (--slow)",
		"+ -         speed x2 / half",
		"o s p       overlay / syscall panel / profile strip",
		"z           the screen only (no status, no panels)",
		"Up Down < > pan a screen larger than its area; c: follow",
		"Tab         syscall panel: Up/Down select, Enter details",
		"e           failed calls only",
		"/           filter: name=N tid=N failed slow>D REGEX",
		"?           this help",
		"q           quit",
	};
	frame_style_t box = { .attrs = FRAME_REVERSE };
	int n = (int)(sizeof(lines) / sizeof(lines[0]));
	int maxw = 0;

	for (int i = 0; i < n; i++) {
		int lw = frame_text_width(lines[i], strlen(lines[i]));
		if (lw > maxw)
			maxw = lw;
	}
	int w = maxw + 4, h = n + 2;
	if (w > (int)f->cols)
		w = (int)f->cols;
	if (h > (int)f->rows)
		h = (int)f->rows;
	int r0 = ((int)f->rows - h) / 2, c0 = ((int)f->cols - w) / 2;
	if (r0 < 0)
		r0 = 0;
	if (c0 < 0)
		c0 = 0;
	frame_fill(f, r0, c0, w, h, &box);
	/* a frame of box-drawing lines */
	for (int c = 1; c < w - 1; c++) {
		frame_text(f, r0, c0 + c, 1, "\xe2\x94\x80", 3, &box);
		frame_text(f, r0 + h - 1, c0 + c, 1, "\xe2\x94\x80", 3, &box);
	}
	for (int r = 1; r < h - 1; r++) {
		frame_text(f, r0 + r, c0, 1, "\xe2\x94\x82", 3, &box);
		frame_text(f, r0 + r, c0 + w - 1, 1, "\xe2\x94\x82", 3, &box);
	}
	frame_text(f, r0, c0, 1, "\xe2\x94\x8c", 3, &box);
	frame_text(f, r0, c0 + w - 1, 1, "\xe2\x94\x90", 3, &box);
	frame_text(f, r0 + h - 1, c0, 1, "\xe2\x94\x94", 3, &box);
	frame_text(f, r0 + h - 1, c0 + w - 1, 1, "\xe2\x94\x98", 3, &box);
	for (int i = 0; i < n && i < h - 2; i++)
		frame_text(f, r0 + 1 + i, c0 + 2, w - 4, lines[i], strlen(lines[i]), &box);
}
