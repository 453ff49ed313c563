/* Unit tests of --profile=SPEC parsing and of the python source's env. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "recorder/perf_source.h"
#include "recorder/profile_source.h"
#include "recorder/pyout_source.h"
#include "recorder/python_source.h"

static void free_all(rec_source_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s[i].free(s[i].self);
}

static void test_default_and_lists(void **state)
{
	(void)state;
	rec_source_t s[8];
	size_t n;
	assert_int_equal(profile_sources_new(NULL, s, 8, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(s[0].name, "proc");
	free_all(s, n);
	assert_int_equal(profile_sources_new("", s, 8, &n, NULL), 0);
	assert_int_equal(n, 1);
	free_all(s, n);
	/* unit tests run from the source tree's top (make unit) */
	char dir[4096];
	assert_non_null(realpath("recorder/python", dir));
	setenv("TRACECAST_PYTHONPATH", dir, 1);
	assert_int_equal(profile_sources_new("proc:50,python-inside:200", s, 8, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].name, "proc");
	assert_string_equal(s[1].name, "python");
	rec_spawn_t sp = { .sources = json_object() };
	strv_init(&sp.env);
	strv_init(&sp.argv);
	assert_int_equal(strv_push(&sp.env, "PYTHONPATH=/theirs"), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s[i].prepare(s[i].self, &sp), 0);
	json_t *prof = json_object_get(sp.sources, "profile");
	assert_int_equal(json_integer_value(json_object_get(prof, "proc_hz")), 50);
	assert_int_equal(json_integer_value(json_object_get(prof, "python_hz")), 200);
	assert_string_equal(json_string_value(json_object_get(prof, "python_sampler")), "inside");
	char want[4200];
	snprintf(want, sizeof(want), "PYTHONPATH=%s:/theirs", dir);
	bool pp = false, hz = false;
	for (size_t i = 0; i < sp.env.n; i++) {
		pp |= strcmp(sp.env.v[i], want) == 0;
		hz |= strcmp(sp.env.v[i], "TRACECAST_PY_HZ=200") == 0;
	}
	assert_true(pp);
	assert_true(hz);
	json_decref(sp.sources);
	strv_cleanup(&sp.env);
	strv_cleanup(&sp.argv);
	free_all(s, n);
	/* python: the outside sampler where it can run (here: root, no
	 * seccomp), which changes nothing in the child's environment */
	char err[200];
	int can = pyout_probe(err, sizeof err);
	assert_int_equal(profile_sources_new("python", s, 8, &n, NULL), 0);
	assert_int_equal(n, 1);
	sp = (rec_spawn_t){ .sources = json_object() };
	strv_init(&sp.env);
	strv_init(&sp.argv);
	assert_int_equal(s[0].prepare(s[0].self, &sp), 0);
	prof = json_object_get(sp.sources, "profile");
	assert_string_equal(json_string_value(json_object_get(prof, "python_sampler")),
			    can == 0 ? "outside" : "inside");
	if (can == 0)
		assert_int_equal(sp.env.n, 0);
	json_decref(sp.sources);
	strv_cleanup(&sp.env);
	strv_cleanup(&sp.argv);
	free_all(s, n);
	assert_int_equal(profile_sources_new("python-outside:50", s, 8, &n, NULL), can == 0 ? 0 : -EPERM);
	free_all(s, n);
	/* perf: present when allowed here, left out (with a warning) if not */
	assert_int_equal(profile_sources_new("perf:99,proc", s, 8, &n, NULL), 0);
	assert_int_equal(n, perf_source_probe() == 0 ? 2 : 1);
	free_all(s, n);
}

static void test_bad_specs(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"nope", "proc:", "proc:0", "proc:1001", "proc:abc", "proc:-5", "proc,proc",
		"proc,", ",proc", "python:x", "perf:99999", "proc:20:3", "python,python-inside",
		"python-outside,python", "python-inside:5,python-outside", "python-out",
	};
	rec_source_t s[8];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = 99;
		assert_int_equal(profile_sources_new(bad[i], s, 8, &n, NULL), -EINVAL);
		assert_int_equal(n, 0);
	}
	size_t n;
	assert_int_equal(profile_sources_new("proc,python", s, 1, &n, NULL), -EINVAL);
	assert_int_equal(n, 0);
}

static void test_python_dir_missing(void **state)
{
	(void)state;
	rec_source_t s;
	setenv("TRACECAST_PYTHONPATH", "/nonexistent", 1);
	assert_int_equal(python_source_new(&s, 100, NULL), -ENOENT);
	unsetenv("TRACECAST_PYTHONPATH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_and_lists),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_python_dir_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
