/* Unit tests of the recorder's session loop (recorder/rec_session.c),
 * driven through its callbacks with pipes as the user's terminal. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "recorder/rec_child.h"
#include "recorder/rec_session.h"
#include "recorder/rec_source.h"

typedef struct seen {
	char out[8192];
	size_t out_len;
	char in[256];
	size_t in_len;
	int markers;
	int pauses;              /* pause callbacks */
	bool paused;             /* the last one's state */
	int status;
	int ticks;
	int64_t next_tick;
} seen_t;

static void on_output(void *user, int64_t t, const char *buf, size_t len)
{
	seen_t *s = user;

	(void)t;
	if (s->out_len + len < sizeof s->out) {
		memcpy(s->out + s->out_len, buf, len);
		s->out_len += len;
		s->out[s->out_len] = '\0';
	}
}

static void on_input(void *user, int64_t t, const char *buf, size_t len)
{
	seen_t *s = user;

	(void)t;
	assert_true(s->in_len + len < sizeof s->in);
	memcpy(s->in + s->in_len, buf, len);
	s->in_len += len;
}

static void on_marker(void *user, int64_t t)
{
	(void)t;
	((seen_t *)user)->markers++;
}

static void on_pause(void *user, int64_t t, bool paused)
{
	seen_t *s = user;

	(void)t;
	assert_true(paused != s->paused); /* toggles */
	s->pauses++;
	s->paused = paused;
}

static int64_t on_deadline(void *user)
{
	return ((seen_t *)user)->next_tick;
}

static void on_tick(void *user, int64_t now)
{
	seen_t *s = user;

	s->ticks++;
	s->next_tick = now + 20 * 1000000;
}

/* Run `sh -c script` in a session whose input is a pipe preloaded with
 * `input`; headless or with the prefix key 0x1c. */
static int run(seen_t *s, const char *script, const char *input, size_t in_len,
	       bool headless, int *relay_fd_out)
{
	struct termios raw;
	int in[2], out[2];
	rec_session_t *sess;
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)script, NULL };
	char *envp[] = { (char *)"PATH=/usr/bin:/bin", NULL };
	rec_session_cbs_t cbs = {
		.output = on_output, .input = on_input, .marker = on_marker,
		.pause = on_pause, .deadline = on_deadline, .tick = on_tick,
	};
	int ret;

	memset(s, 0, sizeof *s);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(write(in[1], input, in_len), (ssize_t)in_len);
	close(in[1]);
	rec_session_opts_t o = {
		.in_fd = in[0], .out_fd = out[1], .tty_fd = -1, .headless = headless,
		.prefix_key = 0x1c, .cols = 100, .rows = 30,
	};
	/* With the prefix key the pty starts raw: ^\ must be data, not SIGQUIT,
	 * whenever the command starts reading. */
	if (!headless) {
		memset(&raw, 0, sizeof raw);
		cfmakeraw(&raw);
		raw.c_cc[VMIN] = 1;
		o.slave_termios = &raw;
	}
	assert_int_equal(rec_session_new(&sess, &o, &cbs, s), 0);
	ret = rec_session_spawn(sess, argv, envp);
	if (ret < 0) {
		rec_session_free(sess);
		return ret;
	}
	assert_int_equal(rec_session_run(sess), 0);
	s->status = rec_session_status(sess);
	rec_session_free(sess);
	close(in[0]);
	close(out[1]);
	*relay_fd_out = out[0];
	return 0;
}

/* Output is relayed and reported; the size is the one asked; EOT ends. */
static void test_headless(void **state)
{
	seen_t s;
	char relay[8192];
	int rfd;

	(void)state;
	if (run(&s, "stty size; cat; echo end", "abc\n", 4, true, &rfd) < 0)
		skip();
	ssize_t n = read(rfd, relay, sizeof relay - 1);
	close(rfd);
	assert_true(n > 0);
	relay[n] = '\0';
	assert_non_null(strstr(s.out, "30 100\r\n"));
	assert_non_null(strstr(s.out, "abc\r\n"));
	assert_non_null(strstr(s.out, "end\r\n"));
	assert_string_equal(relay, s.out); /* relayed byte for byte */
	assert_int_equal(s.in_len, 5);
	assert_memory_equal(s.in, "abc\n\x04", 5);
	assert_true(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 0);
	assert_true(s.ticks >= 1);
}

/* The prefix key: then m = marker, twice = the prefix, then x = both. */
static void test_prefix(void **state)
{
	seen_t s;
	int rfd;
	const char in[] = "a\x1cmb\x1c\x1c" "c\x1cxd\n";

	(void)state;
	if (run(&s, "head -c 7 | od -An -c", in, sizeof in - 1, false, &rfd) < 0)
		skip();
	close(rfd);
	assert_int_equal(s.markers, 1);
	assert_int_equal(s.in_len, 8);
	assert_memory_equal(s.in, "ab\x1c" "c\x1cxd\n", 8);
	assert_non_null(strstr(s.out, "a   b 034   c 034   x   d"));
}

/* Exit status and a signal death; the last output before exit is kept. */
/* The pause key: prefix then p pauses, again resumes; the prefix alone
 * (nothing after it for REC_SESSION_PREFIX_MS) pauses too, as asciinema's
 * Ctrl-\\; none of it reaches the command. */
static void test_pause(void **state)
{
	seen_t s;
	int rfd;
	const char in[] = "a\x1cpb\x1cpc\x1c";

	(void)state;
	if (run(&s, "head -c 3 | od -An -c; sleep 1.5", in, sizeof in - 1, false, &rfd) < 0)
		skip();
	close(rfd);
	assert_int_equal(s.markers, 0);
	assert_int_equal(s.pauses, 3);
	assert_true(s.paused);
	assert_int_equal(s.in_len, 3);
	assert_memory_equal(s.in, "abc", 3);
	assert_non_null(strstr(s.out, "a   b   c"));
}

static void test_status(void **state)
{
	seen_t s;
	int rfd;

	(void)state;
	if (run(&s, "printf last; exit 3", "", 0, true, &rfd) < 0)
		skip();
	close(rfd);
	assert_int_equal(rec_session_exit_code(s.status), 3);
	assert_non_null(strstr(s.out, "last"));
	if (run(&s, "kill -TERM $$", "", 0, true, &rfd) < 0)
		skip();
	close(rfd);
	assert_int_equal(rec_session_exit_code(s.status), 143);
}

/* What a source heard of the command. */
typedef struct src_seen {
	pid_t pid;
	int exited;
	int status;
} src_seen_t;

static void src_started(void *self, pid_t pid, int64_t t)
{
	(void)t;
	((src_seen_t *)self)->pid = pid;
}

static void src_child_exited(void *self, int status, int64_t t)
{
	src_seen_t *ss = self;

	(void)t;
	ss->exited++;
	ss->status = status;
}

static void other_exited(void *user, pid_t pid, int status)
{
	src_seen_t *o = user;

	o->pid = pid;
	o->exited++;
	o->status = status;
}

/* One reaper for the recorder's children: another child in the set (as a
 * --strace-pid tracer is) is reaped by the session's SIGCHLD while the
 * command runs, and its owner told once; the sources hear of the command
 * only. A session freed while its command runs kills and reaps it without
 * telling the sources (they may be gone). */
static void test_children(void **state)
{
	rec_children_t *kids;
	rec_session_t *sess;
	src_seen_t ss = { 0 }, other = { 0 };
	rec_source_t src = { .name = "t", .self = &ss, .started = src_started,
			     .child_exited = src_child_exited };
	char *envp[] = { (char *)"PATH=/usr/bin:/bin", NULL };
	char script[256];
	int st;

	(void)state;
	assert_int_equal(rec_children_new(&kids), 0);
	rec_session_opts_t o = {
		.in_fd = -1, .out_fd = -1, .tty_fd = -1, .headless = true,
		.sources = &src, .n_sources = 1, .children = kids,
	};
	assert_int_equal(rec_session_new(&sess, &o, NULL, NULL), 0);
	pid_t tracer = rec_child_fork(kids, other_exited, &other);
	assert_true(tracer >= 0);
	if (tracer == 0)
		_exit(4);
	/* exit 0 once the tracer is reaped (kill -0 finds a zombie), 1 if it
	 * is still there after 30 s or more */
	snprintf(script, sizeof script, "for i in $(seq 3000); do kill -0 %d 2>/dev/null "
		 "|| exit 0; sleep 0.01; done; exit 1", (int)tracer);
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", script, NULL };
	if (rec_session_spawn(sess, argv, envp) < 0) {
		rec_session_free(sess);
		rec_children_free(kids);
		skip();
	}
	assert_int_equal(rec_session_run(sess), 0);
	assert_int_equal(rec_session_exit_code(rec_session_status(sess)), 0);
	rec_session_free(sess);
	assert_int_equal(other.exited, 1);
	assert_int_equal(other.pid, tracer);
	assert_true(WIFEXITED(other.status) && WEXITSTATUS(other.status) == 4);
	assert_int_equal(ss.exited, 1);
	assert_true(WIFEXITED(ss.status) && WEXITSTATUS(ss.status) == 0);

	/* freed while the command runs */
	memset(&ss, 0, sizeof ss);
	assert_int_equal(rec_session_new(&sess, &o, NULL, NULL), 0);
	char *sleeper[] = { (char *)"/bin/sleep", (char *)"600", NULL };
	assert_int_equal(rec_session_spawn(sess, sleeper, envp), 0);
	assert_true(ss.pid > 0);
	rec_session_free(sess);
	assert_int_equal(ss.exited, 0);
	assert_int_equal(waitpid(ss.pid, &st, WNOHANG), -1); /* reaped already */
	assert_int_equal(errno, ECHILD);
	rec_children_free(kids);
}

int main(void)
{
	alarm(60); /* never hang a test run: SIGALRM ends it as a failure */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headless),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_children),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
