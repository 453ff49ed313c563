/* Unit tests of the /proc sampler on real forked process trees. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "recorder/proc_sampler.h"
#include "tracecast/tc_clock.h"

/* Children to kill whatever happens (teardown). */
static pid_t kids[8];
static size_t nkids;

static int kill_kids(void **state)
{
	(void)state;
	for (size_t i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	nkids = 0;
	/* we are a subreaper (main): the orphaned grandchildren are ours to reap */
	int st;
	while (waitpid(-1, &st, 0) > 0)
		;
	return 0;
}

/* A child that forks a grandchild; both wait for SIGTERM. The child writes
 * the grandchild's pid on the pipe once it exists. */
static pid_t spawn_tree(pid_t *grandchild, const char *child_name)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		close(p[0]);
		if (child_name)
			prctl(PR_SET_NAME, child_name, 0, 0, 0);
		pid_t g = fork();
		if (g == 0) {
			prctl(PR_SET_NAME, "tc-grandchild", 0, 0, 0);
			for (;;)
				pause();
		}
		if (write(p[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		close(p[1]);
		int st;
		waitpid(g, &st, 0);
		for (;;)
			pause();
	}
	close(p[1]);
	kids[nkids++] = c;
	assert_int_equal(read(p[0], grandchild, sizeof(*grandchild)), sizeof(*grandchild));
	kids[nkids++] = *grandchild;
	close(p[0]);
	/* until the grandchild has named itself it still carries the child's
	 * name ("strace": the sampler rightly hides strace's child before its
	 * exec): wait for the name, bounded, as a loaded machine may not have
	 * run it yet */
	char path[64], comm[32] = "";
	snprintf(path, sizeof path, "/proc/%d/comm", (int)*grandchild);
	for (int i = 0; i < 10000 && strcmp(comm, "tc-grandchild\n") != 0; i++) {
		FILE *f = fopen(path, "r");
		comm[0] = '\0';
		if (f) {
			if (!fgets(comm, sizeof comm, f))
				comm[0] = '\0';
			fclose(f);
		}
		if (strcmp(comm, "tc-grandchild\n") != 0)
			usleep(1000);
	}
	assert_string_equal(comm, "tc-grandchild\n");
	return c;
}

/* Take a sample and return the procs entry of pid (NULL if absent);
 * *root_json receives the parsed event (caller decrefs). */
static json_t *sample_find(proc_sampler_t *ps, pid_t pid, json_t **root_json, int *count)
{
	const char *txt;
	size_t len;
	int n = proc_sampler_sample(ps, tc_clock_mono_ns(), &txt, &len);
	assert_true(n >= 0);
	*count = n;
	*root_json = NULL;
	if (n == 0)
		return NULL;
	json_error_t err;
	json_t *j = json_loadb(txt, len, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "src")), "proc");
	json_t *procs = json_object_get(j, "procs");
	assert_true(json_is_array(procs));
	assert_int_equal(json_array_size(procs), (size_t)n);
	*root_json = j;
	size_t i;
	json_t *p;
	json_array_foreach(procs, i, p) {
		if (json_integer_value(json_object_get(p, "pid")) == pid)
			return p;
	}
	return NULL;
}

static void test_tree_and_vanish(void **state)
{
	(void)state;
	pid_t g;
	pid_t c = spawn_tree(&g, "tc-child");
	proc_sampler_t *ps;
	assert_int_equal(proc_sampler_new(&ps), 0);
	proc_sampler_set_root(ps, c);
	json_t *j;
	int n;
	json_t *pc = sample_find(ps, c, &j, &n);
	assert_non_null(pc);
	assert_int_equal(n, 2);
	assert_string_equal(json_string_value(json_object_get(pc, "comm")), "tc-child");
	assert_int_equal(json_integer_value(json_object_get(pc, "ppid")), getpid());
	assert_true(json_integer_value(json_object_get(pc, "rss_kb")) > 0);
	assert_int_equal(json_integer_value(json_object_get(pc, "threads")), 1);
	assert_true(json_is_real(json_object_get(pc, "cpu")));
	assert_non_null(json_object_get(pc, "read_kb"));
	assert_non_null(json_object_get(pc, "write_kb"));
	assert_non_null(json_object_get(pc, "wchan"));
	json_decref(j);
	json_t *pg = sample_find(ps, g, &j, &n);
	assert_non_null(pg);
	assert_int_equal(json_integer_value(json_object_get(pg, "ppid")), c);
	json_decref(j);

	/* the grandchild dies and is reaped: it leaves the next sample quietly */
	kill(g, SIGKILL);
	for (int i = 0; i < 2000; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d", (int)g);
		if (access(path, F_OK) != 0)
			break;
		usleep(1000);
	}
	pg = sample_find(ps, g, &j, &n);
	assert_null(pg);
	assert_int_equal(n, 1);
	json_decref(j);

	/* the root dies: an empty tree gives 0 and no text */
	kill(c, SIGKILL);
	int st;
	waitpid(c, &st, 0);
	const char *txt;
	size_t len;
	assert_int_equal(proc_sampler_sample(ps, tc_clock_mono_ns(), &txt, &len), 0);
	assert_null(txt);
	proc_sampler_free(ps);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Processes and threads created after the first sample: found by probing
 * the new pids (not by listing /proc); a thread is not a process. */
static void test_late_fork_and_thread(void **state)
{
	(void)state;
	int go[2], back[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(back), 0);
	pid_t c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		char b;
		if (read(go[0], &b, 1) != 1)
			_exit(1);
		pid_t g = fork();
		if (g == 0) {
			/* a thread in a process whose parent is in the tree: its
			 * /proc/TID/stat names c as parent too */
			pthread_t th;
			pthread_create(&th, NULL, sleeper, NULL);
			g = getpid();
			if (write(back[1], &g, sizeof(g)) != sizeof(g))
				_exit(1);
			for (;;)
				pause();
		}
		for (;;)
			pause();
	}
	kids[nkids++] = c;
	proc_sampler_t *ps;
	assert_int_equal(proc_sampler_new(&ps), 0);
	proc_sampler_set_root(ps, c);
	json_t *j;
	int n;
	assert_non_null(sample_find(ps, c, &j, &n));
	assert_int_equal(n, 1);
	json_decref(j);
	assert_int_equal(write(go[1], "g", 1), 1);
	pid_t g;
	assert_int_equal(read(back[0], &g, sizeof(g)), sizeof(g));
	kids[nkids++] = g;
	json_t *pg = sample_find(ps, g, &j, &n);
	assert_non_null(pg);
	assert_int_equal(json_integer_value(json_object_get(pg, "ppid")), c);
	assert_int_equal(n, 2); /* the thread is not listed as a process */
	assert_int_equal(json_integer_value(json_object_get(pg, "threads")), 2);
	json_decref(j);
	close(go[0]);
	close(go[1]);
	close(back[0]);
	close(back[1]);
	proc_sampler_free(ps);
}

/* A root named strace is left out; its descendants are shown. */
static void test_strace_root_hidden(void **state)
{
	(void)state;
	pid_t g;
	pid_t c = spawn_tree(&g, "strace");
	proc_sampler_t *ps;
	assert_int_equal(proc_sampler_new(&ps), 0);
	proc_sampler_set_root(ps, c);
	json_t *j;
	int n;
	assert_null(sample_find(ps, c, &j, &n));
	json_decref(j);
	assert_non_null(sample_find(ps, g, &j, &n));
	assert_int_equal(n, 1);
	json_decref(j);
	kill(c, SIGKILL);
	kill(g, SIGKILL);
	int st;
	waitpid(c, &st, 0);
	proc_sampler_free(ps);
}

/* The source: deadline before start is "never", then due at once; a bad
 * rate is refused; the header gets proc_hz. */
static void test_source_schedule(void **state)
{
	(void)state;
	rec_source_t src;
	assert_int_equal(proc_sampler_source_new(&src, 0), -EINVAL);
	assert_int_equal(proc_sampler_source_new(&src, 20), 0);
	assert_string_equal(src.name, "proc");
	assert_int_equal(src.deadline(src.self), INT64_MAX);
	rec_spawn_t sp = { .sources = json_object() };
	assert_int_equal(src.prepare(src.self, &sp), 0);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(sp.sources, "profile"), "proc_hz")), 20);
	json_decref(sp.sources);
	src.started(src.self, getpid(), 1000);
	assert_int_equal(src.deadline(src.self), 1000);
	src.free(src.self);
	src.free(NULL);
}

int main(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tree_and_vanish, kill_kids),
		cmocka_unit_test_teardown(test_strace_root_hidden, kill_kids),
		cmocka_unit_test_teardown(test_late_fork_and_thread, kill_kids),
		cmocka_unit_test(test_source_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
