/* play_input: what the player's keys do (see play_input.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "play_input.h"
#include "sys_filter.h"

/* Move to the next (dir > 0) or previous syscall line that failed (slow
 * false) or took at least the slow threshold, at its event time, among the
 * lines the active filter shows (the cheap test first: a regex filter
 * reads the line back). Says so when there is none. */
static void play_input_jump_sys(play_state_t *p, int dir, bool slow, int64_t now)
{
	const timeline_t *tl = p->tl;
	size_t n = timeline_sys_count(tl);
	size_t i = dir > 0 ? timeline_sys_upto(tl, p->t) : timeline_sys_upto(tl, p->t - 1);
	tl_sys_t e;
	sbuf_t tmp;

	sbuf_init(&tmp);
	while (dir > 0 ? i < n : i-- > 0) {
		bool hit;
		if (!slow) {
			hit = (timeline_sys_flags(tl, i) & TL_SYS_ERROR) != 0;
		} else {
			timeline_sys_get(tl, i, &e);
			hit = e.dur_ns >= p->copts.slow_ns && p->copts.slow_ns > 0;
		}
		if (hit && compose_sys_wanted(p->comp, tl, i, &tmp)) {
			timeline_sys_get(tl, i, &e);
			play_state_set_paused(p, true, now);
			play_state_set_t(p, e.t, now);
			sbuf_cleanup(&tmp);
			return;
		}
		if (dir > 0)
			i++;
	}
	sbuf_cleanup(&tmp);
	play_state_message(p, slow ? (dir > 0 ? "no slow call after this point" : "no slow call before this point")
			     : (dir > 0 ? "no failed call after this point" : "no failed call before this point"),
		     now);
}

/* Step to the next (dir > 0) or previous "o" event, pausing. */
static void play_input_step(play_state_t *p, int dir, int64_t now)
{
	const timeline_t *tl = p->tl;
	size_t n = timeline_next_o(tl, p->t); /* o events at or before t */
	int64_t t;

	play_state_set_paused(p, true, now);
	if (dir > 0) {
		if (n >= timeline_o_count(tl))
			return;
		t = timeline_o_time(tl, n);
	} else {
		if (n < 2)
			t = 0;
		else
			t = timeline_o_time(tl, n - 2);
	}
	play_state_set_v(p, timeline_to_play(tl, t), now);
}

/* Edit a prompt's text buf[0..*len) (size bytes) with k: Esc or Ctrl-C
 * leave the prompt (*mode false), Backspace, a character. Returns true on
 * Enter (the prompt is left too). */
static bool play_input_line(const keypress_t *k, char *buf, size_t *len, size_t size, bool *mode)
{
	switch (k->kind) {
	case KEY_ENTER:
		*mode = false;
		return true;
	case KEY_ESCAPE:
	case KEY_CTRL_C:
		*mode = false;
		break;
	case KEY_BACKSPACE:
		if (*len)
			(*len)--;
		break;
	case KEY_CHAR:
		if (*len < size - 1)
			buf[(*len)++] = k->ch;
		break;
	default:
		break;
	}
	return false;
}

/* Apply the filter typed at the prompt (/), or say why it is bad (the
 * previous filter stays). */
static void play_input_filter_apply(play_state_t *p, int64_t now)
{
	char re[sizeof(p->filter) + 1];
	memcpy(re, p->filter, p->filter_len);
	re[p->filter_len] = '\0';
	compose_opts_t next = *compose_opts(p->comp);
	next.filter = re;
	sys_filter_t *sf = NULL;
	char msg[140], line[160];
	if (sys_filter_new(&sf, re, msg, sizeof(msg)) == -EINVAL) {
		snprintf(line, sizeof(line), "filter %.140s", msg);
		play_state_message(p, line, now);
	} else if (compose_set_opts(p->comp, &next) < 0) {
		play_state_message(p, "filter: out of memory", now);
	} else {
		p->copts.filter = compose_opts(p->comp)->filter;
		play_state_message(p, p->filter_len ? "filter set" : "filter cleared", now);
	}
	sys_filter_free(sf);
}

/* Move to the next (dir > 0) or previous output holding the search text,
 * as less's n and N; pauses there. */
static void play_input_search(play_state_t *p, int dir, int64_t now)
{
	char needle[sizeof(p->search) + 1];
	int64_t found;

	if (!p->search_len) {
		play_state_message(p, "search: type t and a text first", now);
		return;
	}
	memcpy(needle, p->search, p->search_len);
	needle[p->search_len] = '\0';
	int rc = timeline_search_output(p->tl, p->t, dir, needle, &found);
	if (rc < 0) {
		char msg[200];
		snprintf(msg, sizeof(msg), "search: \"%s\" not found %s", needle,
			 dir > 0 ? "after this point" : "before this point");
		play_state_message(p, msg, now);
		return;
	}
	play_state_set_paused(p, true, now);
	play_state_set_t(p, found, now);
}

/* Keys of the focused syscall panel: Up/Down select (scrolling at the
 * edges), Enter opens or closes the detail box, Esc closes it or leaves
 * the panel. Returns true when the key was the panel's. */
static bool play_input_panel_key(play_state_t *p, const keypress_t *k)
{
	size_t shown = compose_sys_shown(p->comp);
	compose_opts_t *o = &p->copts;

	switch (k->kind) {
	case KEY_UP:
		if (shown && (size_t)o->sys_selected + 1 < shown)
			o->sys_selected++;
		else if (shown)
			o->sys_scroll++;
		return true;
	case KEY_DOWN:
		if (o->sys_selected > 0)
			o->sys_selected--;
		else if (o->sys_scroll > 0)
			o->sys_scroll--;
		return true;
	case KEY_ENTER:
		o->sys_detail = !o->sys_detail;
		return true;
	case KEY_ESCAPE:
		if (o->sys_detail)
			o->sys_detail = false;
		else
			o->sys_focus = false;
		return true;
	default:
		return false;
	}
}

void play_input_key(play_state_t *p, const keypress_t *k, int64_t now)
{
	int64_t dur = p->v_end;
	int64_t v = play_state_v(p, now);
	const tl_marker_t *m;

	if (p->filter_mode) {
		if (play_input_line(k, p->filter, &p->filter_len, sizeof(p->filter), &p->filter_mode))
			play_input_filter_apply(p, now);
		p->dirty = true;
		return;
	}
	if (p->search_mode) {
		if (play_input_line(k, p->search, &p->search_len, sizeof(p->search), &p->search_mode))
			play_input_search(p, 1, now);
		p->dirty = true;
		return;
	}
	p->dirty = true;
	if (k->kind == KEY_TAB) {
		p->copts.sys_focus = !p->copts.sys_focus && p->copts.overlay && p->copts.sys_panel;
		p->copts.sys_detail = false;
		p->copts.sys_selected = 0;
		p->copts.sys_scroll = 0;
		return;
	}
	if (p->copts.sys_focus && play_input_panel_key(p, k))
		return;
	if (p->copts.help) {
		/* the help box is modal: Esc, ? or q close it (and play on if
		 * it was playing), Ctrl-C quits, other keys do nothing */
		if (k->kind == KEY_CTRL_C) {
			p->quit = true;
		} else if (k->kind == KEY_ESCAPE || (k->kind == KEY_CHAR && (k->ch == '?' || k->ch == 'q'))) {
			p->copts.help = false;
			if (!p->help_was_paused)
				play_state_set_paused(p, false, now);
		}
		return;
	}
	switch (k->kind) {
	case KEY_CTRL_C:
		p->quit = true;
		return;
	case KEY_LEFT:
		play_state_set_v(p, v - 5 * PLAY_NS, now);
		return;
	case KEY_RIGHT:
		play_state_set_v(p, v + 5 * PLAY_NS, now);
		return;
	case KEY_SHIFT_LEFT:
		play_state_set_v(p, v - dur / 10, now);
		return;
	case KEY_SHIFT_RIGHT:
		play_state_set_v(p, v + dur / 10, now);
		return;
	case KEY_UP:
		compose_pan(p->comp, -1, 0);
		return;
	case KEY_DOWN:
		compose_pan(p->comp, 1, 0);
		return;
	case KEY_CHAR:
		break;
	default:
		return;
	}
	switch (k->ch) {
	case 'q':
		p->quit = true;
		break;
	case ' ':
		if (p->paused && v >= p->v_end)
			play_state_set_v(p, p->v_from, now); /* at the end: play again */
		play_state_set_paused(p, !p->paused, now);
		break;
	case '.':
		play_input_step(p, 1, now);
		break;
	case ',':
		play_input_step(p, -1, now);
		break;
	case '[':
		/* before the first marker: the start, as asciinema-player */
		if ((m = timeline_marker_prev(p->tl, p->t)))
			play_state_set_v(p, timeline_to_play(p->tl, m->t), now);
		else
			play_state_set_v(p, p->v_from, now);
		break;
	case ']':
		/* after the last marker: the end */
		if ((m = timeline_marker_next(p->tl, p->t)))
			play_state_set_v(p, timeline_to_play(p->tl, m->t), now);
		else
			play_state_set_v(p, p->v_end, now);
		break;
	case '+':
	case '=':
		if (p->speed < 64) {
			p->v0 = v;
			p->wall0 = now;
			p->speed *= 2;
		}
		break;
	case '-':
	case '_':
		if (p->speed > 1.0 / 64) {
			p->v0 = v;
			p->wall0 = now;
			p->speed /= 2;
		}
		break;
	case 'o':
		p->copts.overlay = !p->copts.overlay;
		break;
	case 's':
		p->copts.sys_panel = !p->copts.sys_panel;
		break;
	case 'p':
		p->copts.prof_strip = !p->copts.prof_strip;
		break;
	case 'e':
		p->copts.errors_only = !p->copts.errors_only;
		break;
	case 't':
		p->search_mode = true;
		p->search_len = 0;
		break;
	case 'n':
	case 'N':
		play_input_search(p, k->ch == 'n' ? 1 : -1, now);
		break;
	case '<':
		compose_pan(p->comp, 0, -8);
		break;
	case '>':
		compose_pan(p->comp, 0, 8);
		break;
	case 'c':
		compose_follow_cursor(p->comp);
		break;
	case 'z':
		p->copts.full = !p->copts.full;
		break;
	case 'f':
	case 'F':
		play_input_jump_sys(p, k->ch == 'f' ? 1 : -1, false, now);
		break;
	case 'l':
	case 'L':
		play_input_jump_sys(p, k->ch == 'l' ? 1 : -1, true, now);
		break;
	case '?':
		/* help pauses, as asciinema-player's does */
		p->copts.help = true;
		p->help_was_paused = p->paused;
		play_state_set_paused(p, true, now);
		break;
	case '/':
		p->filter_mode = true;
		p->filter_len = 0;
		break;
	default:
		if (k->ch >= '0' && k->ch <= '9')
			play_state_set_v(p, p->v_from + (dur - p->v_from) / 10 * (k->ch - '0') +
					      (dur - p->v_from) % 10 * (k->ch - '0') / 10, now);
		break;
	}
}

bool play_input_prompt(play_state_t *p)
{
	if (p->filter_mode)
		snprintf(p->prompt, sizeof(p->prompt), "filter: %.*s_", (int)p->filter_len, p->filter);
	else if (p->search_mode)
		snprintf(p->prompt, sizeof(p->prompt), "search: %.*s_", (int)p->search_len, p->search);
	else
		return false;
	return true;
}
