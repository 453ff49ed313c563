/* play_ctl: the interactive player's loop (see play_ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"
#include "keys.h"
#include "play_ctl.h"
#include "playhead.h"
#include "sys_filter.h"
#include "tracecast/term.h"
#include "term_out.h"
#include "timeline.h"

#define PLAY_FRAME_NS (INT64_C(1000000000) / 60)  /* at most 60 frames/s */
#define PLAY_TICK_NS (INT64_C(100000000))         /* status clock: 0.1 s */
#define PLAY_BUDGET ((size_t)1 << 20)             /* bytes fed between looks at input */
#define PLAY_MSG_NS (INT64_C(3000000000))
#define NS INT64_C(1000000000)

/* The one file-scope state: what a fatal-signal handler needs to give the
 * viewer's terminal back (a handler can reach nothing else). */
static struct {
	volatile sig_atomic_t armed;
	int fd;
	bool has_tio;
	struct termios tio;
} play_crash;

/* A crash (libvterm 0.1.4 has crashed on hostile input: see screen.c) or
 * an abort: restore the terminal with async-signal-safe calls only, then
 * die of the same signal (SA_RESETHAND: the default action runs next). */
static void play_on_fatal(int sig)
{
	static const char seq[] = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";

	(void)sig;
	if (play_crash.armed) {
		if (write(STDOUT_FILENO, seq, sizeof(seq) - 1) < 0) {
			/* nothing more can be done */
		}
		if (play_crash.has_tio)
			tcsetattr(play_crash.fd, TCSANOW, &play_crash.tio);
	}
}

static void play_arm_crash(const term_t *t)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = play_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	play_crash.fd = t->fd;
	play_crash.has_tio = t->saved;
	if (t->saved)
		play_crash.tio = t->orig;
	play_crash.armed = 1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

typedef struct play {
	const play_ctl_opts_t *o;
	timeline_t *tl;
	playhead_t *ph;
	compose_t *comp;
	compose_opts_t copts;
	term_out_t *out;
	term_t term;
	frame_t *frame;
	int in_fd;            /* keyboard, -1 when none */
	bool own_in_fd;
	int sig_fd;
	sigset_t old_mask;
	bool mask_set;
	double speed;
	bool paused;
	int64_t v0, wall0;    /* play clock v0 at wall time wall0 */
	int64_t v_from, v_end;
	int64_t t;            /* recording time shown */
	bool busy;            /* the playhead has not reached t yet */
	bool dirty;
	int64_t last_draw;
	keys_reader_t keys;   /* a key sequence split across reads */
	bool help_was_paused; /* the run state the help box paused */
	bool search_mode;     /* typing the text to search (t) */
	char search[128];     /* the last search, for n and N */
	size_t search_len;
	bool filter_mode;
	char filter[256];
	size_t filter_len;
	char message[160];
	int64_t message_until;
	bool quit;
	int exit_code;
	unsigned vcols, vrows;
	char errmsg[700];     /* printed once the terminal is restored */
	uint64_t frames, bytes; /* drawn, for --stats */
	int64_t started;
} play_t;

static int64_t play_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* base + d as a time, saturated: d may be huge or NaN (times come from the
 * file, the speed from the user); |base| stays below 5e18 (a monotonic
 * clock, or a play time of at most CAST_TIME_MAX_NS). */
static int64_t play_add_ns(int64_t base, double d)
{
	if (d != d)
		d = 0;
	if (d > 4e18)
		d = 4e18;
	if (d < -4e18)
		d = -4e18;
	return cast_time_add(base, (int64_t)d);
}

/* Current play-clock position. */
static int64_t play_v(const play_t *p, int64_t now)
{
	if (p->paused)
		return p->v0;
	return play_add_ns(p->v0, (double)(now - p->wall0) * p->speed);
}

/* Put the play clock at v (clamped), keeping the run state. */
static void play_set_v(play_t *p, int64_t v, int64_t now)
{
	if (v < p->v_from)
		v = p->v_from;
	if (v > p->v_end)
		v = p->v_end;
	p->v0 = v;
	p->wall0 = now;
	p->t = timeline_from_play(p->tl, v);
	p->dirty = true;
}

/* Put the playhead at recording time t exactly (a time inside a gap the
 * idle limit shortens has no play-clock time of its own). */
static void play_set_t(play_t *p, int64_t t, int64_t now)
{
	play_set_v(p, timeline_to_play(p->tl, t), now);
	if (p->v0 > p->v_from && p->v0 < p->v_end)
		p->t = t;
}

static void play_message(play_t *p, const char *msg, int64_t now)
{
	snprintf(p->message, sizeof(p->message), "%.159s", msg);
	p->message_until = now + PLAY_MSG_NS;
	p->dirty = true;
}

static void play_set_paused(play_t *p, bool paused, int64_t now)
{
	if (paused == p->paused)
		return;
	p->v0 = play_v(p, now);
	p->wall0 = now;
	p->paused = paused;
	p->dirty = true;
}

/* Advance the clock while playing: end, loop, markers. */
static void play_tick(play_t *p, int64_t now)
{
	if (p->paused)
		return;
	int64_t v = play_v(p, now);
	int64_t t_prev = p->t;
	if (v >= p->v_end) {
		if (p->o->loop) {
			play_set_v(p, p->v_from, now);
			return;
		}
		play_set_v(p, p->v_end, now);
		play_set_paused(p, true, now);
		if (p->o->quit_at_end)
			p->quit = true;
		return;
	}
	int64_t t = timeline_from_play(p->tl, v);
	if (p->o->pause_on_markers) {
		const tl_marker_t *m = timeline_marker_next(p->tl, t_prev);
		if (m && m->t <= t) {
			play_set_v(p, timeline_to_play(p->tl, m->t), now);
			play_set_paused(p, true, now);
			return;
		}
	}
	if (t != p->t)
		p->dirty = true;
	p->t = t;
}

static void play_apply_copts(play_t *p, int64_t now)
{
	p->copts.paused = p->paused;
	p->copts.speed = p->speed;
	p->copts.message = p->message[0] && now < p->message_until ? p->message : NULL;
	if (p->search_mode) {
		static char sprompt[200];
		snprintf(sprompt, sizeof(sprompt), "search: %.*s_", (int)p->search_len, p->search);
		p->copts.message = sprompt;
	}
	if (p->filter_mode) {
		static char prompt[300];
		snprintf(prompt, sizeof(prompt), "filter: %.*s_", (int)p->filter_len, p->filter);
		p->copts.message = prompt;
	}
	if (compose_set_opts(p->comp, &p->copts) < 0) {
		/* a bad filter: keep the previous one */
		p->copts.filter = compose_opts(p->comp)->filter;
	}
}

/* Compose and draw if due. Returns 0 or -errno. */
static int play_draw(play_t *p, int64_t now)
{
	if (!p->dirty && !(p->message[0] && now >= p->message_until))
		return 0;
	if (p->message[0] && now >= p->message_until)
		p->message[0] = '\0';
	play_apply_copts(p, now);
	compose_draw(p->comp, p->frame, playhead_screen(p->ph), p->t);
	int rc = term_out_draw(p->out, p->frame);
	if (term_out_last_bytes(p->out)) {
		p->frames++;
		p->bytes += term_out_last_bytes(p->out);
	}
	p->last_draw = now;
	p->dirty = false;
	return rc;
}

/* Move to the next (dir > 0) or previous syscall line that failed (slow
 * false) or took at least the slow threshold, at its event time, among the
 * lines the active filter shows (the cheap test first: a regex filter
 * reads the line back). Says so when there is none. */
static void play_jump_sys(play_t *p, int dir, bool slow, int64_t now)
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
			play_set_paused(p, true, now);
			play_set_t(p, e.t, now);
			sbuf_cleanup(&tmp);
			return;
		}
		if (dir > 0)
			i++;
	}
	sbuf_cleanup(&tmp);
	play_message(p, slow ? (dir > 0 ? "no slow call after this point" : "no slow call before this point")
			     : (dir > 0 ? "no failed call after this point" : "no failed call before this point"),
		     now);
}

/* Step to the next (dir > 0) or previous "o" event, pausing. */
static void play_step(play_t *p, int dir, int64_t now)
{
	const timeline_t *tl = p->tl;
	size_t n = timeline_next_o(tl, p->t); /* o events at or before t */
	int64_t t;

	play_set_paused(p, true, now);
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
	play_set_v(p, timeline_to_play(tl, t), now);
}

static void play_filter_key(play_t *p, const keypress_t *k, int64_t now)
{
	switch (k->kind) {
	case KEY_ENTER: {
		char re[257];
		memcpy(re, p->filter, p->filter_len);
		re[p->filter_len] = '\0';
		p->filter_mode = false;
		compose_opts_t next = *compose_opts(p->comp);
		next.filter = re;
		sys_filter_t *sf = NULL;
		char msg[140], line[160];
		if (sys_filter_new(&sf, re, msg, sizeof(msg)) == -EINVAL) {
			snprintf(line, sizeof(line), "filter %.140s", msg);
			play_message(p, line, now);
		} else if (compose_set_opts(p->comp, &next) < 0) {
			play_message(p, "filter: out of memory", now);
		} else {
			p->copts.filter = compose_opts(p->comp)->filter;
			play_message(p, p->filter_len ? "filter set" : "filter cleared", now);
		}
		sys_filter_free(sf);
		break;
	}
	case KEY_ESCAPE:
	case KEY_CTRL_C:
		p->filter_mode = false;
		break;
	case KEY_BACKSPACE:
		if (p->filter_len)
			p->filter_len--;
		break;
	case KEY_CHAR:
		if (p->filter_len < sizeof(p->filter) - 1)
			p->filter[p->filter_len++] = k->ch;
		break;
	default:
		break;
	}
	p->dirty = true;
}

/* Move to the next (dir > 0) or previous output holding the search text,
 * as less's n and N; pauses there. */
static void play_search(play_t *p, int dir, int64_t now)
{
	char needle[sizeof(p->search) + 1];
	int64_t found;

	if (!p->search_len) {
		play_message(p, "search: type t and a text first", now);
		return;
	}
	memcpy(needle, p->search, p->search_len);
	needle[p->search_len] = '\0';
	int rc = timeline_search_output(p->tl, p->t, dir, needle, &found);
	if (rc < 0) {
		char msg[200];
		snprintf(msg, sizeof(msg), "search: \"%s\" not found %s", needle,
			 dir > 0 ? "after this point" : "before this point");
		play_message(p, msg, now);
		return;
	}
	play_set_paused(p, true, now);
	play_set_t(p, found, now);
}

static void play_search_key(play_t *p, const keypress_t *k, int64_t now)
{
	switch (k->kind) {
	case KEY_ENTER:
		p->search_mode = false;
		play_search(p, 1, now);
		break;
	case KEY_ESCAPE:
	case KEY_CTRL_C:
		p->search_mode = false;
		break;
	case KEY_BACKSPACE:
		if (p->search_len)
			p->search_len--;
		break;
	case KEY_CHAR:
		if (p->search_len < sizeof(p->search) - 1)
			p->search[p->search_len++] = k->ch;
		break;
	default:
		break;
	}
	p->dirty = true;
}

/* Keys of the focused syscall panel: Up/Down select (scrolling at the
 * edges), Enter opens or closes the detail box, Esc closes it or leaves
 * the panel. Returns true when the key was the panel's. */
static bool play_panel_key(play_t *p, const keypress_t *k)
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

static void play_key(play_t *p, const keypress_t *k, int64_t now)
{
	int64_t dur = p->v_end;
	int64_t v = play_v(p, now);
	const tl_marker_t *m;

	if (p->filter_mode) {
		play_filter_key(p, k, now);
		return;
	}
	if (p->search_mode) {
		play_search_key(p, k, now);
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
	if (p->copts.sys_focus && play_panel_key(p, k))
		return;
	if (p->copts.help) {
		/* the help box is modal: Esc, ? or q close it (and play on if
		 * it was playing), Ctrl-C quits, other keys do nothing */
		if (k->kind == KEY_CTRL_C) {
			p->quit = true;
		} else if (k->kind == KEY_ESCAPE || (k->kind == KEY_CHAR && (k->ch == '?' || k->ch == 'q'))) {
			p->copts.help = false;
			if (!p->help_was_paused)
				play_set_paused(p, false, now);
		}
		return;
	}
	switch (k->kind) {
	case KEY_CTRL_C:
		p->quit = true;
		return;
	case KEY_LEFT:
		play_set_v(p, v - 5 * NS, now);
		return;
	case KEY_RIGHT:
		play_set_v(p, v + 5 * NS, now);
		return;
	case KEY_SHIFT_LEFT:
		play_set_v(p, v - dur / 10, now);
		return;
	case KEY_SHIFT_RIGHT:
		play_set_v(p, v + dur / 10, now);
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
			play_set_v(p, p->v_from, now); /* at the end: play again */
		play_set_paused(p, !p->paused, now);
		break;
	case '.':
		play_step(p, 1, now);
		break;
	case ',':
		play_step(p, -1, now);
		break;
	case '[':
		/* before the first marker: the start, as asciinema-player */
		if ((m = timeline_marker_prev(p->tl, p->t)))
			play_set_v(p, timeline_to_play(p->tl, m->t), now);
		else
			play_set_v(p, p->v_from, now);
		break;
	case ']':
		/* after the last marker: the end */
		if ((m = timeline_marker_next(p->tl, p->t)))
			play_set_v(p, timeline_to_play(p->tl, m->t), now);
		else
			play_set_v(p, p->v_end, now);
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
		play_search(p, k->ch == 'n' ? 1 : -1, now);
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
		play_jump_sys(p, k->ch == 'f' ? 1 : -1, false, now);
		break;
	case 'l':
	case 'L':
		play_jump_sys(p, k->ch == 'l' ? 1 : -1, true, now);
		break;
	case '?':
		/* help pauses, as asciinema-player's does */
		p->copts.help = true;
		p->help_was_paused = p->paused;
		play_set_paused(p, true, now);
		break;
	case '/':
		p->filter_mode = true;
		p->filter_len = 0;
		break;
	default:
		if (k->ch >= '0' && k->ch <= '9')
			play_set_v(p, p->v_from + (dur - p->v_from) / 10 * (k->ch - '0') +
					      (dur - p->v_from) % 10 * (k->ch - '0') / 10, now);
		break;
	}
}

static void play_read_keys(play_t *p, int64_t now)
{
	char buf[256];
	ssize_t n = read(p->in_fd, buf, sizeof(buf));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			/* keyboard gone: play on without it */
			if (p->own_in_fd)
				close(p->in_fd);
			p->in_fd = -1;
		}
		return;
	}
	keypress_t keys[256];
	size_t nk = keys_reader_feed(&p->keys, buf, (size_t)n, now, keys, 256);
	for (size_t i = 0; i < nk && !p->quit; i++)
		play_key(p, &keys[i], now);
}

/* A key sequence's start that waited long enough is taken as typed. */
static void play_expire_keys(play_t *p, int64_t now)
{
	keypress_t keys[KEYS_CARRY_MAX];
	size_t nk = keys_reader_expire(&p->keys, now, keys);
	for (size_t i = 0; i < nk && !p->quit; i++)
		play_key(p, &keys[i], now);
}

/* The viewer's size; 80x24 when unknown. */
static void play_viewer_size(play_t *p)
{
	if (term_size(STDOUT_FILENO, &p->vcols, &p->vrows) < 0) {
		p->vcols = 80;
		p->vrows = 24;
	}
}

static int play_signal(play_t *p)
{
	struct signalfd_siginfo si;

	while (read(p->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGWINCH:
			play_viewer_size(p);
			if (frame_resize(p->frame, p->vcols, p->vrows) < 0)
				return -ENOMEM;
			term_out_invalidate(p->out);
			p->dirty = true;
			break;
		default:
			p->quit = true;
			p->exit_code = 128 + (int)si.ssi_signo;
			break;
		}
	}
	return 0;
}

/* Milliseconds poll() may sleep. */
static int play_timeout(const play_t *p, int64_t now)
{
	int64_t wake = INT64_MAX;

	if (p->busy)
		return 0;
	if (p->dirty)
		wake = p->last_draw + PLAY_FRAME_NS;
	if (!p->paused) {
		int64_t next_t = playhead_next_time(p->ph);
		int64_t tick = now + PLAY_TICK_NS;
		if (next_t != INT64_MAX) {
			int64_t vn = timeline_to_play(p->tl, next_t);
			int64_t w = play_add_ns(p->wall0, ((double)vn - (double)p->v0) / p->speed);
			if (w < tick)
				tick = w;
		}
		int64_t we = play_add_ns(p->wall0, ((double)p->v_end - (double)p->v0) / p->speed);
		if (we < tick)
			tick = we;
		if (tick < p->last_draw + PLAY_FRAME_NS)
			tick = p->last_draw + PLAY_FRAME_NS; /* coalesce frames */
		if (tick < wake)
			wake = tick;
	}
	if (p->message[0] && p->message_until < wake)
		wake = p->message_until;
	if (keys_reader_deadline(&p->keys) < wake)
		wake = keys_reader_deadline(&p->keys);
	if (wake == INT64_MAX)
		return -1;
	int64_t ms = (wake - now + 999999) / 1000000;
	return ms < 0 ? 0 : (ms > 1000 ? 1000 : (int)ms);
}

static int play_loop(play_t *p)
{
	cast_error_t err;

	while (!p->quit) {
		int64_t now = play_now();
		play_tick(p, now);
		int rc = playhead_advance(p->ph, p->t, PLAY_BUDGET, &err);
		if (rc < 0) {
			char buf[600];
			cast_error_format(&err, buf, sizeof(buf));
			snprintf(p->errmsg, sizeof(p->errmsg), "%s", buf);
			return rc;
		}
		bool was_busy = p->busy;
		p->busy = rc == 1;
		if (p->busy != was_busy)
			p->dirty = true;
		if (p->o->quit_at_end && p->quit)
			p->dirty = true;
		/* an expired message must be wiped by a draw: otherwise the
		 * status keeps it and play_timeout() returns 0 for ever (a
		 * paused player spun at 40-60% of a core, issue 16) */
		if (p->message[0] && now >= p->message_until)
			p->dirty = true;
		if (p->dirty && now - p->last_draw >= PLAY_FRAME_NS) {
			if (p->busy)
				snprintf(p->message, sizeof(p->message), "seeking..."),
					p->message_until = now + PLAY_FRAME_NS * 2;
			rc = play_draw(p, now);
			if (rc < 0)
				return rc;
		}
		if (p->quit)
			break;
		struct pollfd pfd[2] = {
			{ .fd = p->sig_fd, .events = POLLIN },
			{ .fd = p->in_fd, .events = POLLIN },
		};
		int n = poll(pfd, p->in_fd >= 0 ? 2 : 1, play_timeout(p, play_now()));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0) {
			/* nothing arrived in time: a waiting key sequence's start is
			 * taken as typed (checked only here, after poll, so bytes
			 * that did arrive are never left behind) */
			play_expire_keys(p, play_now());
			continue;
		}
		if (n < 0)
			continue;
		now = play_now();
		if (pfd[0].revents & POLLIN) {
			rc = play_signal(p);
			if (rc < 0)
				return rc;
		}
		if (p->in_fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			play_read_keys(p, now);
	}
	return 0;
}

/* --stats: frames drawn, bytes, wall and CPU seconds, as key=value lines. */
static void play_write_stats(const play_t *p, const char *path)
{
	struct rusage ru;
	FILE *fp = fopen(path, "w");

	if (!fp)
		return;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(fp, "frames=%llu\nbytes=%llu\nwall_s=%.3f\ncpu_s=%.3f\nrecording_s=%.3f\nspeed=%g\n",
		(unsigned long long)p->frames, (unsigned long long)p->bytes,
		(double)(play_now() - p->started) / 1e9,
		(double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
		(double)(p->v_end - p->v_from) / 1e9, p->speed);
	fclose(fp);
}

void play_ctl_opts_defaults(play_ctl_opts_t *o)
{
	*o = (play_ctl_opts_t){ 0 };
	compose_opts_defaults(&o->compose);
	o->speed = 1.0;
	o->to = INT64_MAX;
}

/* Everything before the terminal is touched: load, check, allocate. */
static int play_open(play_t *p, const play_ctl_opts_t *o)
{
	timeline_opts_t to = { .strict = o->strict, .progress = o->progress,
			       .progress_user = o->progress_user };
	playhead_opts_t po = { .strict = o->strict, .quiet = true };
	cast_error_t err;
	double hdr_idle;
	int rc;

	rc = timeline_load(&p->tl, o->path, &to, &err);
	if (rc < 0) {
		cast_error_format(&err, p->errmsg, sizeof(p->errmsg));
		return rc;
	}
	double idle = o->has_idle_limit ? o->idle_limit
					: (timeline_header_idle_limit(p->tl, &hdr_idle) ? hdr_idle : 0);
	timeline_set_idle_limit(p->tl, idle);
	rc = playhead_new(&p->ph, o->path, &po, &err);
	if (rc < 0) {
		cast_error_format(&err, p->errmsg, sizeof(p->errmsg));
		return rc;
	}
	size_t n_scr;
	const uint64_t *scr = timeline_screen_offsets(p->tl, &n_scr);
	playhead_use_index(p->ph, scr, n_scr);
	p->copts = o->compose;
	p->comp = compose_new(p->tl, &p->copts);
	if (!p->comp)
		return -EINVAL; /* compose_new said why */
	p->copts.filter = compose_opts(p->comp)->filter;
	int64_t t_end = o->to < timeline_duration(p->tl) ? o->to : timeline_duration(p->tl);
	p->v_end = timeline_to_play(p->tl, t_end);
	p->v_from = timeline_to_play(p->tl, o->from < t_end ? o->from : t_end);
	p->speed = o->speed;
	play_viewer_size(p);
	p->frame = frame_new(p->vcols, p->vrows);
	p->out = term_out_new(STDOUT_FILENO, term_out_env_truecolor(getenv("COLORTERM")));
	if (!p->frame || !p->out)
		return -ENOMEM;
	p->in_fd = -1;
	if (isatty(STDIN_FILENO)) {
		p->in_fd = STDIN_FILENO;
	} else {
		p->in_fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
		p->own_in_fd = p->in_fd >= 0;
	}
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &mask, &p->old_mask) < 0)
		return -errno;
	p->mask_set = true;
	p->sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (p->sig_fd < 0)
		return -errno;
	return 0;
}

int play_ctl_run(const play_ctl_opts_t *o, char *errbuf, size_t errsize)
{
	play_t p = { .o = o, .sig_fd = -1, .in_fd = -1 };
	int rc;

	term_init(&p.term, -1);
	rc = play_open(&p, o);
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(p.errmsg, sizeof(p.errmsg), "out of memory");
		else if (!p.errmsg[0])
			snprintf(p.errmsg, sizeof(p.errmsg), "%s", strerror(-rc));
		p.exit_code = 1;
		goto out;
	}
	if (p.in_fd >= 0) {
		term_init(&p.term, p.in_fd);
		rc = term_raw(&p.term);
		if (rc < 0) {
			snprintf(p.errmsg, sizeof(p.errmsg), "cannot set the terminal to raw mode: %s",
				 strerror(-rc));
			p.exit_code = 1;
			goto out;
		}
	}
	play_arm_crash(&p.term);
	rc = term_out_enter(p.out);
	if (rc == 0) {
		int64_t now = play_now();
		p.started = now;
		play_set_v(&p, p.v_from, now);
		p.dirty = true;
		p.last_draw = now - PLAY_FRAME_NS;
		rc = play_loop(&p);
	}
	if (rc < 0) {
		p.exit_code = 1;
		if (!p.errmsg[0])
			snprintf(p.errmsg, sizeof(p.errmsg), "%s", strerror(-rc));
	}
out:
	/* the one way out: the terminal first, then the messages */
	play_crash.armed = 0;
	term_out_leave(p.out);
	term_restore(&p.term);
	if (errbuf && errsize)
		snprintf(errbuf, errsize, "%s", p.errmsg);
	if (o->stats_path && p.started)
		play_write_stats(&p, o->stats_path);
	if (p.sig_fd >= 0)
		close(p.sig_fd);
	if (p.mask_set)
		sigprocmask(SIG_SETMASK, &p.old_mask, NULL);
	if (p.own_in_fd)
		close(p.in_fd);
	term_out_free(p.out);
	frame_free(p.frame);
	compose_free(p.comp);
	playhead_free(p.ph);
	timeline_free(p.tl);
	return p.exit_code;
}
