/* rec_session: the pty, the command and the one poll loop of the recorder.
 *
 * Everything happens in rec_session_run(): one poll() over the signalfd,
 * the pty master, the user's input and each source's fd, with a timeout
 * from the nearest deadline. Signal handlers are never installed: the
 * signals are blocked before the fork and read from a signalfd. */
#include "rec_session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <limits.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rec_child.h"
#include "tracecast/tc_clock.h"
#include "tracecast/term.h"

#define NS_PER_MS INT64_C(1000000)
#define REC_SESSION_REHUP_MS 200

struct rec_session {
	rec_session_opts_t o;
	rec_session_cbs_t cb;
	void *user;
	sigset_t old_mask;
	struct sigaction old_pipe, old_xfsz, old_chld;
	bool masked;             /* signals blocked by us: give them back */
	int sfd;                 /* signalfd */
	int master;
	rec_children_t *children; /* opts' or own_children */
	rec_children_t *own_children;
	pid_t pid;
	int status;
	bool exited;             /* the command was reaped */
	bool freeing;            /* rec_session_free: sources are not told */
	bool master_eof;         /* EIO/0 from the master: all output read */
	bool in_eof;
	bool eot_sent;
	bool prefix_pending;
	int64_t prefix_at;       /* when the pending prefix was typed */
	bool paused;             /* toggled by the pause key */
	int term_signal;         /* a terminating signal we got */
	int64_t kill_at;         /* SIGKILL the command then (or INT64_MAX) */
	int64_t hup_at;          /* send SIGHUP again then (or INT64_MAX) */
	int64_t last_data;       /* last read from the master */
	char *rbuf;              /* master reads */
	char *obuf;              /* relay to out_fd not yet written */
	size_t olen, ooff;
	int out_fd;              /* out_fd, nonblocking (our own open), or -1 */
	bool out_own;            /* out_fd is ours to close */
	bool out_nb;             /* writes to out_fd never block */
	bool out_sock;           /* out_fd is a socket: send(MSG_DONTWAIT) */
	int64_t eot_at;          /* headless: send EOT again then (INT64_MAX) */
	char *ibuf;              /* input read from in_fd */
	char *q;                 /* input queued for the master */
	size_t qlen, qoff;
	bool *dropped;           /* per source: no longer polled */
	struct pollfd *pfd;
	unsigned cols, rows;
};

/* Signals the loop handles itself. */
static void rec_session_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGWINCH);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
}

/* The relay's own nonblocking open of out_fd: a new open file description
 * (through /proc/self/fd), so O_NONBLOCK never reaches the terminal or
 * pipe that others share. A regular file never blocks; a socket is sent
 * to with MSG_DONTWAIT. Where none of that works, the fd itself, written
 * only after poll says it is writable, PIPE_BUF bytes at a time (a write
 * that small never blocks a pipe). */
static void rec_session_open_out(rec_session_t *s)
{
	char p[64];
	struct stat st;

	if (s->o.out_fd < 0)
		return;
	snprintf(p, sizeof p, "/proc/self/fd/%d", s->o.out_fd);
	s->out_fd = s->o.out_fd;
	if (fstat(s->o.out_fd, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		s->out_nb = true;
	} else if (S_ISSOCK(st.st_mode)) {
		s->out_nb = s->out_sock = true;
	} else {
		int fd = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			s->out_fd = fd;
			s->out_own = s->out_nb = true;
		}
	}
}

int rec_session_new(rec_session_t **out, const rec_session_opts_t *opts,
		    const rec_session_cbs_t *cbs, void *user)
{
	rec_session_t *s = calloc(1, sizeof *s);
	struct sigaction ign = { .sa_handler = SIG_IGN }, dfl = { .sa_handler = SIG_DFL };
	sigset_t set;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->o = *opts;
	if (cbs)
		s->cb = *cbs;
	s->user = user;
	s->sfd = s->master = -1;
	s->pid = -1;
	s->children = opts->children;
	if (!s->children && rec_children_new(&s->own_children) < 0) {
		free(s);
		return -ENOMEM;
	}
	if (!s->children)
		s->children = s->own_children;
	s->kill_at = s->hup_at = INT64_MAX;
	s->cols = opts->cols ? opts->cols : 80;
	s->rows = opts->rows ? opts->rows : 24;
	s->rbuf = malloc(REC_SESSION_READ);
	s->obuf = malloc(REC_SESSION_RELAY_MAX);
	s->out_fd = -1;
	s->eot_at = INT64_MAX;
	s->ibuf = malloc(REC_SESSION_READ);
	s->q = malloc(2 * REC_SESSION_READ + 2);
	s->dropped = calloc(opts->n_sources + 1, sizeof *s->dropped);
	s->pfd = calloc(opts->n_sources + 4, sizeof *s->pfd);
	if (!s->rbuf || !s->obuf || !s->ibuf || !s->q || !s->dropped || !s->pfd) {
		rec_session_free(s);
		return -ENOMEM;
	}
	rec_session_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, &s->old_mask);
	s->masked = true;
	/* Writes to a closed pipe (stdout, the ctl socket) must not kill us,
	 * nor a write past `ulimit -f` (the write fails with EFBIG: the
	 * recording stops, exit 74); and SIGCHLD must not be ignored (an
	 * ignored SIGCHLD, inherited through execve, reaps the command
	 * behind our back). */
	sigaction(SIGPIPE, &ign, &s->old_pipe);
	sigaction(SIGXFSZ, &ign, &s->old_xfsz);
	sigaction(SIGCHLD, &dfl, &s->old_chld);
	s->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sfd < 0) {
		int ret = -errno;
		rec_session_free(s);
		return ret;
	}
	rec_session_open_out(s);
	*out = s;
	return 0;
}

static void rec_session_exited(void *user, pid_t pid, int st);

/* In the child: become the pty's session, reset signals, exec. */
static void rec_session_child(rec_session_t *s, int slave, char *const argv[],
			      char *const envp[])
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		_exit(127);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	close_range(3, ~0U, 0);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
	execvpe(argv[0], argv, envp);
	dprintf(2, "tracecast: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

int rec_session_spawn(rec_session_t *s, char *const argv[], char *const envp[])
{
	struct winsize ws = { .ws_col = (unsigned short)s->cols, .ws_row = (unsigned short)s->rows };
	int slave, ret;
	int64_t now;

	if (openpty(&s->master, &slave, NULL, s->o.slave_termios, &ws) < 0)
		return -errno;
	fcntl(s->master, F_SETFD, FD_CLOEXEC);
	s->pid = rec_child_fork(s->children, rec_session_exited, s);
	if (s->pid < 0) {
		ret = s->pid;
		close(slave);
		return ret;
	}
	if (s->pid == 0)
		rec_session_child(s, slave, argv, envp);
	close(slave);
	/* Writes of input must never block the loop. */
	fcntl(s->master, F_SETFL, fcntl(s->master, F_GETFL) | O_NONBLOCK);
	now = tc_clock_mono_ns();
	s->last_data = now;
	for (size_t i = 0; i < s->o.n_sources; i++)
		if (s->o.sources[i].started)
			s->o.sources[i].started(s->o.sources[i].self, s->pid, now);
	return 0;
}

/* Queue input bytes for the command and report them. */
static void rec_session_queue(rec_session_t *s, int64_t now, const char *buf, size_t len)
{
	if (!len)
		return;
	memcpy(s->q + s->qlen, buf, len);
	s->qlen += len;
	if (s->cb.input)
		s->cb.input(s->user, now, buf, len);
}

static void rec_session_toggle_pause(rec_session_t *s, int64_t now)
{
	s->paused = !s->paused;
	if (s->cb.pause)
		s->cb.pause(s->user, now, s->paused);
}

/* Bytes typed by the user: the prefix key is handled here. After the
 * prefix: m marks, p pauses or resumes, the prefix sends the prefix, any
 * other key sends both; nothing within REC_SESSION_PREFIX_MS pauses or
 * resumes (rec_session_timers). */
static void rec_session_typed(rec_session_t *s, int64_t now, const char *buf, size_t len)
{
	int pk = s->o.headless ? -1 : s->o.prefix_key;
	size_t start = 0;
	char two[2];

	if (pk < 0) {
		rec_session_queue(s, now, buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (s->prefix_pending) {
			s->prefix_pending = false;
			start = i + 1;
			if (c == 'm') {
				if (s->cb.marker)
					s->cb.marker(s->user, now);
			} else if (c == 'p') {
				rec_session_toggle_pause(s, now);
			} else if (c == (unsigned char)pk) {
				two[0] = (char)pk;
				rec_session_queue(s, now, two, 1);
			} else {
				two[0] = (char)pk;
				two[1] = (char)c;
				rec_session_queue(s, now, two, 2);
			}
		} else if (c == (unsigned char)pk) {
			rec_session_queue(s, now, buf + start, i - start);
			s->prefix_pending = true;
			s->prefix_at = now;
			start = i + 1;
		}
	}
	if (!s->prefix_pending && start < len)
		rec_session_queue(s, now, buf + start, len - start);
}

/* The command was reaped (rec_child: ECHILD, reaped by another, gives
 * REC_CHILD_LOST_STATUS): tell the sources. */
static void rec_session_exited(void *user, pid_t pid, int st)
{
	rec_session_t *s = user;
	int64_t now = tc_clock_mono_ns();

	(void)pid;
	s->exited = true;
	s->status = st;
	if (s->freeing)
		return;
	s->qlen = s->qoff = 0; /* nobody will read the rest of the input */
	s->last_data = now;
	for (size_t i = 0; i < s->o.n_sources; i++)
		if (s->o.sources[i].child_exited)
			s->o.sources[i].child_exited(s->o.sources[i].self, st, now);
}

/* Reap every child of the recorder that exited (the command, tracers):
 * each owner is told (rec_child.h). */
static void rec_session_reap(rec_session_t *s)
{
	rec_children_reap(s->children);
}

/* Follow the terminal's size. */
static void rec_session_winch(rec_session_t *s, int64_t now)
{
	unsigned c, r;
	struct winsize ws;

	if (s->o.tty_fd < 0 || term_size(s->o.tty_fd, &c, &r) < 0)
		return;
	if (c == s->cols && r == s->rows)
		return;
	s->cols = c;
	s->rows = r;
	ws = (struct winsize){ .ws_col = (unsigned short)c, .ws_row = (unsigned short)r };
	if (s->master >= 0)
		ioctl(s->master, TIOCSWINSZ, &ws);
	if (s->cb.resize)
		s->cb.resize(s->user, now, c, r);
}

/* Hang up the command as a closed terminal would: SIGHUP to its session's
 * process group and to itself, SIGCONT so a stopped job sees it. Repeated
 * every REC_SESSION_REHUP_MS: a shell can miss one (bash while it starts
 * or reaps a job). */
static void rec_session_hangup(rec_session_t *s, int64_t now)
{
	kill(-s->pid, SIGHUP);
	rec_child_signal(s->children, s->pid, SIGHUP);
	kill(-s->pid, SIGCONT);
	s->hup_at = now + REC_SESSION_REHUP_MS * NS_PER_MS;
}

/* Read every pending signal. */
static void rec_session_signals(rec_session_t *s, int64_t now)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			rec_session_reap(s);
			break;
		case SIGWINCH:
			rec_session_winch(s, now);
			break;
		default:
			if (s->exited)
				break;
			if (s->term_signal) { /* asked twice: no more waiting */
				kill(-s->pid, SIGKILL);
				rec_child_signal(s->children, s->pid, SIGKILL);
				break;
			}
			s->term_signal = (int)si.ssi_signo;
			rec_session_hangup(s, now);
			s->kill_at = now + REC_SESSION_KILL_MS * NS_PER_MS;
			break;
		}
	}
}

static void rec_session_drop_out(rec_session_t *s)
{
	if (s->out_own)
		close(s->out_fd);
	s->out_fd = -1;
	s->out_own = s->out_nb = s->out_sock = false;
	s->olen = s->ooff = 0;
}

/* Write what the relay holds, as far as out_fd takes it now. */
static void rec_session_relay(rec_session_t *s)
{
	while (s->ooff < s->olen && s->out_fd >= 0) {
		size_t n = s->olen - s->ooff;
		if (!s->out_nb && n > PIPE_BUF)
			n = PIPE_BUF;
		ssize_t w = s->out_sock
			? send(s->out_fd, s->obuf + s->ooff, n, MSG_DONTWAIT | MSG_NOSIGNAL)
			: write(s->out_fd, s->obuf + s->ooff, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0) { /* the terminal is gone: keep recording */
			rec_session_drop_out(s);
			break;
		}
		s->ooff += (size_t)w;
		if (!s->out_nb)
			break; /* one write per poll: the next may block */
	}
	if (s->ooff == s->olen)
		s->ooff = s->olen = 0;
}

/* Room in the relay buffer for one more read from the master. */
static bool rec_session_relay_room(const rec_session_t *s)
{
	return s->out_fd < 0 || s->olen + REC_SESSION_READ <= REC_SESSION_RELAY_MAX;
}

/* Read one chunk from the master and relay it. Once the session is ending
 * (the command exited, or we were asked to stop) the master is read
 * whatever the relay holds: the file gets every byte, the relay what
 * fits. */
static void rec_session_master(rec_session_t *s, int64_t now)
{
	ssize_t n = read(s->master, s->rbuf, REC_SESSION_READ);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		s->master_eof = true;
		return;
	}
	s->last_data = now;
	if (s->out_fd >= 0) {
		if (s->ooff && s->olen + (size_t)n > REC_SESSION_RELAY_MAX) {
			memmove(s->obuf, s->obuf + s->ooff, s->olen - s->ooff);
			s->olen -= s->ooff;
			s->ooff = 0;
		}
		size_t k = REC_SESSION_RELAY_MAX - s->olen;
		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(s->obuf + s->olen, s->rbuf, k);
		s->olen += k;
		rec_session_relay(s);
	}
	if (s->cb.output)
		s->cb.output(s->user, now, s->rbuf, (size_t)n);
}

/* Read the user's input. */
static void rec_session_input(rec_session_t *s, int64_t now)
{
	ssize_t n = read(s->o.in_fd, s->ibuf, REC_SESSION_READ);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		s->in_eof = true;
		if (s->o.headless && !s->eot_sent) {
			s->eot_sent = true;
			rec_session_queue(s, now, "\x04", 1);
			s->eot_at = now + REC_SESSION_REHUP_MS * NS_PER_MS;
		}
		return;
	}
	rec_session_typed(s, now, s->ibuf, (size_t)n);
}

/* Move queued input to the master. */
static void rec_session_flush_input(rec_session_t *s)
{
	while (s->qoff < s->qlen) {
		ssize_t n = write(s->master, s->q + s->qoff, s->qlen - s->qoff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* EIO: the pty is gone */
			s->qoff = s->qlen;
			break;
		}
		s->qoff += (size_t)n;
	}
	s->qoff = s->qlen = 0;
}

/* The poll timeout (ms) until the nearest deadline. */
static int rec_session_timeout(rec_session_t *s, int64_t now)
{
	int64_t d = s->exited ? INT64_MAX : (s->kill_at < s->hup_at ? s->kill_at : s->hup_at);

	if (!s->exited && s->eot_at < d)
		d = s->eot_at;

	if (s->cb.deadline) {
		int64_t c = s->cb.deadline(s->user);
		if (c < d)
			d = c;
	}
	for (size_t i = 0; i < s->o.n_sources; i++) {
		rec_source_t *src = &s->o.sources[i];
		if (src->deadline) {
			int64_t c = src->deadline(src->self);
			if (c < d)
				d = c;
		}
	}
	if (s->prefix_pending && s->prefix_at + REC_SESSION_PREFIX_MS * NS_PER_MS < d)
		d = s->prefix_at + REC_SESSION_PREFIX_MS * NS_PER_MS;
	if (s->exited && !s->master_eof) {
		int64_t c = s->last_data + REC_SESSION_LINGER_MS * NS_PER_MS;
		if (c < d)
			d = c;
	}
	if (d == INT64_MAX)
		return -1;
	if (d <= now)
		return 0;
	int64_t ms = (d - now + NS_PER_MS - 1) / NS_PER_MS;
	return ms > 60000 ? 60000 : (int)ms;
}

/* Timers: the caller's, the sources', the kill after a hang-up. */
static void rec_session_timers(rec_session_t *s, int64_t now)
{
	for (size_t i = 0; i < s->o.n_sources; i++) {
		rec_source_t *src = &s->o.sources[i];
		if (src->deadline && src->tick && src->deadline(src->self) <= now)
			src->tick(src->self, now, s->o.emit);
	}
	if (s->prefix_pending && now >= s->prefix_at + REC_SESSION_PREFIX_MS * NS_PER_MS) {
		s->prefix_pending = false; /* the prefix alone: asciinema's pause key */
		rec_session_toggle_pause(s, now);
	}
	if (s->cb.hold) { /* after the sources' ticks: what they hold now */
		int64_t h = INT64_MAX;
		for (size_t i = 0; i < s->o.n_sources; i++) {
			rec_source_t *src = &s->o.sources[i];
			int64_t c = src->hold ? src->hold(src->self) : INT64_MAX;
			if (c < h)
				h = c;
		}
		s->cb.hold(s->user, h);
	}
	if (s->cb.tick) /* after the sources: what they emitted is counted */
		s->cb.tick(s->user, now);
	if (s->hup_at <= now && !s->exited)
		rec_session_hangup(s, now);
	/* Headless, after the end of input: an EOT can be lost (a shell that
	 * switches its terminal mode as it starts drops it), so once the
	 * command has been quiet for a while, send another, as long as none
	 * is still queued: end of input stays the end, as a pipe's EOF. */
	if (s->eot_at <= now && !s->exited) {
		s->eot_at = now + REC_SESSION_REHUP_MS * NS_PER_MS;
		if (!s->qlen && now - s->last_data >= REC_SESSION_REHUP_MS * NS_PER_MS)
			rec_session_queue(s, now, "\x04", 1);
	}
	if (s->kill_at <= now && !s->exited) {
		kill(-s->pid, SIGKILL);
		rec_child_signal(s->children, s->pid, SIGKILL);
		s->kill_at = INT64_MAX;
	}
}

/* The command is gone: write the rest of the relay to out_fd, unless a
 * terminating signal comes (then what is left is dropped: the file has
 * it all). */
static void rec_session_relay_drain(rec_session_t *s)
{
	struct signalfd_siginfo si;

	while (s->olen && s->out_fd >= 0 && !s->term_signal) {
		struct pollfd p[2] = { { .fd = s->sfd, .events = POLLIN },
				       { .fd = s->out_fd, .events = POLLOUT } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		while (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si)
			if (si.ssi_signo != SIGCHLD && si.ssi_signo != SIGWINCH)
				s->term_signal = (int)si.ssi_signo;
		if (p[1].revents & (POLLERR | POLLNVAL))
			rec_session_drop_out(s);
		else if (p[1].revents)
			rec_session_relay(s);
	}
}

int rec_session_run(rec_session_t *s)
{
	enum { P_SIG, P_MASTER, P_IN, P_OUT, P_SRC };
	int ret = 0;

	for (;;) {
		int64_t now = tc_clock_mono_ns();
		struct pollfd *p = s->pfd;

		if (s->exited && (s->master_eof ||
				  now - s->last_data >= REC_SESSION_LINGER_MS * NS_PER_MS))
			break;
		p[P_SIG] = (struct pollfd){ .fd = s->sfd, .events = POLLIN };
		/* back-pressure: a relay that is full stops the reads of the
		 * master (the command waits), never the loop; once the session
		 * ends, every byte is read for the file */
		bool ending = s->exited || s->term_signal;
		short min = (rec_session_relay_room(s) || ending) ? POLLIN : 0;
		p[P_MASTER] = (struct pollfd){ .fd = s->master_eof ? -1 : s->master,
					       .events = (short)(min | (s->qlen ? POLLOUT : 0)) };
		p[P_OUT] = (struct pollfd){ .fd = s->olen ? s->out_fd : -1, .events = POLLOUT };
		p[P_IN] = (struct pollfd){ .fd = -1, .events = POLLIN };
		if (s->o.in_fd >= 0 && !s->in_eof && !s->exited && !s->qlen && !s->master_eof)
			p[P_IN].fd = s->o.in_fd;
		for (size_t i = 0; i < s->o.n_sources; i++) {
			rec_source_t *src = &s->o.sources[i];
			int fd = (!s->dropped[i] && src->poll_fd) ? src->poll_fd(src->self) : -1;
			p[P_SRC + i] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		int n = poll(p, P_SRC + s->o.n_sources, rec_session_timeout(s, now));
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		now = tc_clock_mono_ns();
		if (n > 0) {
			if (p[P_SIG].revents)
				rec_session_signals(s, now);
			if (p[P_OUT].revents & (POLLERR | POLLNVAL))
				rec_session_drop_out(s);
			else if (p[P_OUT].revents)
				rec_session_relay(s);
			if ((p[P_MASTER].revents & (POLLHUP | POLLERR)) ||
			    ((p[P_MASTER].revents & POLLIN) && (p[P_MASTER].events & POLLIN)))
				rec_session_master(s, now);
			if (p[P_MASTER].revents & POLLOUT)
				rec_session_flush_input(s);
			if (p[P_IN].revents)
				rec_session_input(s, now);
			for (size_t i = 0; i < s->o.n_sources; i++) {
				rec_source_t *src = &s->o.sources[i];
				short ev = p[P_SRC + i].revents;
				if (!ev || s->dropped[i])
					continue;
				if ((ev & POLLNVAL) || !src->readable ||
				    src->readable(src->self, now, s->o.emit) < 0)
					s->dropped[i] = true;
			}
		}
		if (s->qlen && !s->master_eof)
			rec_session_flush_input(s);
		/* A SIGCHLD may be merged or lost in a race with poll: check. */
		if (!s->exited && (s->master_eof || n == 0))
			rec_session_reap(s);
		rec_session_timers(s, now);
	}
	if (!s->exited && s->pid > 0) { /* poll failed: do not leave it behind */
		kill(-s->pid, SIGKILL);
		rec_child_signal(s->children, s->pid, SIGKILL);
		rec_child_wait(s->children, s->pid, -1, NULL); /* sets exited */
		s->exited = true;
	}
	rec_session_relay_drain(s);
	int64_t end = tc_clock_mono_ns();
	for (size_t i = 0; i < s->o.n_sources; i++)
		if (s->o.sources[i].finish)
			s->o.sources[i].finish(s->o.sources[i].self, end, s->o.emit);
	return ret;
}

int rec_session_status(const rec_session_t *s)
{
	return s->status;
}

int rec_session_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

void rec_session_free(rec_session_t *s)
{
	if (!s)
		return;
	s->freeing = true;
	if (s->pid > 0 && !s->exited) {
		kill(-s->pid, SIGKILL);
		rec_child_signal(s->children, s->pid, SIGKILL);
		rec_child_wait(s->children, s->pid, -1, NULL);
	}
	rec_children_free(s->own_children);
	if (s->master >= 0)
		close(s->master);
	if (s->sfd >= 0) {
		/* A SIGTERM that came after the loop asked for what is done
		 * already: do not let it kill us once unblocked. */
		struct signalfd_siginfo si;
		while (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si)
			;
		close(s->sfd);
	}
	if (s->masked) {
		sigaction(SIGPIPE, &s->old_pipe, NULL);
		sigaction(SIGXFSZ, &s->old_xfsz, NULL);
		sigaction(SIGCHLD, &s->old_chld, NULL);
		sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
	}
	free(s->rbuf);
	free(s->obuf);
	if (s->out_own)
		close(s->out_fd);
	free(s->ibuf);
	free(s->q);
	free(s->dropped);
	free(s->pfd);
	free(s);
}
