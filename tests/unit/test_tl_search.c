/* Unit tests for the output search (timeline_search_output): the text is
 * matched as a terminal shows it, so an escape sequence split across "o"
 * events, OSC/DCS strings and control bytes are taken out, and a match may
 * span events, forward and backward, on plain files (which start near t)
 * and gzip ones (read from the start). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "player/timeline.h"

#define MS INT64_C(1000000)

typedef struct ev {
	int ms;
	const char *data;
} ev_t;

/* Append s to out as the inside of a JSON string. */
static size_t json_esc(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\%c", c);
		else if (c < 0x20)
			o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

/* Write a v2 recording of the n events to a temporary file (gzip when
 * gzip), path into path. */
static void write_cast(char *path, size_t psize, const ev_t *evs, size_t n, bool gzip)
{
	snprintf(path, psize, "/tmp/tc-test-tlsearch.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	gzFile g = gzdopen(fd, gzip ? "wb" : "wbT");
	assert_non_null(g);
	gzputs(g, "{\"version\": 2, \"width\": 40, \"height\": 5}\n");
	for (size_t i = 0; i < n; i++) {
		char esc[512];
		json_esc(esc, sizeof esc, evs[i].data);
		gzprintf(g, "[%d.%03d, \"o\", \"%s\"]\n", evs[i].ms / 1000, evs[i].ms % 1000, esc);
	}
	assert_int_equal(gzclose(g), Z_OK);
}

/* The time of the search's hit, in ms, or -1 when not found. */
static int search_ms(const timeline_t *tl, int from_ms, int dir, const char *needle)
{
	int64_t found = -7;
	int rc = timeline_search_output(tl, from_ms * MS, dir, needle, &found);
	if (rc == -ENOENT)
		return -1;
	assert_int_equal(rc, 0);
	return (int)(found / MS);
}

typedef struct expect {
	int from_ms, dir;
	const char *needle;
	int ms; /* -1: not found */
} expect_t;

/* Load evs as a plain and as a gzip file and check every expectation on
 * both. */
static void check(const ev_t *evs, size_t n, const expect_t *ex, size_t nex)
{
	for (int gzip = 0; gzip < 2; gzip++) {
		char path[64];
		timeline_opts_t to = { .quiet = true };
		timeline_t *tl = NULL;
		cast_error_t err;

		write_cast(path, sizeof path, evs, n, gzip);
		assert_int_equal(timeline_load(&tl, path, &to, &err), 0);
		for (size_t i = 0; i < nex; i++) {
			int got = search_ms(tl, ex[i].from_ms, ex[i].dir, ex[i].needle);
			if (got != ex[i].ms)
				fail_msg("%s: \"%s\" from %d ms dir %d: got %d ms, want %d ms",
					 gzip ? "gzip" : "plain", ex[i].needle, ex[i].from_ms,
					 ex[i].dir, got, ex[i].ms);
		}
		timeline_free(tl);
		unlink(path);
	}
}

/* A CSI cut between two events is still taken out, and its parameter
 * bytes never match as text. */
static void test_escape_split(void **state)
{
	static const ev_t evs[] = {
		{ 1000, "ab\x1b" },
		{ 2000, "[1mcd\r\n" },
		{ 3000, "x\x1b[38;5" },
		{ 4000, "2;1" },
		{ 5000, "mz\tw\x1b(Bq" },
	};
	static const expect_t ex[] = {
		{ 0, 1, "abcd", 2000 },
		{ 0, 1, "1mcd", -1 },     /* the raw bytes hold it */
		{ 0, 1, "[1m", -1 },
		{ 0, 1, "xz", 5000 },     /* the CSI spans three events */
		{ 0, 1, "2;1", -1 },
		{ 0, 1, "z wq", 5000 },   /* a tab is a space; ESC ( B is taken out */
		{ 0, 1, "cdx", -1 },      /* a line end separates */
		{ 6000, -1, "abcd", 2000 },
	};
	(void)state;
	check(evs, sizeof evs / sizeof evs[0], ex, sizeof ex / sizeof ex[0]);
}

/* OSC (BEL or ST ended, the ST itself cut between events) and DCS strings
 * are not text. */
static void test_osc(void **state)
{
	static const ev_t evs[] = {
		{ 1000, "\x1b]0;secret title\x07shown" },
		{ 2000, "\x1b]2;hid" },
		{ 3000, "den\x1b" },
		{ 4000, "\\after" },
		{ 5000, "\x1bP1$rdcs\x1b\\ tail" },
	};
	static const expect_t ex[] = {
		{ 0, 1, "secret", -1 },
		{ 0, 1, "shown", 1000 },
		{ 0, 1, "hidden", -1 },
		{ 0, 1, "shownafter", 4000 }, /* across the OSC of three events */
		{ 0, 1, "dcs", -1 },
		{ 0, 1, "after tail", 5000 },
		{ 9000, -1, "shown", 1000 },
	};
	(void)state;
	check(evs, sizeof evs / sizeof evs[0], ex, sizeof ex / sizeof ex[0]);
}

/* A match spanning events is found at the event where it ends: forward
 * from a time between its two parts, backward, and not before it ends. */
static void test_span(void **state)
{
	static const ev_t evs[] = {
		{ 1000, "hel" },
		{ 2000, "lo wor" },
		{ 3000, "ld\r\n" },
		{ 4000, "hello again" },
	};
	static const expect_t ex[] = {
		{ 0, 1, "hello", 2000 },
		{ 1000, 1, "hello", 2000 },   /* begun at or before t, ends after */
		{ 2000, 1, "hello", 4000 },
		{ 4000, 1, "hello", -1 },
		{ 9000, -1, "hello", 4000 },
		{ 4000, -1, "hello", 2000 },
		{ 2000, -1, "hello", -1 },    /* ends at 2.0, not before it */
		{ 0, 1, "world", 3000 },
		{ 0, 1, "ldhello", -1 },
	};
	(void)state;
	check(evs, sizeof evs / sizeof evs[0], ex, sizeof ex / sizeof ex[0]);
}

/* Backward searches read chunks of 4096 events: a match that begins
 * before a chunk and ends in it is found (the chunk reads a few events
 * before its first). */
static void test_chunk_edge(void **state)
{
	enum { N = 6000 };
	static ev_t evs[N];
	static const expect_t ex[] = {
		/* events N-4097, N-4096 (the chunk's first) */
		{ 10 * N, -1, "abc", 10 * (N - 4096) },
		{ 0, 1, "abc", 10 * (N - 4096) },
		{ 10 * (N - 4097), 1, "abc", 10 * (N - 4096) },
	};
	(void)state;
	for (int i = 0; i < N; i++) {
		evs[i].ms = 10 * i;
		evs[i].data = "x";
	}
	evs[N - 4098].data = "a";
	evs[N - 4097].data = "b";
	evs[N - 4096].data = "c";
	check(evs, N, ex, sizeof ex / sizeof ex[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_split),
		cmocka_unit_test(test_osc),
		cmocka_unit_test(test_span),
		cmocka_unit_test(test_chunk_edge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
