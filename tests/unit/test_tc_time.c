/* Unit tests for tc_time: the command-line time grammar shared by dump,
 * play, export and stats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tracecast/tc_time.h"

static int64_t parse_ok(const char *s)
{
	int64_t ns = -7;

	assert_int_equal(tc_time_parse(s, TC_TIME_END, &ns), 0);
	return ns;
}

static void test_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("0"), 0);
	assert_int_equal(parse_ok("12"), INT64_C(12000000000));
	assert_int_equal(parse_ok("12.5"), INT64_C(12500000000));
	assert_int_equal(parse_ok(".25"), INT64_C(250000000));
	assert_int_equal(parse_ok("1:30"), INT64_C(90000000000));
	assert_int_equal(parse_ok("1:02.5"), INT64_C(62500000000));
	assert_int_equal(parse_ok("1:00:00"), INT64_C(3600000000000));
	assert_int_equal(parse_ok("90:00"), INT64_C(5400000000000));
	assert_int_equal(parse_ok("0.000000001"), 1);
	assert_int_equal(parse_ok("0.0000000015"), 2);     /* tenth digit rounds */
	assert_int_equal(parse_ok("0.00000000149999"), 1);
	assert_int_equal(parse_ok("1.999999999999"), INT64_C(2000000000));
	assert_int_equal(parse_ok("end"), INT64_MAX);
	assert_int_equal(parse_ok("20.25"), INT64_C(20250000000));
	assert_int_equal(parse_ok("1.499"), INT64_C(1499000000));
}

static void test_clamp(void **state)
{
	(void)state;
	/* each of these overflowed int64 nanoseconds in the old parsers */
	assert_int_equal(parse_ok("1000000000:0"), INT64_MAX);
	assert_int_equal(parse_ok("1000000000:0:0"), INT64_MAX);
	assert_int_equal(parse_ok("9223372036854775807"), INT64_MAX);
	assert_int_equal(parse_ok("99999999999999999999999999999.5"), INT64_MAX);
	assert_int_equal(parse_ok("9223372036"), INT64_C(9223372036000000000));
	assert_int_equal(parse_ok("9223372036.854775807"), INT64_MAX);
	assert_int_equal(parse_ok("9223372036.854775808"), INT64_MAX);
	assert_int_equal(parse_ok("153722867:59:59"), INT64_MAX);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1e3", "nan", "inf", "1:", ":1", "1::2",
		"1:2:3:4", "1.5:02", "1:.5", "1.", ".", "1.2.3", "0x10", "end1",
		"1,2", "12s",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ns = -7;
		if (tc_time_parse(bad[i], TC_TIME_END, &ns) != -EINVAL || ns != -7)
			fail_msg("'%s' was accepted", bad[i]);
	}
	int64_t ns = -7;
	assert_int_equal(tc_time_parse("end", 0, &ns), -EINVAL);
	assert_int_equal(tc_time_parse(NULL, 0, &ns), -EINVAL);
}

static void test_format(void **state)
{
	char buf[32];
	int64_t ns;

	(void)state;
	assert_string_equal(tc_time_format(INT64_C(62500000000), buf, sizeof buf), "1:02.500");
	assert_string_equal(tc_time_format(INT64_C(3723004000000), buf, sizeof buf), "1:02:03.004");
	assert_string_equal(tc_time_format(INT64_MAX, buf, sizeof buf), "end");
	assert_string_equal(tc_time_format(0, buf, sizeof buf), "0:00.000");
	for (int64_t t = 0; t < INT64_C(8000000000000); t += INT64_C(987654321123)) {
		tc_time_format(t, buf, sizeof buf);
		assert_int_equal(tc_time_parse(buf, 0, &ns), 0);
		assert_int_equal(ns, t / 1000000 * 1000000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
