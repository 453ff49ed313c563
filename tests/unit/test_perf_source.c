/* Unit test of the perf source on a forked child spinning in a known
 * function (skipped where perf_event_open is refused). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "recorder/perf_source.h"
#include "tracecast/tc_clock.h"

static int64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Spin until the process has used `cpu` ns of CPU (perf's cpu-clock samples
 * follow CPU time, not wall time: on a loaded machine a wall-clock spin gets
 * a fraction of a core and few samples), or until the wall-clock `until_ns`
 * (only a guard against hanging). */
__attribute__((noinline)) unsigned long tc_perf_spin(int64_t cpu, int64_t until_ns);
__attribute__((noinline)) unsigned long tc_perf_spin(int64_t cpu, int64_t until_ns)
{
	volatile unsigned long x = 0;
	int64_t end = cpu_ns() + cpu;
	while (cpu_ns() < end && tc_clock_mono_ns() < until_ns)
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
	return x;
}

typedef struct collect {
	size_t n, in_spin, lost;
	pid_t pid;
	int64_t last_ns;
} collect_t;

static void on_emit(void *user, int64_t mono_ns, const char *code, const char *data, size_t len)
{
	collect_t *c = user;
	assert_string_equal(code, "p");
	json_error_t err;
	json_t *j = json_loadb(data, len, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "src")), "perf");
	if (json_object_get(j, "lost")) {
		c->lost += (size_t)json_integer_value(json_object_get(j, "lost"));
	} else {
		const char *stack = json_string_value(json_object_get(j, "stack"));
		assert_non_null(stack);
		assert_int_equal(json_integer_value(json_object_get(j, "pid")), c->pid);
		c->n++;
		const char *leaf = strrchr(stack, ';');
		leaf = leaf ? leaf + 1 : stack;
		if (strcmp(leaf, "tc_perf_spin") == 0)
			c->in_spin++;
		c->last_ns = mono_ns;
	}
	json_decref(j);
}

static void test_spin_sampled(void **state)
{
	(void)state;
	int pr = perf_source_probe();
	if (pr < 0) {
		fprintf(stderr, "perf_event_open refused here (%s): skipped\n", strerror(-pr));
		skip();
	}
	rec_source_t src;
	assert_int_equal(perf_source_new(&src, 199, NULL), 0);
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		char b;
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(1);
		tc_perf_spin(600000000, tc_clock_mono_ns() + INT64_C(60000000000));
		_exit(0);
	}
	close(go[0]);
	collect_t col = { .pid = c };
	rec_emit_t out = { on_emit, &col };
	src.started(src.self, c, tc_clock_mono_ns());
	assert_true(src.deadline(src.self) < INT64_MAX);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	int st;
	for (;;) {
		pid_t w = waitpid(c, &st, WNOHANG);
		int64_t now = tc_clock_mono_ns();
		int64_t d = src.deadline(src.self);
		if (d > now)
			usleep((useconds_t)((d - now) / 1000));
		src.tick(src.self, tc_clock_mono_ns(), &out);
		if (w == c)
			break;
	}
	src.finish(src.self, tc_clock_mono_ns(), &out);
	src.free(src.self);
	fprintf(stderr, "perf: %zu samples, %zu in tc_perf_spin, %zu lost\n", col.n, col.in_spin, col.lost);
	assert_true(col.n >= 10);
	assert_true(col.in_spin * 2 >= col.n);
}

static void test_bad_rate(void **state)
{
	(void)state;
	rec_source_t src;
	assert_int_equal(perf_source_new(&src, 0, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spin_sampled),
		cmocka_unit_test(test_bad_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
