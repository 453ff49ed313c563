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
#include "play_ctl.h"
#include "play_input.h"
#include "play_state.h"

#define PLAY_FRAME_NS (INT64_C(1000000000) / 60)  /* at most 60 frames/s */
#define PLAY_TICK_NS (INT64_C(100000000))         /* status clock: 0.1 s */
#define PLAY_BUDGET ((size_t)1 << 20)             /* bytes fed between looks at input */

/* The one file-scope state: what a fatal-signal handler needs to give the
 * viewer's terminal back (a handler can reach nothing else). */
static struct {
	volatile sig_atomic_t armed;
	int fd;
	bool has_tio;
	struct termios tio;
} play_ctl_crash;

/* A crash (libvterm 0.1.4 has crashed on hostile input: see screen.c) or
 * an abort: restore the terminal with async-signal-safe calls only, then
 * die of the same signal (SA_RESETHAND: the default action runs next). */
static void play_ctl_on_fatal(int sig)
{
	static const char seq[] = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";

	(void)sig;
	if (play_ctl_crash.armed) {
		if (write(STDOUT_FILENO, seq, sizeof(seq) - 1) < 0) {
			/* nothing more can be done */
		}
		if (play_ctl_crash.has_tio)
			tcsetattr(play_ctl_crash.fd, TCSANOW, &play_ctl_crash.tio);
	}
}

static void play_ctl_arm_crash(const term_t *t)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = play_ctl_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	play_ctl_crash.fd = t->fd;
	play_ctl_crash.has_tio = t->saved;
	if (t->saved)
		play_ctl_crash.tio = t->orig;
	play_ctl_crash.armed = 1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void play_ctl_apply_copts(play_state_t *p, int64_t now)
{
	p->copts.paused = p->paused;
	p->copts.speed = p->speed;
	p->copts.message = p->message[0] && now < p->message_until ? p->message : NULL;
	if (play_input_prompt(p))
		p->copts.message = p->prompt;
	if (compose_set_opts(p->comp, &p->copts) < 0) {
		/* a bad filter: keep the previous one */
		p->copts.filter = compose_opts(p->comp)->filter;
	}
}

/* Compose and draw if due. Returns 0 or -errno. */
static int play_ctl_draw(play_state_t *p, int64_t now)
{
	if (!p->dirty && !(p->message[0] && now >= p->message_until))
		return 0;
	if (p->message[0] && now >= p->message_until)
		p->message[0] = '\0';
	play_ctl_apply_copts(p, now);
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

static void play_ctl_read_keys(play_state_t *p, int64_t now)
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
		play_input_key(p, &keys[i], now);
}

/* A key sequence's start that waited long enough is taken as typed. */
static void play_ctl_expire_keys(play_state_t *p, int64_t now)
{
	keypress_t keys[KEYS_CARRY_MAX];
	size_t nk = keys_reader_expire(&p->keys, now, keys);
	for (size_t i = 0; i < nk && !p->quit; i++)
		play_input_key(p, &keys[i], now);
}

/* The viewer's size; 80x24 when unknown. */
static void play_ctl_viewer_size(play_state_t *p)
{
	if (term_size(STDOUT_FILENO, &p->vcols, &p->vrows) < 0) {
		p->vcols = 80;
		p->vrows = 24;
	}
}

static int play_ctl_signal(play_state_t *p)
{
	struct signalfd_siginfo si;

	while (read(p->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGWINCH:
			play_ctl_viewer_size(p);
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
static int play_ctl_timeout(const play_state_t *p, int64_t now)
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
			int64_t w = play_state_add_ns(p->wall0, ((double)vn - (double)p->v0) / p->speed);
			if (w < tick)
				tick = w;
		}
		int64_t we = play_state_add_ns(p->wall0, ((double)p->v_end - (double)p->v0) / p->speed);
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

static int play_ctl_loop(play_state_t *p)
{
	cast_error_t err;

	while (!p->quit) {
		int64_t now = play_state_now();
		play_state_tick(p, now);
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
		 * status keeps it and play_ctl_timeout() returns 0 for ever (a
		 * paused player spun at 40-60% of a core, issue 16) */
		if (p->message[0] && now >= p->message_until)
			p->dirty = true;
		if (p->dirty && now - p->last_draw >= PLAY_FRAME_NS) {
			if (p->busy)
				snprintf(p->message, sizeof(p->message), "seeking..."),
					p->message_until = now + PLAY_FRAME_NS * 2;
			rc = play_ctl_draw(p, now);
			if (rc < 0)
				return rc;
		}
		if (p->quit)
			break;
		struct pollfd pfd[2] = {
			{ .fd = p->sig_fd, .events = POLLIN },
			{ .fd = p->in_fd, .events = POLLIN },
		};
		int n = poll(pfd, p->in_fd >= 0 ? 2 : 1, play_ctl_timeout(p, play_state_now()));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0) {
			/* nothing arrived in time: a waiting key sequence's start is
			 * taken as typed (checked only here, after poll, so bytes
			 * that did arrive are never left behind) */
			play_ctl_expire_keys(p, play_state_now());
			continue;
		}
		if (n < 0)
			continue;
		now = play_state_now();
		if (pfd[0].revents & POLLIN) {
			rc = play_ctl_signal(p);
			if (rc < 0)
				return rc;
		}
		if (p->in_fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			play_ctl_read_keys(p, now);
	}
	return 0;
}

/* --stats: frames drawn, bytes, wall and CPU seconds, as key=value lines. */
static void play_ctl_write_stats(const play_state_t *p, const char *path)
{
	struct rusage ru;
	FILE *fp = fopen(path, "w");

	if (!fp)
		return;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(fp, "frames=%llu\nbytes=%llu\nwall_s=%.3f\ncpu_s=%.3f\nrecording_s=%.3f\nspeed=%g\n",
		(unsigned long long)p->frames, (unsigned long long)p->bytes,
		(double)(play_state_now() - p->started) / 1e9,
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
static int play_ctl_open(play_state_t *p, const play_ctl_opts_t *o)
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
	play_ctl_viewer_size(p);
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
	play_state_t p = { .o = o, .sig_fd = -1, .in_fd = -1 };
	int rc;

	term_init(&p.term, -1);
	rc = play_ctl_open(&p, o);
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
	play_ctl_arm_crash(&p.term);
	rc = term_out_enter(p.out);
	if (rc == 0) {
		int64_t now = play_state_now();
		p.started = now;
		play_state_set_v(&p, p.v_from, now);
		p.dirty = true;
		p.last_draw = now - PLAY_FRAME_NS;
		rc = play_ctl_loop(&p);
	}
	if (rc < 0) {
		p.exit_code = 1;
		if (!p.errmsg[0])
			snprintf(p.errmsg, sizeof(p.errmsg), "%s", strerror(-rc));
	}
out:
	/* the one way out: the terminal first, then the messages */
	play_ctl_crash.armed = 0;
	term_out_leave(p.out);
	term_restore(&p.term);
	if (errbuf && errsize)
		snprintf(errbuf, errsize, "%s", p.errmsg);
	if (o->stats_path && p.started)
		play_ctl_write_stats(&p, o->stats_path);
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
