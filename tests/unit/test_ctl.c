/* Unit tests of the control socket's line reading (recorder/ctl.c): what
 * it emits for a line must be what the jansson reading of the line gives
 * (the contract in ctl.h), whether the line takes the samplers' fast path
 * ({"code":"p","data":"...","time":N} without jansson) or not. Lines go
 * through a real AF_UNIX connection to a real ctl source; the expectation
 * is computed here with jansson, independently. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "recorder/ctl.h"

#define NOW 5000000000000LL /* the reader's "now" (ns) */
#define MAX_EV 4096

typedef struct got {
	size_t n;
	char code[MAX_EV][2];
	int64_t t[MAX_EV];
	char *data[MAX_EV];
	size_t len[MAX_EV];
} got_t;

static void got_emit(void *user, int64_t mono_ns, const char *code, const char *data, size_t len)
{
	got_t *g = user;
	assert_true(g->n < MAX_EV);
	snprintf(g->code[g->n], sizeof g->code[0], "%s", code);
	g->t[g->n] = mono_ns;
	g->data[g->n] = malloc(len + 1);
	memcpy(g->data[g->n], data, len);
	g->data[g->n][len] = '\0';
	g->len[g->n] = len;
	g->n++;
}

static void got_free(got_t *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->data[i]);
	g->n = 0;
}

/* Send text (lines) through a real connection; collect what ctl emits. */
static void ctl_run(const char *text, size_t len, got_t *g, unsigned long *accepted,
		    unsigned long *dropped)
{
	rec_source_t src;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	rec_emit_t out = { .emit = got_emit, .user = g };

	assert_int_equal(ctl_source_new(&src, NULL), 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", ctl_source_path(&src));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EAGAIN) { /* full: let ctl read */
			assert_int_equal(src.readable(src.self, NOW, &out), 0);
			continue;
		}
		assert_true(n > 0);
		off += (size_t)n;
	}
	close(fd);
	src.finish(src.self, NOW, &out); /* accepts and reads to EOF */
	*accepted = ctl_source_accepted(&src);
	*dropped = ctl_source_dropped(&src);
	src.free(src.self);
}

/* What the contract says a line gives, read with jansson: 1 (an event,
 * into code/t/data), 0 (blank), -1 (dropped). */
static int expect_line(const char *line, size_t len, char *code, int64_t *t, json_t **data)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!len)
		return 0;
	json_error_t e;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
	json_t *c = o ? json_object_get(o, "code") : NULL, *d = o ? json_object_get(o, "data") : NULL;
	json_t *tm = o ? json_object_get(o, "time") : NULL;
	int r = -1;
	if (json_is_object(o) && json_is_string(c) && json_is_string(d) &&
	    (!strcmp(json_string_value(c), "m") || !strcmp(json_string_value(c), "p")) &&
	    (!tm || (json_is_integer(tm) && json_integer_value(tm) > 0))) {
		code[0] = json_string_value(c)[0];
		code[1] = '\0';
		*t = tm ? (int64_t)json_integer_value(tm) : NOW;
		if (*t > NOW)
			*t = NOW;
		*data = json_incref(d);
		r = 1;
	}
	json_decref(o);
	return r;
}

/* Run lines[] through ctl and check every event against expect_line. */
static void check_lines(const char *const *lines, size_t n_lines)
{
	size_t total = 0;
	for (size_t i = 0; i < n_lines; i++)
		total += strlen(lines[i]) + 1;
	char *text = malloc(total + 1), *p = text;
	for (size_t i = 0; i < n_lines; i++)
		p += sprintf(p, "%s\n", lines[i]);
	got_t *g = calloc(1, sizeof *g);
	unsigned long acc, drop;
	ctl_run(text, total, g, &acc, &drop);

	size_t k = 0, want_drop = 0;
	for (size_t i = 0; i < n_lines; i++) {
		char code[2];
		int64_t t;
		json_t *d = NULL;
		int r = expect_line(lines[i], strlen(lines[i]), code, &t, &d);
		if (r < 0)
			want_drop++;
		if (r <= 0)
			continue;
		if (k >= g->n)
			fail_msg("line %zu (%s): no event", i, lines[i]);
		if (strcmp(g->code[k], code) != 0 || g->t[k] != t ||
		    g->len[k] != json_string_length(d) ||
		    memcmp(g->data[k], json_string_value(d), g->len[k]) != 0)
			fail_msg("line %zu (%s): got %s %lld %zu bytes", i, lines[i], g->code[k],
				 (long long)g->t[k], g->len[k]);
		json_decref(d);
		k++;
	}
	assert_int_equal(k, g->n);
	assert_int_equal(acc, g->n);
	assert_int_equal(drop, want_drop);
	got_free(g);
	free(g);
	free(text);
}

static void test_sampler_lines(void **state)
{
	(void)state;
	static const char *const lines[] = {
		/* the samplers' form: fast path */
		"{\"code\":\"p\",\"data\":\"{\\\"src\\\":\\\"py\\\",\\\"stack\\\":\\\"a:b;c:d\\\"}\",\"time\":123456789}",
		"{\"code\":\"p\",\"data\":\"a\\\\\\\\b\\u00e9\\ud83d\\ude00 \\\" \\t\\u0000x\",\"time\":7}",
		"{\"code\":\"p\",\"data\":\"ends in a backslash \\\\\",\"time\":8}",
		"{\"code\":\"p\",\"data\":\"\",\"time\":9}",
		"{\"code\":\"p\",\"data\":\"raw UTF-8 \xc3\xa9 and DEL \x7f\",\"time\":10}",
		"{\"code\":\"p\",\"data\":\"in the future\",\"time\":999999999999999999}",
		/* near misses: jansson decides */
		"{\"code\":\"p\",\"data\":\"leading zero\",\"time\":0123}",
		"{\"code\":\"p\",\"data\":\"zero\",\"time\":0}",
		"{\"code\":\"p\",\"data\":\"19 digits\",\"time\":1234567890123456789}",
		"{\"code\":\"p\",\"data\":\"too big\",\"time\":99999999999999999999}",
		"{\"code\":\"p\",\"data\":\"negative\",\"time\":-5}",
		"{\"code\":\"p\",\"data\":\"float\",\"time\":5.0}",
		"{\"code\":\"p\",\"data\":\"dup\",\"time\":5,\"time\":6}",
		"{\"code\":\"p\",\"data\":\"bad escape \\x\",\"time\":11}",
		"{\"code\":\"p\",\"data\":\"lone surrogate \\ud83d\",\"time\":12}",
		"{\"code\":\"p\",\"data\":\"raw control \x01\",\"time\":13}",
		"{\"code\":\"p\",\"data\":\"invalid UTF-8 \xff\",\"time\":14}",
		"{\"code\":\"p\",\"data\":\"trailing\",\"time\":15}x",
		"{\"code\":\"p\",\"data\":\"trailing space\",\"time\":16}  ",
		"{\"code\":\"p\",\"data\":\"unterminated,\"time\":17}",
		"{\"code\": \"p\", \"data\": \"spaced\", \"time\": 18}",
		"{\"code\":\"p\",\"data\":\"no time\"}",
		"{\"code\":\"p\",\"data\":\"x\",\"time\":\"19\"}",
		"{\"code\":\"m\",\"data\":\"a mark\",\"time\":20}",
		"{\"code\":\"o\",\"data\":\"refused code\",\"time\":21}",
		"",
		"{\"code\":\"p\",\"data\":\"x\",\"time\":}",
		"{\"code\":\"p\",\"data\":\"x\",\"time\":22",
	};
	check_lines(lines, sizeof lines / sizeof lines[0]);
}

static void got_tid(void *user, long tid)
{
	long *tids = user;
	tids[++tids[0]] = tid;
}

/* {"sampler_tid":TID} (the python sampler's first line) goes to the TID
 * callback, makes no event and counts as accepted; bad forms are dropped. */
static void test_sampler_tid(void **state)
{
	static const char text[] =
		"{\"sampler_tid\":4242}\n"
		"{\"sampler_tid\":0}\n"
		"{\"sampler_tid\":\"12\"}\n"
		"{\"sampler_tid\":7,\"code\":\"m\"}\n"
		"{\"code\":\"m\",\"data\":\"after\"}\n"
		"{\"sampler_tid\":99}\n";
	long tids[8] = { 0 };
	got_t *g = calloc(1, sizeof *g);
	rec_source_t src;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	rec_emit_t out = { .emit = got_emit, .user = g };

	(void)state;
	assert_non_null(g);
	assert_int_equal(ctl_source_new(&src, NULL), 0);
	ctl_source_on_sampler_tid(&src, got_tid, tids);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", ctl_source_path(&src));
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	src.finish(src.self, NOW, &out);
	assert_int_equal(tids[0], 2);
	assert_int_equal(tids[1], 4242);
	assert_int_equal(tids[2], 99);
	assert_int_equal(g->n, 1); /* only the marker */
	assert_string_equal(g->data[0], "after");
	assert_int_equal(ctl_source_accepted(&src), 3);
	/* 0 and "12" are bad; with another key it is an ordinary (bad) line */
	assert_int_equal(ctl_source_dropped(&src), 3);
	src.free(src.self);
	got_free(g);
	free(g);
}

/* Random sampler-form lines: data of random bytes, escaped as JSON (all
 * forms) or not (raw controls, bad escapes, invalid UTF-8), random times. */
static void test_random_lines(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"a", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041",
		"\\u00e9", "\\u20ac", "\\ud83d\\ude00", "\\u0000", "\xc3\xa9", "\xe2\x82\xac",
		";", ":", "{", "}", ",", " ", "\\", "\\u12", "\\ud800", "\x01", "\xff", "\"",
	};
	enum { N = 2000 };
	char **lines = calloc(N, sizeof *lines);
	srand(12345);
	for (int i = 0; i < N; i++) {
		char data[512] = "", t[32];
		int n = rand() % 12;
		for (int k = 0; k < n; k++) {
			/* mostly valid pieces; the last 6 make the line invalid */
			size_t np = sizeof pieces / sizeof pieces[0];
			size_t j = (size_t)rand() % (rand() % 8 ? np - 6 : np);
			strcat(data, pieces[j]);
		}
		switch (rand() % 8) {
		case 0: snprintf(t, sizeof t, "0%d", rand() % 100); break;
		case 1: snprintf(t, sizeof t, "%d.5", rand() % 100 + 1); break;
		default: snprintf(t, sizeof t, "%lld", (long long)rand() * rand() + 1); break;
		}
		lines[i] = malloc(640);
		snprintf(lines[i], 640, "{\"code\":\"p\",\"data\":\"%s\",\"time\":%s}", data, t);
	}
	check_lines((const char *const *)lines, N);
	for (int i = 0; i < N; i++)
		free(lines[i]);
	free(lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampler_lines),
		cmocka_unit_test(test_sampler_tid),
		cmocka_unit_test(test_random_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
