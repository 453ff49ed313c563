/* compose: the recorded screen plus panels, laid out (see compose.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "overlay_profile.h"
#include "overlay_syscalls.h"
#include "overlay_timeline.h"
#include "sys_filter.h"

struct compose {
	const timeline_t *tl;
	compose_opts_t opts;
	char *filter;           /* our copy of opts.filter */
	sys_filter_t *sf;       /* the filter compiled, NULL = all */
	int view_row, view_col; /* viewport origin, follows the cursor */
	bool panned;            /* the viewer moved it: stop following */
	size_t sys_shown;       /* rows the panel showed at the last draw */
	size_t sys_sel;         /* line index selected there, SIZE_MAX none */
	int pan_row, pan_col;   /* panning asked since the last draw */
};

static int compose_apply(compose_t *c, const compose_opts_t *opts, bool loud);

void compose_opts_defaults(compose_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->overlay = true;
	o->sys_panel = true;
	o->prof_strip = true;
	o->slow_ns = 10 * 1000000;
	o->speed = 1.0;
}

compose_t *compose_new(const timeline_t *tl, const compose_opts_t *opts)
{
	compose_t *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->tl = tl;
	if (compose_apply(c, opts, true) < 0) {
		compose_free(c);
		return NULL;
	}
	return c;
}

void compose_free(compose_t *c)
{
	if (!c)
		return;
	sys_filter_free(c->sf);
	free(c->filter);
	free(c);
}

/* Take opts; a bad filter fails (the caller checks it with
 * sys_filter_new first to say why). */
static int compose_apply(compose_t *c, const compose_opts_t *opts, bool loud)
{
	const char *src = opts->filter && *opts->filter ? opts->filter : NULL;
	bool same = (!src && !c->filter) || (src && c->filter && !strcmp(src, c->filter));

	if (!same) {
		sys_filter_t *sf = NULL;
		char *copy = NULL, msg[256];
		(void)loud;
		if (src) {
			int rc = sys_filter_new(&sf, src, msg, sizeof(msg));
			if (rc < 0)
				return rc;
			copy = strdup(src);
			if (!copy) {
				sys_filter_free(sf);
				return -ENOMEM;
			}
		}
		sys_filter_free(c->sf);
		free(c->filter);
		c->filter = copy;
		c->sf = sf;
	}
	c->opts = *opts;
	c->opts.filter = c->filter;
	return 0;
}

int compose_set_opts(compose_t *c, const compose_opts_t *opts)
{
	return compose_apply(c, opts, false);
}

const compose_opts_t *compose_opts(const compose_t *c)
{
	return &c->opts;
}

void compose_pan(compose_t *c, int rows, int cols)
{
	c->panned = true;
	c->pan_row += rows;
	c->pan_col += cols;
}

bool compose_sys_wanted(const compose_t *c, const timeline_t *tl, size_t i, sbuf_t *tmp)
{
	if (c->opts.errors_only && !(timeline_sys_flags(tl, i) & TL_SYS_ERROR))
		return false;
	return sys_filter_match(c->sf, tl, i, tmp);
}

size_t compose_sys_shown(const compose_t *c)
{
	return c->sys_shown;
}

void compose_follow_cursor(compose_t *c)
{
	c->panned = false;
	c->pan_row = c->pan_col = 0;
}

/* Clamp a viewport origin to [0, total - n]. */
static int compose_clamp_view(int o, int n, int total)
{
	if (o + n > total)
		o = total - n;
	return o < 0 ? 0 : o;
}

/* Move the viewport origin (one axis) so that pos is inside [o, o + n). */
static int compose_follow(int o, int pos, int n, int total)
{
	if (n >= total)
		return 0;
	if (pos < o)
		o = pos;
	if (pos >= o + n)
		o = pos - n + 1;
	if (o + n > total)
		o = total - n;
	return o < 0 ? 0 : o;
}

void compose_draw(compose_t *c, frame_t *f, const screen_t *s, int64_t t)
{
	static const frame_style_t plain;
	frame_style_t sep = { .attrs = FRAME_DIM };
	const timeline_t *tl = c->tl;
	const compose_opts_t *o = &c->opts;
	int W = (int)f->cols, H = (int)f->rows;
	unsigned scols, srows;
	int crow, ccol;
	bool cvis;
	char clip[96];

	frame_clear(f);
	c->sys_shown = 0;
	c->sys_sel = SIZE_MAX;
	screen_size(s, &scols, &srows);
	screen_cursor(s, &crow, &ccol, &cvis);

	int avail_h = o->full ? H : H - 1 - (o->overlay ? 1 : 0); /* status (+ timeline bar) */
	if (avail_h < 1)
		avail_h = 1;
	int prof_rows = o->overlay && !o->full && o->prof_strip ? overlay_profile_rows(tl) : 0;
	bool sys = o->overlay && !o->full && o->sys_panel && timeline_sys_count(tl) > 0;
	bool panel = prof_rows > 0 || sys;
	int sw = W, sh = avail_h;               /* the screen's area */
	int pr = 0, pc = 0, pw = 0, ph = 0;     /* the panel's area */

	if (panel && W - (int)scols - 1 >= COMPOSE_SIDE_MIN) {
		sw = (int)scols;
		pr = 0;
		pc = sw + 1;
		pw = W - pc;
		ph = avail_h;
		frame_fill(f, 0, sw, 1, avail_h, &sep);
		for (int r = 0; r < avail_h; r++)
			frame_text(f, r, sw, 1, "\xe2\x94\x82", 3, &sep);
	} else if (panel) {
		int want = avail_h - (int)srows;
		if (want < COMPOSE_BOTTOM_MIN)
			want = avail_h / 3 > COMPOSE_BOTTOM_MIN ? avail_h / 3 : COMPOSE_BOTTOM_MIN;
		if (want > avail_h - 1)
			want = avail_h - 1;
		sh = avail_h - want;
		pr = sh;
		pc = 0;
		pw = W;
		ph = want;
	}
	if (sw > (int)scols)
		sw = (int)scols;
	if (sh > (int)srows)
		sh = (int)srows;

	/* the screen, through the viewport */
	if (c->panned) {
		c->view_row = compose_clamp_view(c->view_row + c->pan_row, sh, (int)srows);
		c->view_col = compose_clamp_view(c->view_col + c->pan_col, sw, (int)scols);
		c->pan_row = c->pan_col = 0;
	} else {
		c->view_row = compose_follow(c->view_row, crow, sh, (int)srows);
		c->view_col = compose_follow(c->view_col, ccol, sw, (int)scols);
	}
	screen_blit(s, f, 0, 0, c->view_row, c->view_col, sw, sh);
	bool clipped = sw < (int)scols || sh < (int)srows;
	if (clipped)
		snprintf(clip, sizeof(clip), "view %dx%d+%d+%d of %ux%u", sw, sh, c->view_col,
			 c->view_row, scols, srows);

	/* panels */
	if (panel && ph > 0 && pw > 0) {
		int pp = prof_rows > ph ? ph : prof_rows;
		if (!sys)
			pp = ph < prof_rows ? ph : prof_rows;
		if (pp > 0)
			overlay_profile_draw(f, pr, pc, pw, pp, tl, t);
		if (sys && ph - pp > 0) {
			overlay_sys_opts_t so = {
				.filter = c->sf,
				.filter_src = c->filter,
				.errors_only = o->errors_only,
				.slow_ns = o->slow_ns,
				.focused = o->sys_focus,
				.scroll = o->sys_scroll,
				.selected = o->sys_focus ? o->sys_selected : -1,
				.selected_index = &c->sys_sel,
				.shown = &c->sys_shown,
			};
			overlay_syscalls_draw(f, pr + pp, pc, pw, ph - pp, tl, t, &so);
		}
	}
	if (o->full)
		goto cursor;
	if (o->overlay && H >= 2)
		overlay_timeline_bar(f, H - 2, 0, W, tl, t);
	overlay_status_t st = {
		.speed = o->speed,
		.paused = o->paused,
		.looping = o->looping,
		.clip = clipped ? clip : NULL,
		.message = o->message,
		.sys_focus = o->sys_focus,
		.still = o->still,
	};
	overlay_timeline_status(f, H - 1, 0, W, tl, t, &st);
	(void)plain;
	if (o->sys_focus && o->sys_detail && c->sys_sel != SIZE_MAX)
		overlay_syscalls_detail(f, tl, c->sys_sel, t);
	if (o->help)
		overlay_timeline_help(f);
cursor:
	f->cursor_visible = false;
	if (cvis && !o->help) {
		int fr = crow - c->view_row, fc = ccol - c->view_col;
		if (fr >= 0 && fr < sh && fc >= 0 && fc < sw) {
			f->cursor_row = fr;
			f->cursor_col = fc;
			f->cursor_visible = true;
		}
	}
}
