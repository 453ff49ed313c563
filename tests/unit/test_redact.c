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
	assert_int_equal(p.len, 0); /* all held: under REDACT_HOLD */
	redact_stream_feed(s, 20, "ret99", 5, false, collect, &p);
	/* "secret99" may still grow: held whole, "hello " went out at time 10 */
	assert_string_equal(p.text, "hello ");
	assert_int_equal(p.t[0], 10);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_bad_pattern),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_hold_bound),
		cmocka_unit_test(test_bytewise),
		cmocka_unit_test(test_empty_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
