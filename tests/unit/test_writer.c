/* Unit tests for cast_writer: time formatting, v2 and v3 output read back
 * line by line with jansson, clamping, repair of invalid UTF-8, events
 * bigger than the buffer, gzip output inflated with zlib, sticky ENOSPC. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "tracecast/cast_writer.h"

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

static int memfd(void)
{
	int fd = memfd_create("writer-test", 0);
	assert_true(fd >= 0);
	return fd;
}

/* The whole content of fd, NUL-terminated. */
static char *fd_slurp(int fd, size_t *len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *p = malloc((size_t)size + 1);

	assert_non_null(p);
	assert_int_equal(pread(fd, p, (size_t)size, 0), size);
	p[size] = '\0';
	*len = (size_t)size;
	return p;
}

static void time_is(int64_t ns, const char *want)
{
	char buf[32];
	size_t n = cast_format_time(buf, ns);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format_time(void **state)
{
	(void)state;
	time_is(0, "0.000000");
	time_is(1, "0.000000");
	time_is(499, "0.000000");
	time_is(500, "0.000001");
	time_is(1499, "0.000001");
	time_is(1500, "0.000002");
	time_is(999999499, "0.999999");
	time_is(999999500, "1.000000");
	time_is(1500000000, "1.500000");
	time_is(INT64_C(3600) * 1000000000 + 123456789, "3600.123457");
	time_is(INT64_MAX, "9223372036.854776");
	time_is(-1, "0.000000");
	time_is(INT64_MIN, "0.000000");
}

typedef struct ev {
	int64_t ns;
	const char *code;
	const char *data;
	size_t len;
} ev_t;

static json_t *header_v2(void)
{
	json_t *h = json_pack("{s:i, s:i, s:i, s:I, s:s, s:{s:s, s:s}}", "version", 2,
			      "width", 80, "height", 24, "timestamp", (json_int_t)1795751140,
			      "title", "t\xc3\xa9st \"q\"", "env", "SHELL", "/bin/bash", "TERM",
			      "xterm-256color");
	assert_non_null(h);
	return h;
}

/* Write header + events with a writer on a fresh memfd; returns the fd. */
static int write_cast(const cast_writer_opts_t *opts, json_t *header, const ev_t *evs,
		      size_t n, unsigned long *clamped)
{
	cast_writer_t *w;
	int fd = memfd();

	assert_int_equal(cast_writer_open_fd(&w, fd, opts), 0);
	assert_int_equal(cast_writer_header(w, header), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cast_writer_event(w, evs[i].ns, evs[i].code, evs[i].data,
						   evs[i].len), 0);
		if (i % 3 == 0)
			assert_int_equal(cast_writer_flush(w), 0);
	}
	assert_int_equal(cast_writer_close(w), 0);
	if (clamped)
		*clamped = cast_writer_clamped(w);
	off_t size = lseek(fd, 0, SEEK_END);
	assert_int_equal(cast_writer_bytes(w), (uint64_t)size);
	cast_writer_free(w);
	return fd;
}

/* Parse one line of text with jansson (must be one whole JSON value). */
static json_t *parse_line(const char *line, size_t len)
{
	json_error_t e;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL, &e);

	if (!j)
		fail_msg("line does not parse: %s: %.*s", e.text, (int)len, line);
	return j;
}

/* Check the v2/v3 file text against the header and the events as they
 * should read back (want_us: the time of each line as written). */
static void check_cast(const char *text, size_t len, json_t *header, const ev_t *evs,
		       size_t n, const int64_t *want_us)
{
	const char *p = text, *end = text + len;
	size_t line = 0;

	assert_true(len > 0 && text[len - 1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl);
		json_t *j = parse_line(p, (size_t)(nl - p));
		if (line == 0) {
			assert_true(json_equal(j, header));
		} else {
			const ev_t *e = &evs[line - 1];
			assert_true(json_is_array(j));
			assert_int_equal(json_array_size(j), 3);
			json_t *t = json_array_get(j, 0);
			assert_true(json_is_real(t));
			/* %.6f text, so the microseconds are exact. */
			char want[40];
			snprintf(want, sizeof want, "[%lld.%06lld, \"", (long long)(want_us[line - 1] / 1000000),
				 (long long)(want_us[line - 1] % 1000000));
			assert_memory_equal(p, want, strlen(want));
			assert_string_equal(json_string_value(json_array_get(j, 1)), e->code);
			json_t *d = json_array_get(j, 2);
			assert_int_equal(json_string_length(d), e->len);
			assert_memory_equal(json_string_value(d), e->data, e->len);
		}
		json_decref(j);
		p = nl + 1;
		line++;
	}
	assert_int_equal(line, n + 1);
}

#define EV(ns, code, lit) {ns, code, lit, sizeof(lit) - 1}
static const ev_t sample[] = {
	EV(0, "o", "hello\r\n"),
	EV(1, "o", "\x1b[31mred\x1b[0m \"q\" \\ caf\xc3\xa9 \xf0\x9f\x98\x80\x7f\x01"),
	EV(499999, "s", "412 read(3, \"\\n\", 1) = 1 <0.000010>"),
	EV(500000, "r", "100x30"),
	EV(1500000000, "m", ""),
	EV(1500000499, "p", "{\"src\":\"proc\"}"),
	EV(INT64_C(86400) * 1000000000, "x", "0"),
	EV(INT64_C(86400) * 1000000000 + 1, "o", "\0nul\0"),
};

static void test_v2_roundtrip(void **state)
{
	int64_t want[] = {0, 0, 500, 500, 1500000, 1500000, INT64_C(86400000000), INT64_C(86400000000)};
	json_t *h = header_v2();
	size_t len;
	unsigned long clamped = 99;

	(void)state;
	int fd = write_cast(NULL, h, sample, 8, &clamped);
	char *text = fd_slurp(fd, &len);
	check_cast(text, len, h, sample, 8, want);
	assert_int_equal(clamped, 0);
	/* The exact text of a few lines, asciinema style. */
	assert_non_null(strstr(text, "\n[0.000000, \"o\", \"hello\\r\\n\"]\n"));
	assert_non_null(strstr(text, "\\u001b[31mred\\u001b[0m \\\"q\\\" \\\\ caf\xc3\xa9 \xf0\x9f\x98\x80\\u007f\\u0001\"]\n"));
	assert_non_null(strstr(text, "\n[1.500000, \"m\", \"\"]\n"));
	assert_non_null(strstr(text, "\n[86400.000000, \"o\", \"\\u0000nul\\u0000\"]\n"));
	/* The header is one line with asciinema's separators. */
	assert_memory_equal(text, "{\"version\": 2, \"width\": 80, \"height\": 24, ", 42);
	free(text);
	close(fd);
	json_decref(h);
}

/* v3: intervals are differences of the rounded absolute times, so their
 * sum never drifts from the absolute time. */
static void test_v3_intervals(void **state)
{
	json_t *h = json_pack("{s:i, s:{s:i, s:i}}", "version", 3, "term", "cols", 80, "rows", 24);
	cast_writer_opts_t opts = {.version = 3};
	ev_t evs[200];
	int64_t want[200], prev_us = 0, t = 0;
	uint64_t rng = 31;
	size_t len;

	(void)state;
	for (size_t i = 0; i < 200; i++) {
		t += (int64_t)(rng_next(&rng) % 3000000); /* up to 3 ms, odd ns */
		evs[i] = (ev_t){t, "o", "x", 1};
		int64_t us = t / 1000 + (t % 1000 >= 500);
		want[i] = us - prev_us;
		prev_us = us;
	}
	int fd = write_cast(&opts, h, evs, 200, NULL);
	char *text = fd_slurp(fd, &len);
	check_cast(text, len, h, evs, 200, want);
	/* The sum of the written intervals is the last absolute time. */
	int64_t sum = 0;
	for (size_t i = 0; i < 200; i++)
		sum += want[i];
	assert_true(sum == prev_us);
	free(text);
	close(fd);
	json_decref(h);
}

static void test_clamping(void **state)
{
	json_t *h = header_v2();
	const ev_t evs[] = {
		{5000000, "o", "a", 1}, {3000000, "s", "b", 1}, {4000000, "o", "c", 1},
		{6000000, "o", "d", 1}, {5999999, "o", "e", 1}, {-7, "m", "f", 1},
	};
	int64_t want[] = {5000, 5000, 5000, 6000, 6000, 6000};
	unsigned long clamped;
	size_t len;

	(void)state;
	int fd = write_cast(NULL, h, evs, 6, &clamped);
	char *text = fd_slurp(fd, &len);
	check_cast(text, len, h, evs, 6, want);
	assert_int_equal(clamped, 4);
	free(text);
	close(fd);
	json_decref(h);

	/* A negative first time is written as 0 and counted. */
	cast_writer_t *w;
	fd = memfd();
	h = header_v2();
	assert_int_equal(cast_writer_open_fd(&w, fd, NULL), 0);
	assert_int_equal(cast_writer_header(w, h), 0);
	assert_int_equal(cast_writer_event(w, -1000, "o", "z", 1), 0);
	assert_int_equal(cast_writer_clamped(w), 1);
	cast_writer_free(w);
	text = fd_slurp(fd, &len);
	assert_non_null(strstr(text, "\n[0.000000, \"o\", \"z\"]\n"));
	free(text);
	close(fd);
	json_decref(h);
}

/* Invalid UTF-8 is replaced by U+FFFD (last resort), also in big events. */
static void test_repair_and_big(void **state)
{
	json_t *h = header_v2();
	size_t big = 3 * 1024 * 1024 + 6; /* a multiple of 3 */
	char *bad = malloc(big), *fixed = malloc(3 * big), *esc = malloc(big);
	uint64_t rng = 32;
	size_t flen = 0, len;

	(void)state;
	assert_true(bad && fixed && esc);
	/* Invalid bytes spread over a big event (crossing every piece). */
	for (size_t i = 0; i < big; i++) {
		uint64_t r = rng_next(&rng) % 64;
		bad[i] = r == 0 ? (char)0xff : r == 1 ? '\x1b' : r == 2 ? '"' : (char)('a' + r % 26);
		if (r == 0) {
			memcpy(fixed + flen, "\xef\xbf\xbd", 3);
			flen += 3;
		} else {
			fixed[flen++] = bad[i];
		}
	}
	/* Valid and full of escapes: far bigger than the buffer once escaped
	 * (pieces split the two-byte sequences: escaping is byte-wise). */
	for (size_t i = 0; i < big; i++)
		esc[i] = "\x01\xc3\xa9"[i % 3];
	cast_writer_t *w;
	int fd = memfd();
	assert_int_equal(cast_writer_open_fd(&w, fd, NULL), 0);
	assert_int_equal(cast_writer_header(w, h), 0);
	assert_int_equal(cast_writer_event(w, 1000, "o", "\xe2\x82 ok \xff", 7), 0);
	assert_int_equal(cast_writer_event(w, 2000, "o", bad, big), 0);
	assert_int_equal(cast_writer_event(w, 3000, "o", esc, big), 0);
	assert_int_equal(cast_writer_event(w, 4000, "\xff", "c", 1), 0);
	assert_int_equal(cast_writer_close(w), 0);
	cast_writer_free(w);
	const ev_t want_ev[] = {
		{1000, "o", "\xef\xbf\xbd ok \xef\xbf\xbd", 10},
		{2000, "o", fixed, flen},
		{3000, "o", esc, big},
		{4000, "\xef\xbf\xbd", "c", 1},
	};
	int64_t want_us[] = {1, 2, 3, 4};
	char *text = fd_slurp(fd, &len);
	check_cast(text, len, h, want_ev, 4, want_us);
	free(text);
	close(fd);
	free(bad);
	free(fixed);
	free(esc);
	json_decref(h);
}

/* Inflate gz[0..zlen) with zlib directly (gzip wrapper). */
static char *gunzip(const unsigned char *gz, size_t zlen, size_t *out_len)
{
	z_stream zs = {0};
	size_t cap = 1 << 20, n = 0;
	char *out = malloc(cap);
	int rc;

	assert_non_null(out);
	assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
	zs.next_in = (unsigned char *)(uintptr_t)gz;
	zs.avail_in = (uInt)zlen;
	do {
		if (n == cap) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		zs.next_out = (unsigned char *)out + n;
		zs.avail_out = (uInt)(cap - n);
		rc = inflate(&zs, Z_NO_FLUSH);
		n = cap - zs.avail_out;
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
	} while (rc != Z_STREAM_END);
	assert_int_equal(zs.avail_in, 0);
	inflateEnd(&zs);
	*out_len = n;
	return out;
}

static void test_gzip_equals_plain(void **state)
{
	json_t *h = header_v2();
	cast_writer_opts_t gz = {.gzip = true};
	size_t plen, zlen, ulen;

	(void)state;
	for (int v = 2; v <= 3; v++) {
		cast_writer_opts_t plain_opts = {.version = v};
		gz.version = v;
		int pfd = write_cast(&plain_opts, h, sample, 8, NULL);
		int zfd = write_cast(&gz, h, sample, 8, NULL);
		char *plain = fd_slurp(pfd, &plen);
		unsigned char *z = (unsigned char *)fd_slurp(zfd, &zlen);
		assert_int_equal(z[0], 0x1f);
		assert_int_equal(z[1], 0x8b);
		char *un = gunzip(z, zlen, &ulen);
		assert_int_equal(ulen, plen);
		assert_memory_equal(un, plain, plen);
		free(un);
		free(z);
		free(plain);
		close(pfd);
		close(zfd);
	}
	json_decref(h);
}

/* /dev/full: the header's flush meets ENOSPC; from then on every call
 * returns it and close reports it. */
static void test_enospc_sticky(void **state)
{
	json_t *h = header_v2();

	(void)state;
	for (int gz = 0; gz < 2; gz++) {
		cast_writer_opts_t opts = {.gzip = gz, .close_fd = true};
		cast_writer_t *w;
		int fd = open("/dev/full", O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(cast_writer_open_fd(&w, fd, &opts), 0);
		assert_int_equal(cast_writer_error(w), 0);
		assert_int_equal(cast_writer_header(w, h), -ENOSPC);
		assert_int_equal(cast_writer_error(w), -ENOSPC);
		assert_int_equal(cast_writer_event(w, 1, "o", "x", 1), -ENOSPC);
		assert_int_equal(cast_writer_flush(w), -ENOSPC);
		assert_int_equal(cast_writer_close(w), -ENOSPC);
		assert_int_equal(cast_writer_close(w), -ENOSPC);
		assert_int_equal(cast_writer_bytes(w), 0);
		cast_writer_free(w);
	}
	/* An error met later, when the buffer fills (EPIPE: the reader of a
	 * pipe went away), is sticky too and nothing more is written. */
	cast_writer_t *w;
	int p[2];
	char line[1000];
	int rc = 0, i;
	assert_int_equal(pipe(p), 0);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(cast_writer_open_fd(&w, p[1], NULL), 0);
	assert_int_equal(cast_writer_header(w, h), 0);
	close(p[0]);
	memset(line, 'a', sizeof line);
	for (i = 0; i < 10000 && rc == 0; i++)
		rc = cast_writer_event(w, i, "o", line, sizeof line);
	assert_int_equal(rc, -EPIPE);
	assert_true(i > 100); /* buffered: the error came when the buffer filled */
	assert_int_equal(cast_writer_event(w, i, "o", "x", 1), -EPIPE);
	assert_int_equal(cast_writer_flush(w), -EPIPE);
	assert_int_equal(cast_writer_close(w), -EPIPE);
	cast_writer_free(w);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
	json_decref(h);
}

/* Reals in the header are written with the fewest digits that read back
 * exactly (0.1, not 0.10000000000000001), and do read back exactly. */
static void test_header_reals(void **state)
{
	json_t *h = json_pack("{s:i, s:i, s:i, s:f, s:{s:f, s:[f, f]}}", "version", 2, "width", 80,
			      "height", 24, "idle_time_limit", 0.1, "tracecast", "x", 2.0,
			      "y", 1.0 / 3, 1e300);
	size_t len;

	(void)state;
	int fd = write_cast(NULL, h, NULL, 0, NULL);
	char *text = fd_slurp(fd, &len);
	assert_non_null(strstr(text, "\"idle_time_limit\": 0.1, "));
	assert_non_null(strstr(text, "\"x\": 2.0"));
	assert_int_equal(strchr(text, '\n') - text, (long)len - 1); /* one line */
	json_t *back = parse_line(text, len - 1);
	assert_true(json_equal(back, h));
	json_decref(back);
	free(text);
	close(fd);
	json_decref(h);
}

/* A header bigger than the writer's buffer (a long title). */
static void test_header_huge(void **state)
{
	size_t big = 600 * 1024;
	char *title = malloc(big + 1);
	size_t len;

	(void)state;
	assert_non_null(title);
	for (size_t i = 0; i < big; i++)
		title[i] = (char)('a' + i % 26);
	title[big] = '\0';
	json_t *h = json_pack("{s:i, s:i, s:i, s:s}", "version", 2, "width", 80, "height", 24,
			      "title", title);
	assert_non_null(h);
	int fd = write_cast(NULL, h, sample, 8, NULL);
	char *text = fd_slurp(fd, &len);
	int64_t want[] = {0, 0, 500, 500, 1500000, 1500000, INT64_C(86400000000), INT64_C(86400000000)};
	check_cast(text, len, h, sample, 8, want);
	free(text);
	close(fd);
	json_decref(h);
	free(title);
}

static void test_misuse(void **state)
{
	json_t *h = header_v2(), *arr = json_array();
	cast_writer_opts_t bad = {.version = 4};
	cast_writer_t *w;
	int fd = memfd();

	(void)state;
	assert_int_equal(cast_writer_open_fd(&w, fd, &bad), -EINVAL);
	assert_int_equal(cast_writer_open_fd(&w, fd, NULL), 0);
	assert_int_equal(cast_writer_header(w, arr), -EINVAL);
	assert_int_equal(cast_writer_header(w, h), 0);
	assert_int_equal(cast_writer_header(w, h), -EINVAL);
	assert_int_equal(cast_writer_close(w), 0);
	assert_int_equal(cast_writer_event(w, 1, "o", "x", 1), -EBADF);
	cast_writer_free(w);
	cast_writer_free(NULL);
	close(fd);
	json_decref(arr);
	json_decref(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_v2_roundtrip),
		cmocka_unit_test(test_v3_intervals),
		cmocka_unit_test(test_clamping),
		cmocka_unit_test(test_repair_and_big),
		cmocka_unit_test(test_gzip_equals_plain),
		cmocka_unit_test(test_enospc_sticky),
		cmocka_unit_test(test_header_reals),
		cmocka_unit_test(test_header_huge),
		cmocka_unit_test(test_misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
