/* rec_child: the recorder's children, held by pidfds, reaped in one place.
 *
 * Reaping goes through waitid(P_PIDFD) where the child has a pidfd: the
 * pidfd names that process, not its pid, so a child reaped behind our
 * back whose pid was handed out again (even to a later child of ours) is
 * never confused with the new one. Without a pidfd (a kernel before 5.4),
 * waitpid on the pid, which is still ours while we have not reaped it. */
#include "rec_child.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracecast/tc_clock.h"

#define REC_CHILD_NAP_NS 5000000L /* without a pidfd: look every 5 ms */

typedef struct rec_child {
	pid_t pid;
	int pidfd;              /* -1 where the kernel has none */
	bool gone;              /* no pidfd: already reaped by another */
	bool reaped;
	int status;
	rec_child_exited_fn exited;
	void *user;
} rec_child_t;

struct rec_children {
	rec_child_t *v;         /* in fork order; entries are never removed */
	size_t n, cap;
};

int rec_children_new(rec_children_t **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

/* The newest entry of pid (an older one is a child reaped by another
 * whose pid was reused), or NULL. */
static rec_child_t *rc_find(rec_children_t *c, pid_t pid)
{
	for (size_t i = c ? c->n : 0; i > 0; i--)
		if (c->v[i - 1].pid == pid)
			return &c->v[i - 1];
	return NULL;
}

pid_t rec_child_fork(rec_children_t *c, rec_child_exited_fn exited, void *user)
{
	rec_child_t *ch;
	pid_t pid;

	/* room first: a child must never run unheld */
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 8;
		rec_child_t *nv = realloc(c->v, nc * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		c->v = nv;
		c->cap = nc;
	}
	pid = fork();
	if (pid <= 0)
		return pid < 0 ? -errno : 0;
	ch = &c->v[c->n++];
	*ch = (rec_child_t){ .pid = pid, .pidfd = pidfd_open(pid, 0), .exited = exited,
			     .user = user };
	/* A zombie still has a pidfd: ESRCH means the kernel reaped it
	 * already (SIGCHLD ignored), and the pid may be someone else's. */
	if (ch->pidfd < 0 && errno == ESRCH)
		ch->gone = true;
	return pid;
}

/* The wait status (as waitpid gives it) of what waitid reported. */
static int rc_status(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return W_EXITCODE(si->si_status & 0xff, 0);
	case CLD_DUMPED:
		return si->si_status | WCOREFLAG;
	default: /* CLD_KILLED */
		return si->si_status;
	}
}

/* Collect ch's exit (block: wait for it): 1 with *st, 0 while it runs,
 * -ECHILD when someone else reaped it. */
static int rc_wait(rec_child_t *ch, bool block, int *st)
{
	int opt = block ? 0 : WNOHANG;

	if (ch->gone)
		return -ECHILD;
	if (ch->pidfd >= 0) {
		siginfo_t si;
		int r;

		memset(&si, 0, sizeof si);
		do
			r = waitid(P_PIDFD, (id_t)ch->pidfd, &si, WEXITED | opt);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			*st = rc_status(&si);
			return si.si_pid != 0; /* WNOHANG: 0 while it runs */
		}
		if (errno != EINVAL) /* EINVAL: no P_PIDFD in this kernel */
			return -errno;
	}
	pid_t w;
	do
		w = waitpid(ch->pid, st, opt);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -errno : w == ch->pid;
}

/* Reap ch if it has exited (block: wait for it). True when reaped now. */
static bool rc_reap(rec_child_t *ch, bool block)
{
	int st = 0, r;

	if (ch->reaped)
		return false;
	r = rc_wait(ch, block, &st);
	if (r == -ECHILD)
		st = REC_CHILD_LOST_STATUS; /* reaped by another (SIGCHLD ignored) */
	else if (r <= 0)
		return false;
	ch->reaped = true;
	ch->status = st;
	if (ch->pidfd >= 0)
		close(ch->pidfd);
	ch->pidfd = -1;
	return true;
}

/* Tell the owner of entry i, reaped just now (a copy: the callback may
 * fork, which may move the entries). */
static void rc_tell(rec_children_t *c, size_t i)
{
	rec_child_t ch = c->v[i];

	if (ch.exited)
		ch.exited(ch.user, ch.pid, ch.status);
}

int rec_children_reap(rec_children_t *c)
{
	int n = 0;

	for (size_t i = 0; c && i < c->n; i++)
		if (rc_reap(&c->v[i], false)) {
			n++;
			rc_tell(c, i);
		}
	return n;
}

/* Reap entry i if it has exited (block: wait for it), telling its owner;
 * true once it is reaped (now or before), with *status (may be NULL). */
static bool rc_settle(rec_children_t *c, size_t i, bool block, int *status)
{
	if (rc_reap(&c->v[i], block))
		rc_tell(c, i);
	if (c->v[i].reaped && status)
		*status = c->v[i].status;
	return c->v[i].reaped;
}

bool rec_child_exited(rec_children_t *c, pid_t pid, int *status)
{
	rec_child_t *ch = rc_find(c, pid);

	return ch && rc_settle(c, (size_t)(ch - c->v), false, status);
}

int rec_child_wait(rec_children_t *c, pid_t pid, int timeout_ms, int *status)
{
	rec_child_t *ch = rc_find(c, pid);
	int64_t end = tc_clock_mono_ns() + (int64_t)timeout_ms * 1000000;

	if (!ch)
		return -ECHILD;
	size_t i = (size_t)(ch - c->v); /* an index: entries may move */
	if (timeout_ms < 0) {
		rc_settle(c, i, true, status);
		return 0;
	}
	while (!rc_settle(c, i, false, status)) {
		int64_t left = end - tc_clock_mono_ns();
		if (left <= 0)
			return -ETIMEDOUT;
		if (c->v[i].pidfd >= 0) { /* readable once it exited */
			struct pollfd p = { .fd = c->v[i].pidfd, .events = POLLIN };
			poll(&p, 1, (int)(left / 1000000) + 1);
		} else {
			struct timespec ts = { 0, REC_CHILD_NAP_NS };
			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

/* Send sig to ch, never to a pid that may be someone else's now. */
static int rc_signal(const rec_child_t *ch, int sig)
{
	if (!ch || ch->reaped || ch->gone)
		return -ESRCH;
	if (ch->pidfd >= 0)
		return pidfd_send_signal(ch->pidfd, sig, NULL, 0) < 0 ? -errno : 0;
	return kill(ch->pid, sig) < 0 ? -errno : 0; /* unreaped: still ours */
}

int rec_child_signal(rec_children_t *c, pid_t pid, int sig)
{
	return rc_signal(rc_find(c, pid), sig);
}

void rec_children_free(rec_children_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		rec_child_t *ch = &c->v[i];
		if (!ch->reaped) { /* owners are not told: they are gone */
			rc_signal(ch, SIGKILL);
			rc_reap(ch, true);
		}
	}
	free(c->v);
	free(c);
}
