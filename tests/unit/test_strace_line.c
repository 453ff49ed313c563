/* Unit tests of the strace-line parser, the stamp splitter and the pieces of
 * the strace source that run without strace (line reassembly, argument
 * splitting, automatic markers), on canned text copied from strace 6.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "tracecast/strace_line.h"

/* Compare a (ptr, len) field with a C string. */
#define assert_field(ptr, len, lit) do { \
		assert_non_null(ptr); \
		assert_int_equal((len), strlen(lit)); \
		assert_memory_equal((ptr), (lit), strlen(lit)); \
	} while (0)

static void parse(const char *s, strace_line_t *l)
{
	strace_line_parse(s, strlen(s), l);
}

static void test_call_errno(void **state)
{
	(void)state;
	strace_line_t l;
	parse("7720  openat(AT_FDCWD, \"/no/such\", O_RDONLY) = -1 ENOENT "
	      "(No such file or directory) <0.000147294>", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_int_equal(l.tid, 7720);
	assert_int_equal(l.attach_pid, 0);
	assert_field(l.name, l.name_len, "openat");
	assert_field(l.args, l.args_len, "AT_FDCWD, \"/no/such\", O_RDONLY");
	assert_true(l.has_ret);
	assert_field(l.ret, l.ret_len, "-1");
	assert_field(l.err, l.err_len, "ENOENT");
	assert_field(l.err_text, l.err_text_len, "No such file or directory");
	assert_int_equal(l.dur_ns, 147294);
}

static void test_call_padding_and_text(void **state)
{
	(void)state;
	strace_line_t l;
	parse("5811  brk(NULL)    = 0x555be3cb3000 <0.000062517>", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_field(l.args, l.args_len, "NULL");
	assert_field(l.ret, l.ret_len, "0x555be3cb3000");
	assert_null(l.err);
	assert_null(l.err_text);
	assert_int_equal(l.dur_ns, 62517);

	parse("7720  poll([{fd=0, events=POLLIN}], 1, 10) = 1 "
	      "([{fd=0, revents=POLLIN}]) <0.000038247>", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_field(l.args, l.args_len, "[{fd=0, events=POLLIN}], 1, 10");
	assert_field(l.ret, l.ret_len, "1");
	assert_null(l.err);
	assert_field(l.err_text, l.err_text_len, "[{fd=0, revents=POLLIN}]");
	assert_int_equal(l.dur_ns, 38247);

	parse("7720  fcntl(1, F_GETFL) = 0x8001 (flags O_WRONLY|O_LARGEFILE) "
	      "<0.000034050>", &l);
	assert_field(l.err_text, l.err_text_len, "flags O_WRONLY|O_LARGEFILE");
	assert_int_equal(l.dur_ns, 34050);

	/* a duration over a second, and an ERESTART errno */
	parse("88  wait4(-1, 0x7ffc, 0, NULL) = ? ERESTARTSYS (To be restarted "
	      "if SA_RESTART is set) <12.500000001>", &l);
	assert_field(l.ret, l.ret_len, "?");
	assert_field(l.err, l.err_len, "ERESTARTSYS");
	assert_field(l.err_text, l.err_text_len,
		     "To be restarted if SA_RESTART is set");
	assert_int_equal(l.dur_ns, INT64_C(12500000001));
}

static void test_escaped_strings(void **state)
{
	(void)state;
	strace_line_t l;
	/* quotes, backslashes, "\n", a ") = " inside the string */
	parse("7720  write(1, \"say \\\"hi\\\"\\n(x) = 1\\\\\\n\", 18) = 18 "
	      "<0.000047481>", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_field(l.name, l.name_len, "write");
	assert_field(l.args, l.args_len,
		     "1, \"say \\\"hi\\\"\\n(x) = 1\\\\\\n\", 18");
	assert_field(l.ret, l.ret_len, "18");
	assert_int_equal(l.dur_ns, 47481);

	/* truncated string "..."..., comment in the args */
	parse("5811  execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"ls )(\"...], "
	      "0x7ffe2cfa78a8 /* 37 vars */) = 0 <0.000244984>", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_field(l.name, l.name_len, "execve");
	assert_field(l.ret, l.ret_len, "0");
	assert_int_equal(l.dur_ns, 244984);
}

static void test_unfinished_resumed(void **state)
{
	(void)state;
	strace_line_t l;
	/* thread 101 blocks in read; 102 writes; 101 resumes */
	parse("101   read(3,  <unfinished ...>", &l);
	assert_int_equal(l.kind, STRACE_UNFINISHED);
	assert_int_equal(l.tid, 101);
	assert_field(l.name, l.name_len, "read");
	assert_field(l.args, l.args_len, "3,");
	assert_false(l.has_ret);

	parse("102   write(4, \"ping\", 4 <unfinished ...>", &l);
	assert_int_equal(l.kind, STRACE_UNFINISHED);
	assert_int_equal(l.tid, 102);
	assert_field(l.args, l.args_len, "4, \"ping\", 4");

	parse("101   <... read resumed>\"ping\", 64) = 4 <1.000123000>", &l);
	assert_int_equal(l.kind, STRACE_RESUMED);
	assert_int_equal(l.tid, 101);
	assert_field(l.name, l.name_len, "read");
	assert_field(l.args, l.args_len, "\"ping\", 64");
	assert_field(l.ret, l.ret_len, "4");
	assert_int_equal(l.dur_ns, INT64_C(1000123000));

	parse("5811  <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], "
	      "0, NULL) = 5812 <0.016770194>", &l);
	assert_int_equal(l.kind, STRACE_RESUMED);
	assert_field(l.ret, l.ret_len, "5812");
	assert_int_equal(l.dur_ns, 16770194);

	parse("5811  <... vfork resumed>) = 5812 <0.000365983>", &l);
	assert_int_equal(l.kind, STRACE_RESUMED);
	assert_int_equal(l.args_len, 0);
	assert_field(l.ret, l.ret_len, "5812");
}

static void test_signals_and_exits(void **state)
{
	(void)state;
	strace_line_t l;
	parse("5811  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, "
	      "si_pid=5812, si_uid=0, si_status=2} ---", &l);
	assert_int_equal(l.kind, STRACE_SIGNAL);
	assert_int_equal(l.tid, 5811);
	assert_field(l.name, l.name_len, "SIGCHLD");
	assert_field(l.args, l.args_len, "{si_signo=SIGCHLD, si_code=CLD_EXITED, "
		     "si_pid=5812, si_uid=0, si_status=2}");

	parse("77    --- stopped by SIGTSTP ---", &l);
	assert_int_equal(l.kind, STRACE_SIGNAL);
	assert_field(l.name, l.name_len, "SIGTSTP");

	parse("5811  +++ exited with 3 +++", &l);
	assert_int_equal(l.kind, STRACE_EXITED);
	assert_int_equal(l.exit_code, 3);

	parse("5811  +++ killed by SIGSEGV +++", &l);
	assert_int_equal(l.kind, STRACE_KILLED);
	assert_field(l.name, l.name_len, "SIGSEGV");
	assert_false(l.core_dumped);

	parse("12    +++ killed by SIGABRT (core dumped) +++", &l);
	assert_int_equal(l.kind, STRACE_KILLED);
	assert_field(l.name, l.name_len, "SIGABRT");
	assert_true(l.core_dumped);

	parse("12    +++ superseded by execve in pid 10 +++", &l);
	assert_int_equal(l.kind, STRACE_OTHER);
	assert_int_equal(l.tid, 12);
}

static void test_question_ret(void **state)
{
	(void)state;
	strace_line_t l;
	parse("6898  exit_group(3)                     = ?", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_field(l.name, l.name_len, "exit_group");
	assert_field(l.args, l.args_len, "3");
	assert_field(l.ret, l.ret_len, "?");
	assert_int_equal(l.dur_ns, -1);

	parse("40    <... read resumed> <unfinished ...>) = ? <unavailable>", &l);
	assert_int_equal(l.kind, STRACE_RESUMED);
	assert_field(l.ret, l.ret_len, "?");
	assert_int_equal(l.dur_ns, -1);
}

static void test_attach_tag_and_other(void **state)
{
	(void)state;
	strace_line_t l;
	parse("@4242 4243  epoll_wait(5, [], 1023, 60) = 0 <0.060101000>", &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_int_equal(l.attach_pid, 4242);
	assert_int_equal(l.tid, 4243);
	assert_field(l.name, l.name_len, "epoll_wait");

	parse("", &l);
	assert_int_equal(l.kind, STRACE_OTHER);
	parse("garbage ( without close", &l);
	assert_int_equal(l.kind, STRACE_OTHER);
	assert_null(l.name);
	parse("9 read(3, \"unterminated", &l);
	assert_int_equal(l.kind, STRACE_OTHER);
	assert_int_equal(l.tid, 9);
	strace_line_parse(NULL, 0, &l);
	assert_int_equal(l.kind, STRACE_OTHER);
}

static void test_long_line(void **state)
{
	(void)state;
	size_t n = 200000;
	char *s = malloc(n + 100);
	assert_non_null(s);
	size_t k = (size_t)sprintf(s, "31    write(1, \"");
	for (size_t i = 0; i < n; i++)
		s[k++] = (i % 50 == 49) ? '\\' : (i % 50 == 0 ? 'n' : 'a');
	/* make sure the escapes end on a plain char */
	k += (size_t)sprintf(s + k, "x\", %zu) = %zu <0.000001000>", n, n);
	strace_line_t l;
	strace_line_parse(s, k, &l);
	assert_int_equal(l.kind, STRACE_CALL);
	assert_int_equal(l.args_len, 4 + n + 4 + 6); /* 1, "...x", 200000 */
	assert_int_equal(l.dur_ns, 1000);
	free(s);
}

static void test_split_stamp(void **state)
{
	(void)state;
	const char *in = "5811  1795757813.239346310 brk(NULL)    = 0x5 <0.000062517>";
	char buf[128];
	size_t n;
	int64_t ns;
	assert_int_equal(strace_line_split_stamp(in, strlen(in), &ns, buf, &n), 0);
	assert_int_equal(ns, INT64_C(1795757813239346310));
	assert_string_equal(buf, "5811  brk(NULL)    = 0x5 <0.000062517>");
	assert_int_equal(n, strlen(buf));

	in = "1795757813.5 +++ exited with 0 +++";
	assert_int_equal(strace_line_split_stamp(in, strlen(in), &ns, buf, &n), 0);
	assert_int_equal(ns, INT64_C(1795757813500000000));
	assert_string_equal(buf, "+++ exited with 0 +++");

	in = "strace: Process 12 attached";
	assert_int_equal(strace_line_split_stamp(in, strlen(in), &ns, buf, &n), -1);
	assert_string_equal(buf, in);

	in = "12 read(0, \"\", 1) = 0";
	assert_int_equal(strace_line_split_stamp(in, strlen(in), &ns, buf, &n), -1);
	assert_string_equal(buf, in);

	/* the largest stamp whose nanoseconds fit in int64 */
	in = "9223372036.854775807 x";
	assert_int_equal(strace_line_split_stamp(in, strlen(in), &ns, buf, &n), 0);
	assert_int_equal(ns, INT64_MAX);
	assert_string_equal(buf, "x");
}

/* Seconds whose nanoseconds overflow int64 (found by fuzz_strace_line under
 * UBSan: signed overflow in secs * 1000000000) are not a stamp. */
static void test_split_stamp_overflow(void **state)
{
	(void)state;
	const char *bad[] = {
		"9223372036.854775808 x",
		"9223372037.0 x",
		"12 99999999999999999999.5 read(0) = 0",
		"999999999999999.999999999 +++ exited with 0 +++",
	};
	char buf[128];
	size_t n;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ns = 42;
		assert_int_equal(strace_line_split_stamp(bad[i], strlen(bad[i]),
							 &ns, buf, &n), -1);
		assert_string_equal(buf, bad[i]);
		assert_int_equal(n, strlen(bad[i]));
		assert_int_equal(ns, 0);
	}
}

/* The call's span from an "s" event's time, under both time bases. */
static void test_span(void **state)
{
	strace_line_t l;
	int64_t a, b;
	json_t *h;
	(void)state;

	parse("412 poll([{fd=3, events=POLLIN}], 1, 299) = 0 (Timeout) <0.299385137>", &l);
	strace_line_span(&l, 630000000, STRACE_TIME_END, &a, &b);
	assert_int_equal(a, 630000000 - 299385137);
	assert_int_equal(b, 630000000);
	strace_line_span(&l, 330000000, STRACE_TIME_START, &a, &b);
	assert_int_equal(a, 330000000);
	assert_int_equal(b, 330000000 + 299385137);
	/* clamped, never overflowing */
	strace_line_span(&l, 1000, STRACE_TIME_END, &a, &b);
	assert_int_equal(a, 0);
	strace_line_span(&l, INT64_MAX - 5, STRACE_TIME_START, &a, &b);
	assert_int_equal(b, INT64_MAX);
	/* an unfinished half is a point at its entry */
	parse("412 poll([{fd=3, events=POLLIN}], 1, 299 <unfinished ...>", &l);
	strace_line_span(&l, 5000, STRACE_TIME_END, &a, &b);
	assert_int_equal(a, 5000);
	assert_int_equal(b, 5000);

	h = json_pack("{s:i, s:{s:s}}", "version", 2, "tracecast", "s_time", "end");
	assert_int_equal(strace_time_base_of(h), STRACE_TIME_END);
	json_object_set_new(json_object_get(h, "tracecast"), "s_time", json_string("start"));
	assert_int_equal(strace_time_base_of(h), STRACE_TIME_START);
	json_object_del(h, "tracecast");
	assert_int_equal(strace_time_base_of(h), STRACE_TIME_START);
	assert_int_equal(strace_time_base_of(NULL), STRACE_TIME_START);
	json_decref(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_errno),
		cmocka_unit_test(test_call_padding_and_text),
		cmocka_unit_test(test_escaped_strings),
		cmocka_unit_test(test_unfinished_resumed),
		cmocka_unit_test(test_signals_and_exits),
		cmocka_unit_test(test_question_ret),
		cmocka_unit_test(test_attach_tag_and_other),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_split_stamp),
		cmocka_unit_test(test_split_stamp_overflow),
		cmocka_unit_test(test_span),
	};
	return cmocka_run_group_tests_name("strace_line", tests, NULL, NULL);
}
