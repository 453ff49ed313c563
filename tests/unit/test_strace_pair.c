/* Unit tests for strace_pair (unfinished/resumed pairing per thread, no
 * distance limit) and its use by timeline_load (issue 12, point 2: a
 * 6.3 s poll resumed 30,691 lines later stayed "in flight" for ever). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "player/strace_pair.h"
#include "player/timeline.h"

static void test_basic(void **state)
{
	strace_pair_t *p;

	(void)state;
	assert_int_equal(strace_pair_new(&p), 0);
	assert_int_equal(strace_pair_resumed(p, 0, 7, "poll", 4), -1); /* orphan */
	assert_int_equal(strace_pair_unfinished(p, 0, 7, "poll", 4, 3), 0);
	assert_int_equal(strace_pair_unfinished(p, 0, 8, "read", 4, 4), 0);
	assert_int_equal(strace_pair_pending(p), 2);
	assert_int_equal(strace_pair_resumed(p, 0, 8, "poll", 4), -1); /* other name */
	assert_int_equal(strace_pair_resumed(p, 9, 7, "poll", 4), -1); /* other tracer */
	assert_int_equal(strace_pair_resumed(p, 0, 7, "poll", 4), 3);
	assert_int_equal(strace_pair_resumed(p, 0, 7, "poll", 4), -1); /* taken */
	assert_int_equal(strace_pair_pending(p), 1);
	/* a newer unfinished half of a thread replaces its older one */
	assert_int_equal(strace_pair_unfinished(p, 0, 8, "futex", 5, 10), 0);
	assert_int_equal(strace_pair_resumed(p, 0, 8, "read", 4), -1);
	assert_int_equal(strace_pair_resumed(p, 0, 8, "futex", 5), 10);
	assert_int_equal(strace_pair_unfinished(p, 0, 5, "wait4", 5, 11), 0);
	strace_pair_forget(p, 0, 5);
	assert_int_equal(strace_pair_pending(p), 0);
	strace_pair_free(p);
	strace_pair_free(NULL);
}

/* Many threads come and go (growth, deletion by backward shift): every
 * resumed half finds its own unfinished half, and nothing stays. */
static void test_many_threads(void **state)
{
	strace_pair_t *p;
	enum { N = 5000 };

	(void)state;
	assert_int_equal(strace_pair_new(&p), 0);
	for (long round = 0; round < 4; round++) {
		for (long t = 1; t <= N; t++)
			assert_int_equal(strace_pair_unfinished(p, t % 3, t * 7 + round, "epoll_wait",
								10, round * N + t), 0);
		assert_int_equal(strace_pair_pending(p), N);
		/* resumed in another order than started */
		for (long k = 0; k < N; k++) {
			long t = 1 + (k * 2473) % N;
			assert_int_equal(strace_pair_resumed(p, t % 3, t * 7 + round, "epoll_wait", 10),
					 round * N + t);
		}
		assert_int_equal(strace_pair_pending(p), 0);
	}
	strace_pair_free(p);
}

/* The case through timeline_load: a 6 s poll of tid 100 resumed
 * 30,000 lines of another thread later pairs, both ways; its resumed half
 * is no orphan, and the unfinished half is not left in flight. */
static void test_timeline_far_pair(void **state)
{
	char path[] = "/tmp/tc-test-pair.XXXXXX";
	int fd = mkstemp(path);
	timeline_t *tl = NULL;
	cast_error_t err;
	timeline_opts_t to = { .quiet = true };

	(void)state;
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "{\"version\": 2, \"width\": 80, \"height\": 24, "
		"\"tracecast\": {\"s_time\": \"end\"}}\n");
	fprintf(fp, "[0.100000, \"s\", \"100 poll([{fd=3, events=POLLIN}], 1, 6300 <unfinished ...>\"]\n");
	for (int i = 0; i < 30000; i++)
		fprintf(fp, "[%.6f, \"s\", \"101 getpid() = 101 <0.000001>\"]\n", 0.1 + i * 0.0002);
	fprintf(fp, "[6.400000, \"s\", \"100 <... poll resumed>) = 0 (Timeout) <6.300100>\"]\n");
	fclose(fp);
	assert_int_equal(timeline_load(&tl, path, &to, &err), 0);
	unlink(path);
	tl_sys_t first, last;

	assert_int_equal(timeline_sys_count(tl), 30002);
	assert_true(timeline_s_end_stamped(tl));
	timeline_sys_get(tl, 0, &first);
	timeline_sys_get(tl, 30001, &last);
	assert_true(first.flags & TL_SYS_UNFINISHED);
	assert_true(last.flags & TL_SYS_RESUMED);
	assert_int_equal(first.pair, 30001);
	assert_int_equal(last.pair, 0);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_many_threads),
		cmocka_unit_test(test_timeline_far_pair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
