/* Unit tests of the recorder's one reaper (recorder/rec_child.c), with
 * real child processes. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "recorder/rec_child.h"

typedef struct told {
	int n;                   /* callbacks */
	pid_t pid[16];
	int status[16];
	rec_children_t *c;       /* fork_more: fork from the callback */
	int fork_more;
	pid_t more[4];           /* what the callback forked */
	int n_more;
} told_t;

static void on_exit_told(void *user, pid_t pid, int status)
{
	told_t *t = user;

	assert_true(t->n < 16);
	t->pid[t->n] = pid;
	t->status[t->n++] = status;
	while (t->fork_more > 0) { /* entries may move under the reaper */
		t->fork_more--;
		pid_t p = rec_child_fork(t->c, on_exit_told, t);
		assert_true(p >= 0);
		if (p == 0)
			_exit(9);
		t->more[t->n_more++] = p;
	}
}

/* Block until pid has exited, without reaping it (WNOWAIT). */
static void wait_exit_unreaped(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		assert_int_equal(errno, EINTR);
}

/* A child that exits with code at once (in the child: never returns). */
static pid_t fork_exit(rec_children_t *c, told_t *t, int code)
{
	pid_t pid = rec_child_fork(c, on_exit_told, t);

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(code);
	return pid;
}

/* A child that waits for a signal. */
static pid_t fork_pause(rec_children_t *c, told_t *t)
{
	pid_t pid = rec_child_fork(c, on_exit_told, t);

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* SIGCHLD ignored (as when started so): the kernel reaps behind our
 * back; the child counts as exited with REC_CHILD_LOST_STATUS, its owner
 * told once, whether we wait for it or find it on a reap. */
static void test_lost_status(void **state)
{
	rec_children_t *c;
	told_t t = { 0 };
	int st = -1;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;

	(void)state;
	assert_int_equal(rec_children_new(&c), 0);
	sigaction(SIGCHLD, &ign, &old);
	/* waited for: the wait ends with ECHILD once the kernel reaped it */
	pid_t a = fork_exit(c, &t, 3);
	assert_int_equal(rec_child_wait(c, a, -1, &st), 0);
	assert_int_equal(st, REC_CHILD_LOST_STATUS);
	/* found gone by a reap: wait (pidfd poll) without reaping ourselves */
	pid_t b = fork_pause(c, &t);
	assert_int_equal(rec_child_signal(c, b, SIGTERM), 0);
	assert_int_equal(rec_child_wait(c, b, 60000, &st), 0);
	assert_int_equal(st, REC_CHILD_LOST_STATUS);
	assert_int_equal(rec_children_reap(c), 0); /* told already */
	sigaction(SIGCHLD, &old, NULL);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.pid[0], a);
	assert_int_equal(t.pid[1], b);
	assert_int_equal(t.status[0], REC_CHILD_LOST_STATUS);
	assert_int_equal(t.status[1], REC_CHILD_LOST_STATUS);
	assert_int_equal(WEXITSTATUS(REC_CHILD_LOST_STATUS), 255);
	assert_true(rec_child_exited(c, a, &st));
	assert_int_equal(t.n, 2);
	rec_children_free(c);
}

/* A child of someone else in the process is left to its owner: the
 * reaper waits by pidfd or pid, never waitpid(-1). */
static void test_others_child(void **state)
{
	rec_children_t *c;
	told_t t = { 0 };
	int st = -1;

	(void)state;
	assert_int_equal(rec_children_new(&c), 0);
	pid_t other = fork();
	assert_true(other >= 0);
	if (other == 0)
		_exit(7);
	pid_t held = fork_exit(c, &t, 5);
	wait_exit_unreaped(other);
	wait_exit_unreaped(held);
	assert_int_equal(rec_children_reap(c), 1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.pid[0], held);
	assert_true(WIFEXITED(t.status[0]));
	assert_int_equal(WEXITSTATUS(t.status[0]), 5);
	assert_int_equal(rec_children_reap(c), 0);
	assert_false(rec_child_exited(c, other, NULL)); /* not ours */
	assert_int_equal(rec_child_wait(c, other, -1, NULL), -ECHILD);
	rec_children_free(c);
	/* still there for its owner, with its status */
	assert_int_equal(waitpid(other, &st, 0), other);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 7);
}

/* Signals go to a held child until it is reaped, then -ESRCH: a reused
 * pid is never signalled. A timed-out wait leaves the child running; free
 * kills and reaps it. */
static void test_signal_after_reap(void **state)
{
	rec_children_t *c;
	told_t t = { 0 };
	int st = -1;

	(void)state;
	assert_int_equal(rec_children_new(&c), 0);
	pid_t a = fork_pause(c, &t);
	assert_int_equal(rec_child_wait(c, a, 1, &st), -ETIMEDOUT);
	assert_false(rec_child_exited(c, a, NULL));
	assert_int_equal(rec_child_signal(c, a, 0), 0);
	assert_int_equal(rec_child_signal(c, a, SIGTERM), 0);
	assert_int_equal(rec_child_wait(c, a, -1, &st), 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_int_equal(rec_child_signal(c, a, SIGTERM), -ESRCH);
	assert_int_equal(rec_child_signal(c, a, 0), -ESRCH);
	assert_int_equal(rec_child_signal(c, getpid(), 0), -ESRCH); /* not held */
	assert_int_equal(t.n, 1);
	/* free: SIGKILL and reap what is left, owners not told */
	pid_t b = fork_pause(c, &t);
	rec_children_free(c);
	assert_int_equal(t.n, 1);
	assert_int_equal(waitpid(b, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Every child reaped once and its owner told once, also when the
 * callback forks (the entries grow and move under the reap). */
static void test_reap_each_once(void **state)
{
	rec_children_t *c;
	told_t t = { 0 };
	pid_t pid[8];

	(void)state;
	assert_int_equal(rec_children_new(&c), 0);
	t.c = c;
	for (int i = 0; i < 8; i++)
		pid[i] = fork_exit(c, &t, i);
	for (int i = 0; i < 8; i++)
		wait_exit_unreaped(pid[i]);
	t.fork_more = 3;
	assert_true(rec_children_reap(c) >= 8);
	for (int i = 0; i < 8; i++) {
		int st = -1;
		assert_true(rec_child_exited(c, pid[i], &st));
		assert_int_equal(WEXITSTATUS(st), i);
	}
	assert_int_equal(t.n_more, 3);
	for (int i = 0; i < 3; i++) { /* the callback's children */
		int st = -1;
		assert_int_equal(rec_child_wait(c, t.more[i], -1, &st), 0);
		assert_int_equal(WEXITSTATUS(st), 9);
	}
	assert_int_equal(rec_children_reap(c), 0);
	rec_children_free(c);
	assert_int_equal(t.n, 8 + 3); /* each told once */
	for (int i = 0; i < t.n; i++)
		for (int k = 0; k < i; k++)
			assert_int_not_equal(t.pid[i], t.pid[k]);
}

int main(void)
{
	alarm(60); /* never hang a test run: SIGALRM ends it as a failure */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_status),
		cmocka_unit_test(test_others_child),
		cmocka_unit_test(test_signal_after_reap),
		cmocka_unit_test(test_reap_each_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
