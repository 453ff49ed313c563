/* Unit tests of the info profile summary on hand-made events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "report/profile_summary.h"

static void feed(void *s, double t, const char *data)
{
	cast_event_t ev = { .time_ns = (int64_t)(t * 1e9), .code = "p", .data = data,
			   .data_len = strlen(data), .line = 1 };
	profile_summary_event(s, &ev);
}

static void test_needs_profile_header(void **state)
{
	(void)state;
	cast_header_t h = { .json = json_loads("{\"version\":2}", 0, NULL) };
	assert_null(profile_summary_new(&h));
	json_decref(h.json);
	profile_summary_free(NULL);
}

static void test_procs_and_stacks(void **state)
{
	(void)state;
	cast_header_t h = { .json = json_loads(
		"{\"tracecast\":{\"sources\":{\"profile\":{\"proc_hz\":20}}}}", 0, NULL) };
	void *s = profile_summary_new(&h);
	assert_non_null(s);
	feed(s, 0.0, "{\"src\":\"proc\",\"procs\":[{\"pid\":7,\"ppid\":1,\"comm\":\"a\",\"cpu\":0,\"rss_kb\":10,\"state\":\"R\"}]}");
	feed(s, 0.5, "{\"src\":\"proc\",\"procs\":[{\"pid\":7,\"ppid\":1,\"comm\":\"a\",\"cpu\":1.0,\"rss_kb\":300,\"state\":\"R\"},"
		     "{\"pid\":8,\"ppid\":7,\"comm\":\"b\",\"cpu\":0.5,\"rss_kb\":5,\"state\":\"D\"}]}");
	feed(s, 1.5, "{\"src\":\"proc\",\"procs\":[{\"pid\":7,\"ppid\":1,\"comm\":\"a2\",\"cpu\":0.25,\"rss_kb\":100,\"state\":\"S\"}]}");
	feed(s, 1.6, "{\"src\":\"py\",\"pid\":7,\"tid\":7,\"stack\":\"m:main;m:f;m:f\"}");
	feed(s, 1.7, "{\"src\":\"py\",\"pid\":7,\"tid\":7,\"stack\":\"m:main;m:g\"}");
	feed(s, 1.8, "{\"src\":\"perf\",\"lost\":3}");
	feed(s, 1.9, "not json");
	json_t *j = profile_summary_json(s);
	assert_int_equal(json_integer_value(json_object_get(j, "samples")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "bad")), 1);
	json_t *procs = json_object_get(j, "processes");
	assert_int_equal(json_array_size(procs), 2);
	json_t *a = json_array_get(procs, 0);
	assert_int_equal(json_integer_value(json_object_get(a, "pid")), 7);
	assert_string_equal(json_string_value(json_object_get(a, "comm")), "a2");
	/* 0.5 s at 1.0 + 1 s at 0.25 */
	assert_true(fabs(json_real_value(json_object_get(a, "cpu_s")) - 0.75) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(a, "peak_rss_kb")), 300);
	json_t *st = json_object_get(a, "states");
	assert_true(fabs(json_real_value(json_object_get(st, "R")) - 0.5) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(st, "S")) - 1.0) < 1e-9);
	/* a new process is charged the tick since the previous sample */
	json_t *b = json_array_get(procs, 1);
	assert_true(fabs(json_real_value(json_object_get(b, "cpu_s")) - 0.25) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(json_object_get(b, "states"), "D")) - 0.5) < 1e-9);
	json_t *py = json_object_get(json_object_get(j, "stacks"), "py");
	assert_int_equal(json_integer_value(json_object_get(py, "samples")), 2);
	json_t *ts = json_object_get(py, "top_self");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ts, 0), "frame")), "m:f");
	json_t *tt = json_object_get(py, "top_total");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tt, 0), "frame")), "m:main");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(tt, 0), "samples")), 2);
	/* recursion counts once in total */
	assert_string_equal(json_string_value(json_object_get(json_array_get(tt, 1), "frame")), "m:f");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(tt, 1), "samples")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(j, "stacks"), "perf"), "lost")), 3);
	json_decref(j);
	char buf[4096];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");
	profile_summary_print(s, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "py: 2 stack samples, 0 lost"));
	assert_non_null(strstr(buf, "perf: 0 stack samples, 3 lost"));
	profile_summary_free(s);
	json_decref(h.json);
}

/* More than PROFILE_SUMMARY_TOP frames: only the top ones, in order. */
static void test_top_ten(void **state)
{
	(void)state;
	cast_header_t h = { .json = json_loads(
		"{\"tracecast\":{\"sources\":{\"profile\":{}}}}", 0, NULL) };
	void *s = profile_summary_new(&h);
	char d[128];
	for (int f = 0; f < 30; f++)
		for (int k = 0; k <= f; k++) {
			snprintf(d, sizeof(d), "{\"src\":\"perf\",\"pid\":1,\"tid\":1,\"stack\":\"main;f%02d\"}", f);
			feed(s, 1.0, d);
		}
	json_t *j = profile_summary_json(s);
	json_t *ts = json_object_get(json_object_get(json_object_get(j, "stacks"), "perf"), "top_self");
	assert_int_equal(json_array_size(ts), PROFILE_SUMMARY_TOP);
	for (size_t i = 0; i < PROFILE_SUMMARY_TOP; i++) {
		char want[8];
		snprintf(want, sizeof(want), "f%02d", 29 - (int)i);
		assert_string_equal(json_string_value(json_object_get(json_array_get(ts, i), "frame")), want);
	}
	json_decref(j);
	profile_summary_free(s);
	json_decref(h.json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs_profile_header),
		cmocka_unit_test(test_procs_and_stacks),
		cmocka_unit_test(test_top_ten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
