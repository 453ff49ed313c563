/* Unit tests for the small modules: strv, tc_clock, cast_error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "tracecast/cast_error.h"
#include "tracecast/fdio.h"
#include "tracecast/strv.h"
#include "tracecast/tc_clock.h"

static void test_strv(void **state)
{
	strv_t s;

	(void)state;
	strv_init(&s);
	assert_null(s.v);
	assert_int_equal(s.n, 0);
	for (int i = 0; i < 100; i++) {
		char buf[16];
		snprintf(buf, sizeof buf, "a%d", i);
		assert_int_equal(strv_push(&s, buf), 0);
	}
	assert_int_equal(s.n, 100);
	assert_string_equal(s.v[0], "a0");
	assert_string_equal(s.v[99], "a99");
	assert_null(s.v[100]);
	assert_int_equal(strv_insert(&s, 0, "strace"), 0);
	assert_int_equal(strv_insert(&s, 1, "-f"), 0);
	assert_int_equal(strv_insert(&s, s.n, "last"), 0);
	assert_int_equal(strv_insert(&s, s.n + 1, "bad"), -EINVAL);
	assert_string_equal(s.v[0], "strace");
	assert_string_equal(s.v[1], "-f");
	assert_string_equal(s.v[2], "a0");
	assert_string_equal(s.v[s.n - 1], "last");
	assert_null(s.v[s.n]);
	assert_int_equal(s.n, 103);
	strv_cleanup(&s);
	assert_null(s.v);
	assert_int_equal(s.n, 0);

	/* Insert into an empty vector; the copy is independent of the input. */
	char word[] = "word";
	assert_int_equal(strv_insert(&s, 0, word), 0);
	word[0] = 'W';
	assert_string_equal(s.v[0], "word");
	strv_cleanup(&s);
	strv_cleanup(&s); /* twice is harmless */
}

static void test_strv_setenv(void **state)
{
	strv_t s;

	(void)state;
	strv_init(&s);
	assert_int_equal(strv_setenv(&s, "TERM", "xterm"), 0);
	assert_int_equal(strv_push(&s, "TERMINFO=/x"), 0);
	assert_int_equal(strv_setenv(&s, "SHELL", "/bin/sh"), 0);
	assert_int_equal(strv_setenv(&s, "TERM", "xterm-256color"), 0);
	assert_int_equal(strv_setenv(&s, "EMPTY", ""), 0);
	assert_int_equal(strv_setenv(&s, "A=B", "x"), -EINVAL);
	assert_int_equal(strv_setenv(&s, "", "x"), -EINVAL);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.v[0], "TERM=xterm-256color");
	assert_string_equal(s.v[1], "TERMINFO=/x"); /* a longer name is not TERM */
	assert_string_equal(s.v[2], "SHELL=/bin/sh");
	assert_string_equal(s.v[3], "EMPTY=");
	assert_null(s.v[4]);
	strv_cleanup(&s);
}

static void test_clock(void **state)
{
	struct timespec ts;
	int64_t width = -1, prev = tc_clock_mono_ns();

	(void)state;
	for (int i = 0; i < 1000; i++) {
		int64_t now = tc_clock_mono_ns();
		assert_true(now >= prev);
		prev = now;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t real = tc_clock_real_ns();
	assert_true(real >= (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);

	int64_t off = tc_clock_offset_ns(9, &width);
	assert_true(width >= 0);
	/* The offset predicts realtime from monotonic within the measured
	 * brackets (generous bound: the machine is loaded). */
	int64_t m1 = tc_clock_mono_ns();
	int64_t r = tc_clock_real_ns();
	int64_t m2 = tc_clock_mono_ns();
	int64_t err = r - (m1 + off);
	if (err < 0)
		err = -err;
	assert_true(err <= (m2 - m1) + width + 50 * 1000 * 1000);
	/* width may be NULL; tries < 1 still measures once. */
	int64_t off2 = tc_clock_offset_ns(0, NULL);
	int64_t d = off2 - off;
	assert_true(d < 50 * 1000 * 1000 && d > -50 * 1000 * 1000);
}

static void test_error_format(void **state)
{
	cast_error_t e;
	char buf[600];

	(void)state;
	cast_error_set(&e, "demo.cast", 3, 1, "event is not a JSON array");
	assert_string_equal(cast_error_format(&e, buf, sizeof buf),
			    "demo.cast:3:1: event is not a JSON array");
	cast_error_set(&e, "demo.cast", 17, 0, "expected %s after event time", "','");
	assert_string_equal(cast_error_format(&e, buf, sizeof buf),
			    "demo.cast:17: expected ',' after event time");
	cast_error_set(&e, "-", 0, 5, "no line");
	assert_int_equal(e.column, 0); /* a column without a line means nothing */
	assert_string_equal(cast_error_format(&e, buf, sizeof buf), "-: no line");
	cast_error_set(&e, NULL, 2, 4, "x=%d", 42);
	assert_string_equal(cast_error_format(&e, buf, sizeof buf), "2:4: x=42");
	cast_error_set(&e, NULL, 0, 0, "bare");
	assert_string_equal(cast_error_format(&e, buf, sizeof buf), "bare");
	cast_error_set(NULL, "x", 1, 1, "ignored"); /* no-op */

	/* Truncation: always NUL-terminated. */
	cast_error_set(&e, "file.cast", 1, 2, "long message");
	assert_string_equal(cast_error_format(&e, buf, 8), "file.ca");
	assert_string_equal(cast_error_format(&e, buf, 14), "file.cast:1:2");
	char big[1000];
	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cast_error_set(&e, big, 1, 1, "%s", big);
	assert_int_equal(strlen(e.source), CAST_ERROR_SOURCE - 1);
	assert_int_equal(strlen(e.text), CAST_ERROR_TEXT - 1);
	cast_error_format(&e, buf, sizeof buf);
	assert_int_equal(strlen(buf), (CAST_ERROR_SOURCE - 1) + strlen(":1:1: ") + (CAST_ERROR_TEXT - 1));
	cast_error_format(&e, buf, 300);
	assert_int_equal(strlen(buf), 299);
}

static void test_error_print(void **state)
{
	cast_error_t e;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	cast_error_set(&e, "demo.cast", 3, 1, "event is not a JSON array");
	cast_error_print(fp, NULL, &e);
	cast_error_print(fp, "warning", &e);
	cast_error_set(&e, NULL, 0, 0, "no place");
	cast_error_print(fp, "", &e);
	fclose(fp);
	assert_string_equal(text,
			    "tracecast: demo.cast:3:1: event is not a JSON array\n"
			    "tracecast: demo.cast:3:1: warning: event is not a JSON array\n"
			    "tracecast: no place\n");
	free(text);
}

/* A reader that takes a pipe's bytes in small pieces, slowly. */
typedef struct slow_reader {
	int fd;
	unsigned char *got;
	size_t len, cap;
} slow_reader_t;

static void *slow_read(void *arg)
{
	slow_reader_t *r = arg;
	ssize_t n;
	while (r->len < r->cap && (n = read(r->fd, r->got + r->len, 1000)) > 0) {
		r->len += (size_t)n;
		if (r->len % 64 == 0)
			sched_yield();
	}
	return NULL;
}

/* fdio_write_all: every byte, in order, through a non-blocking pipe much
 * smaller than the data (short writes and EAGAIN); -EPIPE once the reader
 * is gone. */
static void test_fdio_write_all(void **state)
{
	enum { N = 1 << 20 };
	int p[2];
	unsigned char *buf = malloc(N), *got = malloc(N);
	slow_reader_t r = { .got = got, .cap = N };
	pthread_t th;
	(void)state;
	assert_non_null(buf);
	assert_non_null(got);
	for (size_t i = 0; i < N; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	r.fd = p[0];
	assert_int_equal(pthread_create(&th, NULL, slow_read, &r), 0);
	assert_int_equal(fdio_write_all(p[1], buf, N), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(r.len, N);
	assert_memory_equal(got, buf, N);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(fdio_write_all(p[1], buf, 10), -EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	free(buf);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_strv_setenv),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_error_print),
		cmocka_unit_test(test_fdio_write_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
