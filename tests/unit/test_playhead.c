/* Unit tests for timeline (the index, idle-time mapping, times, markers)
 * and playhead (seeking anywhere gives the screen of sequential play). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tracecast/cast_reader.h"
#include "tracecast/tc_time.h"
#include "player/frame.h"
#include "player/playhead.h"
#include "player/screen.h"
#include "player/timeline.h"

#define SEC INT64_C(1000000000)

static char path[64];

/* A recording with text, SGR, wide chars, scrolling, resizes, markers,
 * syscall lines, a malformed line; event i at i * 0.1 s. */
static void write_cast(void)
{
	unsigned seed = 7;
	strcpy(path, "/tmp/tc-test-playhead.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	fprintf(fp, "{\"version\": 2, \"width\": 30, \"height\": 6, \"idle_time_limit\": 1.5}\n");
	for (int i = 0; i < 300; i++) {
		double t = i * 0.1 + (i >= 100 ? 5.0 : 0); /* a 5 s idle gap at 10 s */
		unsigned x = (unsigned)rand_r(&seed);
		if (i % 50 == 25)
			fprintf(fp, "[%.3f, \"r\", \"%dx%d\"]\n", t, 20 + (int)(x % 20), 4 + (int)(x % 5));
		else if (i % 40 == 5)
			fprintf(fp, "[%.3f, \"m\", \"mark %d\"]\n", t, i);
		else if (i % 7 == 3)
			fprintf(fp, "[%.3f, \"s\", \"9 openat(AT_FDCWD, \\\"f%d\\\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>\"]\n", t, i);
		else if (i == 77)
			fprintf(fp, "this line is not JSON\n");
		else
			fprintf(fp, "[%.3f, \"o\", \"\\u001b[3%um%d \\u6f22%s\\u001b[0m%s\"]\n", t, x % 8, i,
				x % 3 ? "ab" : "\\u001b[2J", x % 2 ? "\\r\\n" : "");
	}
	fclose(fp);
}

static char *screen_text(const screen_t *s)
{
	frame_t *f = frame_new(1, 1);
	sbuf_t b;
	sbuf_init(&b);
	screen_to_frame(s, f);
	for (unsigned r = 0; r < f->rows; r++) {
		frame_row_ansi(f, (int)r, true, &b);
		sbuf_addc(&b, '\n');
	}
	frame_free(f);
	char *out = strdup(b.data);
	sbuf_cleanup(&b);
	return out;
}

static void test_seek_equals_sequential(void **state)
{
	(void)state;
	playhead_opts_t po = { .quiet = true };
	playhead_t *jumpy = NULL;
	cast_error_t err;
	unsigned seed = 3;

	write_cast();
	assert_int_equal(playhead_new(&jumpy, path, &po, &err), 0);
	for (int k = 0; k < 40; k++) {
		int64_t t = (int64_t)((unsigned)rand_r(&seed) % 36000) * (SEC / 1000);
		if (k == 5)
			t = INT64_MAX;
		assert_int_equal(playhead_seek(jumpy, t, &err), 0);
		playhead_t *fresh = NULL;
		assert_int_equal(playhead_new(&fresh, path, &po, &err), 0);
		/* forward in small steps, as playing does */
		for (int64_t u = 0; u < t && u < 40 * SEC; u += SEC / 3)
			assert_int_equal(playhead_seek(fresh, u, &err), 0);
		assert_int_equal(playhead_seek(fresh, t, &err), 0);
		char *a = screen_text(playhead_screen(jumpy)), *b = screen_text(playhead_screen(fresh));
		assert_string_equal(a, b);
		free(a);
		free(b);
		playhead_free(fresh);
	}
	assert_true(playhead_restarts(jumpy) > 5);
	playhead_free(jumpy);
}

static void test_budget(void **state)
{
	(void)state;
	playhead_opts_t po = { .quiet = true };
	playhead_t *a = NULL, *b = NULL;
	cast_error_t err;
	int rc, calls = 0;

	assert_int_equal(playhead_new(&a, path, &po, &err), 0);
	assert_int_equal(playhead_new(&b, path, &po, &err), 0);
	while ((rc = playhead_advance(a, 25 * SEC, 64, &err)) == 1)
		calls++;
	assert_int_equal(rc, 0);
	assert_true(calls > 10);
	assert_int_equal(playhead_seek(b, 25 * SEC, &err), 0);
	char *x = screen_text(playhead_screen(a)), *y = screen_text(playhead_screen(b));
	assert_string_equal(x, y);
	free(x);
	free(y);
	playhead_free(a);
	playhead_free(b);
}

static void test_timeline_index(void **state)
{
	(void)state;
	timeline_opts_t to = { .quiet = true };
	timeline_t *tl = NULL;
	cast_error_t err;
	unsigned c, r;

	assert_int_equal(timeline_load(&tl, path, &to, &err), 0);
	double idle;
	tl_sys_t e;
	assert_int_equal(timeline_malformed(tl), 1);
	timeline_size(tl, &c, &r);
	assert_int_equal(c, 30);
	assert_true(timeline_header_idle_limit(tl, &idle));
	assert_true(timeline_sys_count(tl) > 30);
	timeline_sys_get(tl, 0, &e);
	assert_true(e.flags & TL_SYS_ERROR);
	assert_int_equal(timeline_sys_errors_upto(tl, timeline_sys_count(tl)), timeline_sys_count(tl));
	assert_int_equal(timeline_duration(tl), 299 * SEC / 10 + 5 * SEC);
	/* markers */
	const tl_marker_t *m = timeline_marker_next(tl, 0);
	assert_non_null(m);
	assert_string_equal(m->label, "mark 5");
	assert_ptr_equal(timeline_marker_prev(tl, m->t), NULL);
	assert_ptr_equal(timeline_marker_at(tl, m->t), m);
	/* sizes */
	timeline_size_at(tl, 0, &c, &r);
	assert_int_equal(c, 30);
	assert_int_equal(r, 6);
	timeline_size_at(tl, timeline_resize(tl, 0)->t, &c, &r);
	assert_int_equal(c, timeline_resize(tl, 0)->cols);
	/* idle limit: the 5.1 s gap between o events at 9.9 and 15.0 counts 1.5 s */
	timeline_set_idle_limit(tl, 1.5);
	assert_int_equal(timeline_play_duration(tl), timeline_duration(tl) - (INT64_C(5100000000) - INT64_C(1500000000)));
	for (size_t i = 0; i < timeline_o_count(tl); i++)
		assert_int_equal(timeline_from_play(tl, timeline_to_play(tl, timeline_o_time(tl, i))),
				 timeline_o_time(tl, i));
	int64_t prev = -1;
	for (int64_t v = 0; v < timeline_play_duration(tl); v += SEC / 7) {
		int64_t t = timeline_from_play(tl, v);
		assert_true(t >= prev);
		prev = t;
	}
	timeline_set_idle_limit(tl, 0);
	assert_int_equal(timeline_play_duration(tl), timeline_duration(tl));
	assert_int_equal(timeline_play_duration(tl), timeline_duration(tl));
	/* issue 11 item 10: a limit of 1e19 s (from a header or -i) is none,
	 * not an overflow that made the play duration 0 */
	timeline_set_idle_limit(tl, 1e19);
	assert_int_equal(timeline_play_duration(tl), timeline_duration(tl));
	timeline_set_idle_limit(tl, 1e10);
	assert_int_equal(timeline_play_duration(tl), timeline_duration(tl));
	timeline_free(tl);
	/* strict: the malformed line stops the load with its place */
	to.strict = true;
	assert_int_equal(timeline_load(&tl, path, &to, &err), CAST_ERR_SYNTAX);
	assert_null(tl);
	assert_int_equal(err.line, 79);
}

static void test_parse_time(void **state)
{
	(void)state;
	int64_t ns;
	assert_int_equal(tc_time_parse("12.5", TC_TIME_END, &ns), 0);
	assert_int_equal(ns, 12 * SEC + SEC / 2);
	assert_int_equal(tc_time_parse("1:02.5", TC_TIME_END, &ns), 0);
	assert_int_equal(ns, 62 * SEC + SEC / 2);
	assert_int_equal(tc_time_parse("1:00:00", TC_TIME_END, &ns), 0);
	assert_int_equal(ns, 3600 * SEC);
	assert_int_equal(tc_time_parse("end", TC_TIME_END, &ns), 0);
	assert_int_equal(ns, INT64_MAX);
	assert_true(tc_time_parse("", TC_TIME_END, &ns) < 0);
	assert_true(tc_time_parse("-1", TC_TIME_END, &ns) < 0);
	assert_true(tc_time_parse("3x", TC_TIME_END, &ns) < 0);
	assert_true(tc_time_parse("1.5:00", TC_TIME_END, &ns) < 0);
}

static int teardown(void **state)
{
	(void)state;
	if (path[0])
		unlink(path);
	return 0;
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seek_equals_sequential),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_timeline_index),
		cmocka_unit_test(test_parse_time),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
