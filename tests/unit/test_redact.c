/* Unit tests of --redact (recorder/redact.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "recorder/redact.h"

typedef struct pieces {
	char text[1 << 17];
	size_t len;
	int64_t t[64];
	size_t off[64];
	int n;
} pieces_t;

static void collect(void *user, int64_t t, const char *data, size_t len)
{
	pieces_t *p = user;

	assert_true(len > 0); /* never an empty piece */
	assert_true(p->len + len < sizeof p->text);
	if (p->n < 64) {
		p->t[p->n] = t;
		p->off[p->n++] = p->len;
	}
	memcpy(p->text + p->len, data, len);
	p->len += len;
	p->text[p->len] = '\0';
}

static redact_t *mk(const char *pat)
{
	const char *pats[] = { pat };
	char err[128];
	redact_t *r;

	assert_int_equal(redact_new(&r, pats, 1, err, sizeof err), 0);
	return r;
}

static void test_apply(void **state)
{
	redact_t *r = mk("secret[0-9]+");
	size_t n;
	char *out;

	(void)state;
	out = redact_apply(r, "a secret12 b secret3", 20, &n);
	assert_string_equal(out, "a [REDACTED] b [REDACTED]");
	assert_int_equal(n, strlen(out));
	assert_int_equal(redact_count(r), 2);
	free(out);
	out = redact_apply(r, "nothing", 7, &n);
	assert_string_equal(out, "nothing");
	free(out);
	redact_free(r);
}

static void test_bad_pattern(void **state)
{
	const char *pats[] = { "ok", "a(" };
	char err[128];
	redact_t *r;

	(void)state;
	assert_int_equal(redact_new(&r, pats, 2, err, sizeof err), -22);
	assert_null(r);
	assert_true(strlen(err) > 0);
}

/* A match split across two reads is found; text before it keeps its time. */
static void test_split(void **state)
{
	redact_t *r = mk("secret[0-9]+");
	redact_stream_t *s = redact_stream_new(r);
	static pieces_t p;

	(void)state;
	memset(&p, 0, sizeof p);
	redact_stream_feed(s, 10, "hello sec", 9, false, collect, &p);
	/* only what could start a match is held: "sec" */
	assert_string_equal(p.text, "hello ");
	assert_int_equal(p.t[0], 10);
	assert_int_equal(redact_stream_held(s), 3);
	redact_stream_feed(s, 20, "ret99", 5, false, collect, &p);
	/* "secret99" may still grow: held whole */
	assert_string_equal(p.text, "hello ");
	redact_stream_feed(s, 30, "9 done", 6, false, collect, &p);
	redact_stream_feed(s, 40, "", 0, true, collect, &p);
	assert_string_equal(p.text, "hello [REDACTED] done");
	assert_int_equal(redact_count(r), 1);
	assert_int_equal(redact_stream_held(s), 0);
	redact_stream_free(s);
	redact_free(r);
}

/* Long data goes out, only the last REDACT_HOLD bytes are held, at a
 * character boundary. */
static void test_hold_bound(void **state)
{
	redact_t *r = mk("zzz");
	redact_stream_t *s = redact_stream_new(r);
	static pieces_t p;
	static char big[3 * REDACT_HOLD];

	(void)state;
	memset(&p, 0, sizeof p);
	for (size_t i = 0; i < sizeof big; i += 2) {
		big[i] = (char)0xc3; /* é, two bytes */
		big[i + 1] = (char)0xa9;
	}
	redact_stream_feed(s, 1, big, sizeof big, false, collect, &p);
	assert_true(redact_stream_held(s) <= REDACT_HOLD);
	assert_int_equal(p.len + redact_stream_held(s), sizeof big);
	assert_int_equal(p.len % 2, 0);
	redact_stream_feed(s, 2, "", 0, true, collect, &p);
	assert_int_equal(p.len, sizeof big);
	assert_memory_equal(p.text, big, sizeof big);
	redact_stream_free(s);
	redact_free(r);
}

/* Byte-by-byte feeding finds the same matches as one piece. */
static void test_bytewise(void **state)
{
	const char *pats[] = { "pw=[a-z]+", "tok_[A-Z0-9]{4}" };
	const char *in = "x pw=abc y tok_AB12 z pw=q tok_9999!";
	char err[64];
	redact_t *r;
	static pieces_t p;

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(redact_new(&r, pats, 2, err, sizeof err), 0);
	redact_stream_t *s = redact_stream_new(r);
	for (size_t i = 0; in[i]; i++)
		redact_stream_feed(s, (int64_t)i, in + i, 1, false, collect, &p);
	redact_stream_feed(s, 99, "", 0, true, collect, &p);
	assert_string_equal(p.text, "x [REDACTED] y [REDACTED] z [REDACTED] [REDACTED]!");
	assert_int_equal(redact_count(r), 4);
	for (int i = 1; i < p.n; i++)
		assert_true(p.t[i - 1] <= p.t[i]);
	redact_stream_free(s);
	redact_free(r);
}

/* Empty matches never loop forever nor count. */
static void test_empty_match(void **state)
{
	redact_t *r = mk("x*");
	size_t n;
	char *out = redact_apply(r, "abxxc", 5, &n);

	(void)state;
	assert_string_equal(out, "ab[REDACTED]c");
	assert_int_equal(redact_count(r), 1);
	free(out);
	redact_free(r);
	redact_free(NULL);
	redact_stream_free(NULL);
}

/* Issue 12 item 8: bytes keep the time they were read; what cannot start
 * a match is not held (NOMATCH: "one" and "two" one second apart). */
static void test_timing(void **state)
{
	redact_t *r = mk("NOMATCH");
	redact_stream_t *s = redact_stream_new(r);
	static pieces_t p;

	(void)state;
	memset(&p, 0, sizeof p);
	redact_stream_feed(s, 11000000, "one\r\n", 5, false, collect, &p);
	redact_stream_feed(s, 1011000000, "two\r\nNOM", 8, false, collect, &p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.t[0], 11000000);
	assert_int_equal(p.t[1], 1011000000);
	assert_string_equal(p.text, "one\r\ntwo\r\n");
	assert_int_equal(redact_stream_held(s), 3); /* "NOM" could start it */
	/* held no longer than the window, then out with its own time */
	redact_stream_expire(s, 1011000000 + 50000000, 100000000, collect, &p);
	assert_int_equal(redact_stream_held(s), 3);
	assert_int_equal(redact_stream_held_since(s), 1011000000);
	redact_stream_expire(s, 1011000000 + 100000000, 100000000, collect, &p);
	assert_int_equal(redact_stream_held(s), 0);
	assert_string_equal(p.text, "one\r\ntwo\r\nNOM");
	assert_int_equal(p.t[p.n - 1], 1011000000);
	redact_stream_free(s);
	redact_free(r);
}

/* A secret split across two reads 50 ms apart (inside the window). */
static void test_split_50ms(void **state)
{
	redact_t *r = mk("hunter2");
	redact_stream_t *s = redact_stream_new(r);
	static pieces_t p;

	(void)state;
	memset(&p, 0, sizeof p);
	redact_stream_feed(s, 0, "pw: hun", 7, false, collect, &p);
	redact_stream_expire(s, 50000000, 100000000, collect, &p);
	redact_stream_feed(s, 50000000, "ter2\r\n", 6, false, collect, &p);
	redact_stream_feed(s, 60000000, "", 0, true, collect, &p);
	assert_string_equal(p.text, "pw: [REDACTED]\r\n");
	assert_int_equal(p.t[0], 0);
	assert_int_equal(p.t[1], 0); /* the replacement: time of its first byte */
	assert_int_equal(redact_count(r), 1);
	redact_stream_free(s);
	redact_free(r);
}

/* Issue 18 item 11: a secret split by escape sequences (SGR, OSC, 8-bit
 * CSI), also across reads; the whole span goes. */
static void test_escapes(void **state)
{
	redact_t *r = mk("hunter2");
	redact_stream_t *s = redact_stream_new(r);
	static pieces_t p;

	(void)state;
	memset(&p, 0, sizeof p);
	static const char *const in[] = { "a hun\033[0mter2 b", " hu\033]0;t\007nt\302\2331mer",
					  "2 c\033[", "0m" };
	for (int i = 0; i < 4; i++)
		redact_stream_feed(s, i + 1, in[i], strlen(in[i]), i == 3, collect, &p);
	assert_string_equal(p.text, "a [REDACTED] b [REDACTED] c\033[0m");
	assert_int_equal(redact_count(r), 2);
	redact_stream_free(s);
	redact_free(r);
}

/* Issue 18 item 11: strace lines. */
static void test_strace(void **state)
{
	const char *pats[] = { "p\xc3\xa4ssw\xc3\xb6rd", "hunter2", "a\"b", "x\ty" };
	char err[64];
	redact_t *r;
	size_t n;
	char *out;
	static const struct { const char *in, *out; bool keep; } cases[] = {
		/* escaped by strace: octal UTF-8, -xx hex, \" and \t */
		{ "7 openat(AT_FDCWD, \"/p\\303\\244ssw\\303\\266rd\", O_RDONLY) = -1 ENOENT (x) <0.1>",
		  "7 openat(AT_FDCWD, \"/[REDACTED]\", O_RDONLY) = -1 ENOENT (x) <0.1>", false },
		{ "7 execve(\"\\x68\\x75\\x6e\\x74\\x65\\x72\\x32\", [], 0x0) = 0",
		  "7 execve(\"[REDACTED]\", [], 0x0) = 0", false },
		{ "7 mkdir(\"q a\\\"b q\", 0777) = 0", "7 mkdir(\"q [REDACTED] q\", 0777) = 0", false },
		{ "7 mkdir(\"x\\ty\", 0777) = 0", "7 mkdir(\"[REDACTED]\", 0777) = 0", false },
		/* cut by -s inside a secret: the tail that could start it goes */
		{ "7 execve(\"/bin/echo\", [\"echo\", \"the password is hunt\"...], 0x0) = 0",
		  "7 execve(\"/bin/echo\", [\"echo\", \"the password is [REDACTED]\"...], 0x0) = 0", false },
		{ "7 execve(\"/bin/echo\", [\"echo\", \"nothing to see he\"...], 0x0) = 0",
		  "7 execve(\"/bin/echo\", [\"echo\", \"nothing to see he\"...], 0x0) = 0", false },
		/* data buffers: their length only, unless kept */
		{ "7 write(1, \"h\", 1) = 1 <0.000010>", "7 write(1, \"\"..., 1) = 1 <0.000010>", false },
		{ "7 <... read resumed>\"hunter2\\n\", 4096) = 8", "7 <... read resumed>\"\"..., 4096) = 8", false },
		{ "7 write(1, \"hunter2\\n\", 8) = 8", "7 write(1, \"[REDACTED]\\x0a\", 8) = 8", true },
		{ "7 write(1, \"ok\\n\", 3) = 3", "7 write(1, \"ok\\n\", 3) = 3", true },
	};

	(void)state;
	assert_int_equal(redact_new(&r, pats, 4, err, sizeof err), 0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		out = redact_strace(r, cases[i].in, strlen(cases[i].in), cases[i].keep, &n);
		assert_non_null(out);
		if (strcmp(out, cases[i].out))
			fail_msg("case %zu: %s\n  got  %s\n  want %s", i, cases[i].in, out, cases[i].out);
		assert_int_equal(n, strlen(out));
		free(out);
	}
	redact_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_bad_pattern),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_hold_bound),
		cmocka_unit_test(test_bytewise),
		cmocka_unit_test(test_empty_match),
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_split_50ms),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_strace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
