/* strace_attach: run `strace -p PID` outside the pty for --strace-pid. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rec_child.h"
#include "strace_attach.h"
#include "tracecast/tc_clock.h"

#define POLL_STEP_NS 5000000L /* 5 ms between checks of a condition */
#define SETTLE_NS INT64_C(200000000) /* a detached tracee stops again within */

/* Read one "Key:\tvalue" line of /proc/PID/status into buf. */
static int proc_status_field(pid_t pid, const char *key, char *buf, size_t cap)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int rc = -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			const char *v = line + klen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			snprintf(buf, cap, "%s", v);
			buf[strcspn(buf, "\n")] = '\0';
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

char strace_attach_proc_state(pid_t pid)
{
	char v[64];
	if (proc_status_field(pid, "State", v, sizeof(v)) < 0)
		return 0;
	return v[0];
}

static pid_t proc_tracer(pid_t pid)
{
	char v[64];
	if (proc_status_field(pid, "TracerPid", v, sizeof(v)) < 0)
		return -1;
	return (pid_t)atoi(v);
}

static void nap(void)
{
	struct timespec ts = { 0, POLL_STEP_NS };
	nanosleep(&ts, NULL);
}

/* The target's state once it settled after its tracer left: a tracee in
 * a group stop is woken by the detach and stops again (R for a moment,
 * then T), so R is looked at again for up to SETTLE_NS. Sleeping (S, D)
 * means it was resumed: a pending stop passes through T first. */
static char attach_settled_state(pid_t target)
{
	int64_t end = tc_clock_mono_ns() + SETTLE_NS;
	char st;

	while ((st = strace_attach_proc_state(target)) == 'R' && tc_clock_mono_ns() < end)
		nap();
	return st;
}

int strace_attach_init(strace_attach_t *a, const char *strace_path, pid_t target,
		       const char *fifo, const strv_t *extra)
{
	char pidbuf[24];
	int rc = 0;
	memset(a, 0, sizeof(*a));
	a->target_fd = a->err_fd = -1;
	strv_init(&a->argv);
	a->target = target;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)target);
	const char *fixed[] = { strace_path, "-p", pidbuf, "-f", "-qq",
				"--absolute-timestamps=unix,ns", "--syscall-times=ns",
				"-o", fifo };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && rc == 0; i++)
		rc = strv_push(&a->argv, fixed[i]);
	for (size_t i = 0; extra && i < extra->n && rc == 0; i++)
		if (strcmp(extra->v[i], "--seccomp-bpf") != 0) /* not with -p */
			rc = strv_push(&a->argv, extra->v[i]);
	if (rc < 0)
		strv_cleanup(&a->argv);
	return rc;
}

/* One line of the tracer's stderr as a note (empty lines dropped). */
static void attach_note_line(strace_attach_t *a, const char *line, size_t len)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len)
		rec_note(a->notes, "tracecast: --strace-pid %d: %.*s", (int)a->target,
			 (int)len, line);
}

void strace_attach_read_err(strace_attach_t *a)
{
	char buf[4096];
	ssize_t n;

	while (a->err_fd >= 0 && (n = read(a->err_fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || a->err_len == sizeof a->err) {
				attach_note_line(a, a->err, a->err_len);
				a->err_len = 0;
				if (buf[i] == '\n')
					continue;
			}
			a->err[a->err_len++] = buf[i];
		}
	}
	/* EOF (the tracer and all it started are gone) or an error */
	if (a->err_fd >= 0) {
		close(a->err_fd);
		a->err_fd = -1;
	}
	attach_note_line(a, a->err, a->err_len);
	a->err_len = 0;
}

/* In the forked child: a clean process to exec strace in. err_w: the
 * write end of the stderr pipe (or -1: keep ours). */
static void attach_child(const strace_attach_t *a, int err_w)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setpgid(0, 0); /* the terminal's ^C is not ours to get */
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	if (err_w >= 0)
		dup2(err_w, 2); /* never the terminal, which may be raw */
	close_range(3, ~0U, 0); /* the recorder's files are not strace's */
	execv(a->argv.v[0], a->argv.v);
	dprintf(2, "tracecast: cannot run %s: %s\n", a->argv.v[0], strerror(errno));
	_exit(127);
}

int strace_attach_start(strace_attach_t *a, int timeout_ms)
{
	if (a->target_fd < 0)
		a->target_fd = pidfd_open(a->target, 0);
	if (a->target_fd < 0 && errno == ESRCH) {
		rec_note(a->notes, "tracecast: --strace-pid %d: no such process", (int)a->target);
		return -ESRCH;
	}
	a->target_was_stopped = strace_attach_proc_state(a->target) == 'T';
	int ep[2] = { -1, -1 };
	if (a->err_fd < 0 && pipe2(ep, O_CLOEXEC) == 0) {
		a->err_fd = ep[0];
		fcntl(a->err_fd, F_SETFL, O_NONBLOCK);
	}
	pid_t pid = rec_child_fork(a->children, NULL, NULL);
	if (pid < 0) {
		if (ep[1] >= 0)
			close(ep[1]);
		return pid;
	}
	if (pid == 0)
		attach_child(a, ep[1]);
	if (ep[1] >= 0)
		close(ep[1]);
	a->tracer = pid;
	int64_t end = tc_clock_mono_ns() + (int64_t)timeout_ms * 1000000;
	for (;;) {
		if (rec_child_exited(a->children, pid, NULL)) {
			a->tracer = 0;
			strace_attach_read_err(a); /* strace's own words first */
			rec_note(a->notes, "tracecast: --strace-pid %d: strace could not attach "
				 "(ptrace may be refused: root's processes, "
				 "kernel.yama.ptrace_scope, another tracer, or a container "
				 "without CAP_SYS_PTRACE)", (int)a->target);
			return -EPERM;
		}
		if (proc_tracer(a->target) == pid)
			return 0;
		if (tc_clock_mono_ns() > end) {
			rec_note(a->notes, "tracecast: --strace-pid %d: strace did not attach "
				 "within %d ms", (int)a->target, timeout_ms);
			strace_attach_stop(a, 1000);
			return -ETIMEDOUT;
		}
		nap();
	}
}

void strace_attach_stop(strace_attach_t *a, int timeout_ms)
{
	if (a->tracer <= 0)
		return;
	pid_t pid = a->tracer;
	a->tracer = 0;
	rec_child_signal(a->children, pid, SIGINT); /* -ESRCH: reaped already */
	if (rec_child_wait(a->children, pid, timeout_ms, NULL) == -ETIMEDOUT) {
		/* the kernel detaches the tracees of a dead tracer */
		rec_child_signal(a->children, pid, SIGKILL);
		rec_child_wait(a->children, pid, -1, NULL);
	}
	/* what it said on its way out (--tips, a detach error); a pipe still
	 * held by something it started is read as far as it goes */
	strace_attach_read_err(a);
	/* /proc/PID is read only while the pidfd says the target is alive
	 * (the pid was not reused), and the signal goes through the pidfd. */
	if (a->target_fd < 0 || pidfd_send_signal(a->target_fd, 0, NULL, 0) < 0)
		return;
	char st = attach_settled_state(a->target);
	if ((st == 't' || st == 'T') && !a->target_was_stopped &&
	    pidfd_send_signal(a->target_fd, SIGCONT, NULL, 0) == 0)
		rec_note(a->notes, "tracecast: --strace-pid %d was left stopped; sent SIGCONT",
			 (int)a->target);
}

void strace_attach_cleanup(strace_attach_t *a)
{
	strace_attach_stop(a, 3000);
	if (a->target_fd >= 0)
		close(a->target_fd);
	a->target_fd = -1;
	if (a->err_fd >= 0)
		close(a->err_fd);
	a->err_fd = -1;
	strv_cleanup(&a->argv);
}
