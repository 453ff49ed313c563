/* Unit tests for report/window.c and report/stats.c: the window's rules
 * (times, markers, --to before the second marker) and the strace -c
 * counting rules (what is a call, what is an error, unfinished/resumed
 * pairs, threads and processes, the slowest-calls heap). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/stats.h"
#include "report/window.h"

static cast_event_t ev_at(double t, const char *code, const char *data)
{
	cast_event_t e = { .time_ns = (int64_t)(t * 1e9 + 0.5), .code = code, .data = data,
			  .data_len = strlen(data) };
	return e;
}

static void test_window_times(void **state)
{
	report_window_t w;
	(void)state;
	report_window_init(&w);
	w.from_ns = 1000000000;
	w.to_ns = 2000000000;
	cast_event_t a = ev_at(0.5, "o", "x"), b = ev_at(1.0, "o", "x"), c = ev_at(2.0, "s", "1 x() = 0"),
		     d = ev_at(2.5, "o", "x");
	assert_int_equal(report_window_feed(&w, &a), REPORT_WINDOW_OUT);
	assert_int_equal(report_window_feed(&w, &b), REPORT_WINDOW_IN);
	assert_int_equal(report_window_feed(&w, &c), REPORT_WINDOW_IN);
	assert_int_equal(report_window_feed(&w, &d), REPORT_WINDOW_DONE);
	const char *missing;
	bool after;
	assert_int_equal(report_window_finish(&w, &missing, &after), 0);
}

static void test_window_markers(void **state)
{
	report_window_t w;
	const char *missing = NULL;
	bool after = false;
	(void)state;
	report_window_init(&w);
	w.mark_a = "A";
	w.mark_b = "B";
	cast_event_t e0 = ev_at(0.1, "o", "x"), b0 = ev_at(0.2, "m", "B"), a = ev_at(0.3, "m", "A"),
		     a2 = ev_at(0.4, "m", "A"), in = ev_at(0.5, "s", "1 x() = 0"), b = ev_at(0.6, "m", "B"),
		     late = ev_at(0.7, "o", "x");
	assert_int_equal(report_window_feed(&w, &e0), REPORT_WINDOW_OUT);
	assert_int_equal(report_window_feed(&w, &b0), REPORT_WINDOW_OUT); /* B before A */
	assert_int_equal(report_window_finish(&w, &missing, &after), -ENOENT);
	assert_string_equal(missing, "A");
	assert_int_equal(report_window_feed(&w, &a), REPORT_WINDOW_OUT);
	assert_int_equal(report_window_feed(&w, &a2), REPORT_WINDOW_IN); /* a second A is inside */
	assert_int_equal(report_window_feed(&w, &in), REPORT_WINDOW_IN);
	assert_int_equal(report_window_finish(&w, &missing, &after), -ENOENT);
	assert_string_equal(missing, "B");
	assert_true(after);
	assert_int_equal(report_window_feed(&w, &b), REPORT_WINDOW_DONE);
	assert_int_equal(report_window_feed(&w, &late), REPORT_WINDOW_DONE);
	assert_int_equal(report_window_finish(&w, &missing, &after), 0);
	int64_t s, e;
	report_window_bounds(&w, &s, &e);
	assert_int_equal(s, 300000000);
	assert_int_equal(e, 600000000);

	/* --to ends the window before B: not an error */
	report_window_init(&w);
	w.mark_a = "A";
	w.mark_b = "B";
	w.to_ns = 450000000;
	report_window_feed(&w, &a);
	assert_int_equal(report_window_feed(&w, &in), REPORT_WINDOW_DONE);
	assert_int_equal(report_window_finish(&w, &missing, &after), 0);
}

static json_t *stats_of(const char *const *lines, const double *times, size_t n,
			const stats_opts_t *o, unsigned long *calls)
{
	stats_t *s;
	cast_header_t h = { 0 };
	h.json = json_pack("{s{ss}}", "tracecast", "s_time", "end");
	assert_int_equal(stats_new(&s, &h, o), 0);
	for (size_t i = 0; i < n; i++) {
		cast_event_t e = ev_at(times[i], "s", lines[i]);
		assert_int_equal(stats_event(s, &e), 0);
	}
	*calls = stats_calls(s);
	json_t *j = stats_json(s);
	assert_non_null(j);
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_int_equal(stats_print(s, fp), 0);
	fclose(fp);
	for (char *l = text; l && *l;) { /* 80 columns */
		char *nl = strchr(l, '\n');
		size_t w = nl ? (size_t)(nl - l) : strlen(l);
		if (w > 80)
			fail_msg("line over 80 columns: %.*s", (int)w, l);
		l = nl ? nl + 1 : l + w;
	}
	free(text);
	stats_free(s);
	json_decref(h.json);
	return j;
}

static json_t *row(json_t *rows, const char *name)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		if (strcmp(json_string_value(json_object_get(r, "syscall")), name) == 0)
			return r;
	fail_msg("no row %s", name);
	return NULL;
}

static void test_stats_rules(void **state)
{
	static const char *const lines[] = {
		"10 openat(AT_FDCWD, \"/a\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000100000>",
		"10 wait4(-1,  <unfinished ...>",
		"11 nanosleep({tv_sec=0, tv_nsec=5000000}, NULL) = 0 <0.005000000>",
		"10 <... wait4 resumed>NULL, 0, NULL) = 11 <0.006000000>",
		"10 --- SIGCHLD {si_signo=SIGCHLD} ---",
		"11 nanosleep({tv_sec=1, tv_nsec=0}, 0x7ffc) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.000500000>",
		"11 exit_group(0) = ?",
		"11 +++ exited with 0 +++",
		"garbage that is not strace",
	};
	static const double times[] = { 0.1, 0.2, 0.25, 0.3, 0.31, 0.32, 0.33, 0.34, 0.35 };
	stats_opts_t o = { .top = 2, .errors = true };
	unsigned long calls;
	(void)state;
	json_t *j = stats_of(lines, times, 9, &o, &calls);
	assert_int_equal(calls, 4); /* openat, wait4 (once), 2 nanosleep */
	assert_int_equal(json_integer_value(json_object_get(j, "errors")), 2);
	json_t *rows = json_object_get(j, "syscalls");
	assert_int_equal(json_array_size(rows), 3);
	/* sorted by time: nanosleep 5.5 ms, wait4 6 ms -> wait4 first */
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "syscall")), "wait4");
	assert_int_equal(json_integer_value(json_object_get(row(rows, "nanosleep"), "calls")), 2);
	assert_int_equal(json_integer_value(json_object_get(row(rows, "nanosleep"), "errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(row(rows, "nanosleep"), "max_usecs")), 5000);
	json_t *top = json_object_get(j, "slowest");
	assert_int_equal(json_array_size(top), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(top, 0), "syscall")), "wait4");
	/* end-stamped: the resumed half at 0.3 s with 6 ms started at 0.294 */
	assert_true(fabs(json_real_value(json_object_get(json_array_get(top, 0), "start")) - 0.294) < 1e-9);
	json_t *failed = json_object_get(j, "failed");
	assert_int_equal(json_array_size(failed), 2);
	json_decref(j);
}

/* --sort time (the default), calls, errors, name: each a different order
 * (ties by name). */
static void test_stats_sort(void **state)
{
	static const char *const lines[] = {
		"10 openat(AT_FDCWD, \"/a\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000100000>",
		"10 openat(AT_FDCWD, \"/b\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000100000>",
		"10 read(3, \"\", 1) = 0 <0.500000000>",
		"10 close(3) = 0 <0.000010000>",
		"10 close(4) = 0 <0.000010000>",
		"10 close(5) = 0 <0.000010000>",
	};
	static const double times[] = { 0.1, 0.2, 0.8, 0.9, 1.0, 1.1 };
	static const struct {
		stats_sort_t sort;
		const char *order[3];
	} sorts[] = {
		{ STATS_SORT_TIME, { "read", "openat", "close" } },
		{ STATS_SORT_CALLS, { "close", "openat", "read" } },
		{ STATS_SORT_ERRORS, { "openat", "close", "read" } },
		{ STATS_SORT_NAME, { "close", "openat", "read" } },
	};
	(void)state;
	for (size_t k = 0; k < sizeof sorts / sizeof sorts[0]; k++) {
		stats_opts_t o = { .sort = sorts[k].sort };
		unsigned long calls;
		json_t *j = stats_of(lines, times, 6, &o, &calls);
		json_t *rows = json_object_get(j, "syscalls");
		assert_int_equal(json_array_size(rows), 3);
		for (size_t i = 0; i < 3; i++)
			assert_string_equal(json_string_value(json_object_get(json_array_get(rows, i), "syscall")),
					    sorts[k].order[i]);
		json_decref(j);
	}
}

static void test_stats_processes(void **state)
{
	static const char *const lines[] = {
		"10 execve(\"/usr/bin/make\", [\"make\"], 0x7ffd /* 3 vars */) = 0 <0.000100000>",
		"10 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD) = 20 <0.000100000>",
		"10 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88 <unfinished ...>",
		"10 <... clone3 resumed>) = 11 <0.000100000>",
		"11 read(3, \"\", 1) = 0 <0.000100000>",
		"20 execve(\"/usr/lib/gcc/cc1-with-a-very-long-name\", [\"cc1\"], 0x7ffd /* 3 vars */ <unfinished ...>",
		"20 <... execve resumed>) = 0 <0.000100000>",
		"20 read(3, \"\", 1) = 0 <0.000100000>",
	};
	static const double times[] = { 0.1, 0.2, 0.3, 0.31, 0.4, 0.5, 0.51, 0.6 };
	stats_opts_t o = { .by = STATS_BY_PID };
	unsigned long calls;
	(void)state;
	json_t *j = stats_of(lines, times, 8, &o, &calls);
	json_t *g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 2);
	size_t i;
	json_t *x;
	json_array_foreach(g, i, x) {
		long pid = (long)json_integer_value(json_object_get(x, "pid"));
		const char *comm = json_string_value(json_object_get(x, "comm"));
		if (pid == 10) {
			assert_string_equal(comm, "make");
			assert_int_equal(json_integer_value(json_object_get(x, "calls")), 4); /* thread 11 in it */
		} else {
			assert_int_equal(pid, 20);
			assert_string_equal(comm, "cc1-with-a-very"); /* 15 bytes, as the kernel keeps */
		}
	}
	json_decref(j);
	o.by = STATS_BY_COMM;
	j = stats_of(lines, times, 8, &o, &calls);
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 2);
	json_decref(j);
}

/* End-stamped lines put a child's first calls before its parent's clone
 * returns (the child ran first): --by pid and --by comm still count them in
 * the child's process, named after the parent (stats_strace.py saw "?"). */
static void test_stats_child_first(void **state)
{
	static const char *const lines[] = {
		"10 execve(\"/usr/bin/known\", [\"known\"], 0x7ffd /* 3 vars */) = 0 <0.000100000>",
		"10 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD <unfinished ...>",
		"20 set_robust_list(0x7f, 24) = 0 <0.000010000>",
		"10 <... clone resumed>, child_tidptr=0x7f) = 20 <0.000200000>",
		"20 read(3, \"\", 1) = 0 <0.000100000>",
	};
	static const double times[] = { 0.1, 0.2, 0.25, 0.3, 0.4 };
	stats_opts_t o = { .by = STATS_BY_COMM };
	unsigned long calls;
	(void)state;
	json_t *j = stats_of(lines, times, 5, &o, &calls);
	json_t *g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(g, 0), "comm")), "known");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(g, 0), "calls")), 4);
	json_decref(j);
	o.by = STATS_BY_PID;
	j = stats_of(lines, times, 5, &o, &calls);
	g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 2);
	size_t i;
	json_t *x;
	json_array_foreach(g, i, x) {
		long pid = (long)json_integer_value(json_object_get(x, "pid"));
		assert_string_equal(json_string_value(json_object_get(x, "comm")), "known");
		assert_int_equal(json_integer_value(json_object_get(x, "calls")), 2);
		assert_true(pid == 10 || pid == 20);
	}
	json_decref(j);
}

static void test_stats_top_heap(void **state)
{
	enum { N = 2000 };
	static char buf[N][64];
	static const char *lines[N];
	static double times[N];
	stats_opts_t o = { .top = 7 };
	unsigned long calls;
	unsigned seed = 12345;
	unsigned maxd[N];
	(void)state;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		maxd[i] = (seed >> 8) % 1000000 + 1;
		snprintf(buf[i], sizeof buf[i], "5 read(3, \"\", 1) = 0 <0.%09u>", maxd[i]);
		lines[i] = buf[i];
		times[i] = 1.0 + i * 0.001;
	}
	json_t *j = stats_of(lines, times, N, &o, &calls);
	assert_int_equal(calls, N);
	/* the 7 largest durations, in order */
	for (int k = 0; k < 7; k++) {
		int best = -1;
		for (int i = 0; i < N; i++)
			if (best < 0 || maxd[i] > maxd[best])
				best = i;
		double got = json_real_value(json_object_get(json_array_get(json_object_get(j, "slowest"), (size_t)k), "seconds"));
		assert_true(fabs(got - maxd[best] / 1e9) < 1e-12);
		maxd[best] = 0;
	}
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_times),
		cmocka_unit_test(test_window_markers),
		cmocka_unit_test(test_stats_rules),
		cmocka_unit_test(test_stats_processes),
		cmocka_unit_test(test_stats_child_first),
		cmocka_unit_test(test_stats_sort),
		cmocka_unit_test(test_stats_top_heap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
