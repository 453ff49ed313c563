/* overlay_profile: the profile strip (see overlay_profile.h). */
#include <stdio.h>
#include <string.h>

#include "overlay_profile.h"

#define PROF_WINDOW_NS (INT64_C(30) * 1000000000)  /* sparkline span */
#define PROF_LABEL 5

static const char *const prof_bars[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

int overlay_profile_rows(const timeline_t *tl)
{
	bool proc = false, stack = false;

	for (size_t i = 0; i < timeline_prof_count(tl) && !(proc && stack); i++) {
		if (timeline_prof(tl, i)->is_proc)
			proc = true;
		else
			stack = true;
	}
	return (proc ? 3 : 0) + (stack ? 1 : 0);
}

/* The last proc sample at or before t, or NULL. */
static const tl_prof_t *prof_last_proc(const timeline_t *tl, int64_t t)
{
	size_t n = timeline_prof_upto(tl, t);

	while (n-- > 0)
		if (timeline_prof(tl, n)->is_proc)
			return timeline_prof(tl, n);
	return NULL;
}

const char *overlay_profile_hottest(const timeline_t *tl, int64_t t, int *pct)
{
	size_t end = timeline_prof_upto(tl, t);
	const char *best = NULL;
	int best_n = 0, total = 0;

	for (size_t i = end; i-- > 0 && timeline_prof(tl, i)->t > t - 1000000000;) {
		const tl_prof_t *p = timeline_prof(tl, i);
		if (p->is_proc)
			continue;
		total++;
		int cnt = 0;
		for (size_t k = end; k-- > 0 && timeline_prof(tl, k)->t > t - 1000000000;)
			if (!timeline_prof(tl, k)->is_proc && !strcmp(timeline_prof(tl, k)->leaf, p->leaf))
				cnt++;
		if (cnt > best_n) {
			best_n = cnt;
			best = p->leaf;
		}
		if (total > 2000)
			break;
	}
	*pct = total ? best_n * 100 / total : 0;
	return best;
}

/* One sparkline row: label, bars of the maximum per column, value now. */
static void prof_spark(frame_t *f, int row, int col, int w, const timeline_t *tl, int64_t t,
		       bool rss, const char *label)
{
	static const frame_style_t plain;
	frame_style_t now_st = { .attrs = FRAME_BOLD | FRAME_REVERSE };
	frame_style_t future_st = { .attrs = FRAME_DIM };
	frame_style_t bar_st = { .fg = { .kind = FRAME_COLOR_INDEX, .idx = rss ? 4 : 2 } };
	char val[32];
	const tl_prof_t *now = prof_last_proc(tl, t);
	int vw = 9;
	int bw = w - PROF_LABEL - vw - 1;
	double maxv = 0;

	frame_text(f, row, col, PROF_LABEL, label, strlen(label), &plain);
	if (now && rss)
		snprintf(val, sizeof(val), " %6.1fM", (double)now->rss_kb / 1024.0);
	else if (now)
		snprintf(val, sizeof(val), " %6.1f%%", now->cpu);
	else
		snprintf(val, sizeof(val), " %7s", "-");
	frame_text(f, row, col + w - vw, vw, val, strlen(val), &plain);
	if (bw < 2)
		return;
	int64_t span = PROF_WINDOW_NS / bw;
	int64_t t0 = t - (int64_t)(bw / 2) * span;
	double vals[512];
	if (bw > 512)
		bw = 512;
	for (int k = 0; k < bw; k++) {
		int64_t a = t0 + k * span, b = a + span;
		size_t i = timeline_prof_upto(tl, a);
		vals[k] = -1;
		for (; i < timeline_prof_count(tl) && timeline_prof(tl, i)->t <= b; i++) {
			if (!timeline_prof(tl, i)->is_proc)
				continue;
			double v = rss ? (double)timeline_prof(tl, i)->rss_kb : timeline_prof(tl, i)->cpu;
			if (v > vals[k])
				vals[k] = v;
		}
		if (vals[k] > maxv)
			maxv = vals[k];
	}
	if (!rss && maxv < 100)
		maxv = 100;
	for (int k = 0; k < bw; k++) {
		int c = col + PROF_LABEL + k;
		bool is_now = k == bw / 2;
		const frame_style_t *st = is_now ? &now_st : (k > bw / 2 ? &future_st : &bar_st);
		if (vals[k] < 0) {
			frame_text(f, row, c, 1, is_now ? "|" : " ", 1, st);
			continue;
		}
		double x = maxv > 0 ? vals[k] * 7.0 / maxv + 0.5 : 0;
		int lvl = x >= 0 && x < 7 ? (int)x : (x >= 7 ? 7 : 0); /* NaN: 0 */
		frame_text(f, row, c, 1, prof_bars[lvl], strlen(prof_bars[lvl]), st);
	}
}

void overlay_profile_draw(frame_t *f, int row, int col, int w, int h,
			  const timeline_t *tl, int64_t t)
{
	static const frame_style_t plain, title_st = { .attrs = FRAME_REVERSE };
	char line[256];
	int r = row;
	bool proc = false, stack = false;

	if (w <= 0 || h <= 0)
		return;
	frame_fill(f, row, col, w, h, &plain);
	for (size_t i = 0; i < timeline_prof_count(tl) && !(proc && stack); i++) {
		if (timeline_prof(tl, i)->is_proc)
			proc = true;
		else
			stack = true;
	}
	if (proc && r < row + h) {
		prof_spark(f, r++, col, w, tl, t, false, "CPU ");
	}
	if (proc && r < row + h) {
		prof_spark(f, r++, col, w, tl, t, true, "RSS ");
	}
	if (proc && r < row + h) {
		const tl_prof_t *now = prof_last_proc(tl, t);
		if (now)
			snprintf(line, sizeof(line), " top: %s  state %c  wchan %s ", now->comm,
				 now->state ? now->state : '?', now->wchan[0] ? now->wchan : "-");
		else
			snprintf(line, sizeof(line), " top: (no sample yet) ");
		frame_fill(f, r, col, w, 1, &title_st);
		frame_text(f, r++, col, w, line, strlen(line), &title_st);
	}
	if (stack && r < row + h) {
		int pct;
		const char *hot = overlay_profile_hottest(tl, t, &pct);
		if (hot)
			snprintf(line, sizeof(line), " hot (1s): %s %d%%", hot, pct);
		else
			snprintf(line, sizeof(line), " hot (1s): -");
		frame_text(f, r++, col, w, line, strlen(line), &plain);
	}
}
