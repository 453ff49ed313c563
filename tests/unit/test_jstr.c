/* Unit tests for jstr: escaping checked by decoding our output with
 * jansson; unescaping compared with jansson's json_loadb on fixed and on
 * random inputs (fixed seeds). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "tracecast/jstr.h"

/* xorshift64*: a small deterministic generator for the random cases. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* Fill buf (capacity cap) with 0..maxparts-1 random atoms end to end,
 * stopping before one that does not fit; returns the length. */
static size_t join_atoms(char *buf, size_t cap, const char *const *atoms, size_t natoms,
			 unsigned maxparts, uint64_t *rng)
{
	size_t n = 0, parts = rng_next(rng) % maxparts;

	while (parts--) {
		const char *a = atoms[rng_next(rng) % natoms];
		size_t al = strlen(a);
		if (n + al > cap)
			break;
		memcpy(buf + n, a, al);
		n += al;
	}
	return n;
}

/* Decode "<s>" with jansson as the reader does; NULL if rejected. */
static json_t *jansson_string(const char *s, size_t len)
{
	char *q = malloc(len + 2);
	json_error_t e;
	json_t *j;

	assert_non_null(q);
	q[0] = '"';
	memcpy(q + 1, s, len);
	q[len + 1] = '"';
	j = json_loadb(q, len + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	free(q);
	if (j && !json_is_string(j))
		fail_msg("jansson decoded a string's inside to a non-string");
	return j;
}

/* Escape in[0..len), then check jansson decodes it back to the same bytes
 * and that no raw control or DEL is left in the output. */
static void check_escape_roundtrip(const char *in, size_t len)
{
	char *out = malloc(JSTR_ESCAPE_MAX(len) + 1);
	size_t n;
	json_t *j;

	assert_non_null(out);
	n = jstr_escape(out, in, len);
	assert_true(n <= JSTR_ESCAPE_MAX(len));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		assert_true(c >= 0x20 && c != 0x7f);
	}
	j = jansson_string(out, n);
	assert_non_null(j);
	assert_int_equal(json_string_length(j), len);
	assert_memory_equal(json_string_value(j), in, len);
	json_decref(j);
	free(out);
}

static void escape_is(const char *in, size_t len, const char *want)
{
	char out[64];
	size_t n = jstr_escape(out, in, len);

	out[n] = '\0';
	assert_string_equal(out, want);
}

static void test_escape_every_control(void **state)
{
	(void)state;
	for (int c = 0; c < 0x20; c++) {
		char in[3] = {'a', (char)c, 'b'};
		check_escape_roundtrip(in, 1 + 1 + 1);
		check_escape_roundtrip(in + 1, 1);
	}
	char del = 0x7f;
	check_escape_roundtrip(&del, 1);

	/* The exact text, as Python's json.dumps writes it (lowercase hex). */
	escape_is("\x1b[0m", 4, "\\u001b[0m");
	escape_is("\x00", 1, "\\u0000");
	escape_is("\x01", 1, "\\u0001");
	escape_is("\x1f", 1, "\\u001f");
	escape_is("\x7f", 1, "\\u007f");
	escape_is("\x0b", 1, "\\u000b");
	escape_is("\n\r\t\b\f", 5, "\\n\\r\\t\\b\\f");
	escape_is("\"\\/", 3, "\\\"\\\\/");
	escape_is("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	escape_is("", 0, "");
}

/* Each control and DEL at every position of a run longer than a word, so
 * both the 8-byte scan and the byte loop meet it. */
static void test_escape_positions(void **state)
{
	static const unsigned char specials[] = {0x00, 0x07, 0x0a, 0x1b, 0x1f, '"', '\\', 0x7f};
	char buf[40];

	(void)state;
	for (size_t s = 0; s < sizeof specials; s++)
		for (size_t pos = 0; pos < sizeof buf; pos++) {
			memset(buf, 'x', sizeof buf);
			buf[pos] = (char)specials[s];
			check_escape_roundtrip(buf, sizeof buf);
			check_escape_roundtrip(buf + 1, pos + 1 < sizeof buf ? pos : 0);
		}
}

/* Append the UTF-8 encoding of scalar value cp to o. */
static size_t put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A random scalar value, mostly ASCII and controls. */
static uint32_t random_cp(uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	switch (r % 8) {
	case 0: return (uint32_t)(r >> 8) % 0x20;
	case 1: return 0x7f;
	case 2: return (uint32_t)(r >> 8) % 0x780 + 0x80;
	case 3: {
		uint32_t cp = (uint32_t)(r >> 8) % 0xf800 + 0x800;
		return cp >= 0xd800 && cp <= 0xdfff ? cp + 0x800 : cp;
	}
	case 4: return (uint32_t)(r >> 8) % 0x100000 + 0x10000;
	case 5: return "\"\\/"[(r >> 8) % 3];
	default: return (uint32_t)(r >> 8) % 0x5f + 0x20;
	}
}

static void test_escape_random(void **state)
{
	uint64_t rng = 0x5eed0001;
	char buf[400];

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 0, want = rng_next(&rng) % 90;
		while (n + 4 <= sizeof buf && want--)
			n += put_cp(buf + n, random_cp(&rng));
		check_escape_roundtrip(buf, n);
	}
}

/* jstr_unescape must accept exactly what jansson accepts and decode the
 * same bytes. */
static void check_unescape(const char *in, size_t len)
{
	char *out = malloc(len + 1);
	size_t bad = (size_t)-1;
	long n;
	json_t *j;

	assert_non_null(out);
	n = jstr_unescape(out, in, len, &bad);
	j = jansson_string(in, len);
	if (!j) {
		if (n != -1)
			fail_msg("accepted what jansson rejects: \"%.*s\"", (int)len, in);
		assert_true(bad < len);
	} else {
		if (n < 0)
			fail_msg("rejected what jansson accepts: \"%.*s\" at %zu", (int)len, in, bad);
		assert_int_equal((size_t)n, json_string_length(j));
		assert_memory_equal(out, json_string_value(j), (size_t)n);
		assert_int_equal(out[n], '\0');
		json_decref(j);
	}
	free(out);
}

#define CHECK_LIT(s) check_unescape(s, sizeof(s) - 1)

static void unescape_is(const char *in, const char *want, size_t want_len)
{
	char out[64];
	long n = jstr_unescape(out, in, strlen(in), NULL);

	assert_int_equal(n, (long)want_len);
	assert_memory_equal(out, want, want_len);
}

static void test_unescape_forms(void **state)
{
	(void)state;
	/* Every escape form, decoded exactly. */
	unescape_is("\\u001b[0m", "\x1b[0m", 4);
	unescape_is("\\u00e9\\u00E9", "\xc3\xa9\xc3\xa9", 4);
	unescape_is("\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4);
	unescape_is("\\uD83D\\uDE00", "\xf0\x9f\x98\x80", 4);
	unescape_is("\\udbff\\udfff", "\xf4\x8f\xbf\xbf", 4);
	unescape_is("\\u0000x", "\0x", 2);
	unescape_is("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8);
	unescape_is("\\u20ac\\u0800\\u07ff\\uffff", "\xe2\x82\xac\xe0\xa0\x80\xdf\xbf\xef\xbf\xbf", 11);
	unescape_is("caf\xc3\xa9 \xf0\x9f\x98\x80\x7f", "caf\xc3\xa9 \xf0\x9f\x98\x80\x7f", 11);

	/* The same, and the faults, against jansson. */
	CHECK_LIT("");
	CHECK_LIT("plain text long enough for words");
	CHECK_LIT("\\u001b");
	CHECK_LIT("\\u00e9");
	CHECK_LIT("\\ud83d\\ude00");
	CHECK_LIT("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK_LIT("\x7f");
	CHECK_LIT("\\u0000");
	CHECK_LIT("\\/");
	CHECK_LIT("\\ud83d");          /* lone high surrogate */
	CHECK_LIT("\\ude00");          /* lone low surrogate */
	CHECK_LIT("\\ud83dx");
	CHECK_LIT("\\ud83d\\u0041");
	CHECK_LIT("\\ud83d\\ud83d");
	CHECK_LIT("\\ud83d\\udbff");        /* high, high */
	CHECK_LIT("\\ud83d\\ue000");        /* high, above the low range */
	CHECK_LIT("\\ud83d\\udbffx");
	CHECK_LIT("\\ud800\\udc00");        /* the first and the last pair */
	CHECK_LIT("\\udbff\\udfff");
	CHECK_LIT("\\ud83d\\n");
	CHECK_LIT("\\ud83d\\\\ude00");
	CHECK_LIT("\\ud83d\\ude0");
	CHECK_LIT("\\x");
	CHECK_LIT("\\u12");
	CHECK_LIT("\\u12g4");
	CHECK_LIT("\\U0041");
	CHECK_LIT("\\");
	CHECK_LIT("abc\\");
	CHECK_LIT("\x01");
	CHECK_LIT("\n");
	CHECK_LIT("\t");
	CHECK_LIT("a\"b");
	CHECK_LIT("\xff");
	CHECK_LIT("\x80");
	CHECK_LIT("\xc0\x80");
	CHECK_LIT("\xc1\xbf");
	CHECK_LIT("\xe0\x80\x80");
	CHECK_LIT("\xe0\x9f\xbf");
	CHECK_LIT("\xed\xa0\x80");
	CHECK_LIT("\xed\x9f\xbf");
	CHECK_LIT("\xf0\x8f\xbf\xbf");
	CHECK_LIT("\xf4\x8f\xbf\xbf");
	CHECK_LIT("\xf4\x90\x80\x80");
	CHECK_LIT("\xf5\x80\x80\x80");
	CHECK_LIT("\xe2\x82");
	CHECK_LIT("\xe2\x82x");
	CHECK_LIT("\xf0\x9f\x98");
	check_unescape("a\0b", 3);
}

/* Every special byte and escape at every position of a long ASCII run,
 * so both the block scan and the byte path meet it. */
static void test_unescape_positions(void **state)
{
	static const char *const specials[] = {
		"\x01", "\n", "\"", "\\", "\\n", "\\u001b", "\\ud83d\\ude00", "\x7f",
		"\xc3\xa9", "\xff", "\xe2\x82", "\\u12", "\\ud83d",
	};
	char buf[80];

	(void)state;
	for (size_t s = 0; s < sizeof specials / sizeof *specials; s++) {
		size_t sl = strlen(specials[s]);
		for (size_t pos = 0; pos + sl <= 48; pos++) {
			memset(buf, 'y', 48);
			memcpy(buf + pos, specials[s], sl);
			check_unescape(buf, 48);
			check_unescape(buf, pos + sl);
		}
	}
}

/* Random strings over an alphabet rich in escape material. */
static void test_unescape_random(void **state)
{
	static const char *const atoms[] = {
		"\\", "u", "\\u", "d8", "d83d", "de00", "dc", "DB", "00", "1b", "e9",
		"0", "a", "F", "g", "\"", "/", "n", "t", "b", "x", "\x7f", "\x1b", "\n",
		"\xc3", "\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed", "\xa0",
		"\xf4", "\x90", "\x80", "\xbf", "\xff", "\xc0", "\xe0", "\xf0",
		"\\ud83d\\ude00", "\\u0000", "\\\\", "\\\"", "hello world ",
	};
	uint64_t rng = 0x5eed0002;
	char buf[256];

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = join_atoms(buf, sizeof buf, atoms, sizeof atoms / sizeof *atoms,
				      12, &rng);
		check_unescape(buf, n);
	}
	/* Fully random bytes too. */
	for (int iter = 0; iter < 100000; iter++) {
		size_t n = rng_next(&rng) % 24;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(rng_next(&rng) >> 24);
		check_unescape(buf, n);
	}
}

/* jstr_escape_valid: -1 exactly when jansson's own UTF-8 check
 * (json_stringn) rejects the input; otherwise the same as jstr_escape. */
static void check_escape_valid(const char *in, size_t len)
{
	char *a = malloc(JSTR_ESCAPE_MAX(len) + 1), *b = malloc(JSTR_ESCAPE_MAX(len) + 1);
	json_t *j = json_stringn(in, len);
	long n;

	assert_true(a && b);
	n = jstr_escape_valid(a, in, len);
	if (!j) {
		if (n != -1)
			fail_msg("jstr_escape_valid accepted invalid UTF-8 (%zu bytes)", len);
	} else {
		assert_true(n >= 0);
		assert_int_equal((size_t)n, jstr_escape(b, in, len));
		assert_memory_equal(a, b, (size_t)n);
		json_decref(j);
	}
	free(a);
	free(b);
}

static void test_escape_valid(void **state)
{
	static const char *const atoms[] = {
		"plain ascii text", "\x1b[0m", "\r\n", "\"", "\\", "\x7f",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xe2\x82",
		"\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80", "\xff", "\x80",
		"\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xf5", "0123456789abcdef",
	};
	uint64_t rng = 0x5eed0004;
	char buf[300];

	(void)state;
	for (int iter = 0; iter < 100000; iter++) {
		size_t n = join_atoms(buf, sizeof buf, atoms, sizeof atoms / sizeof *atoms,
				      16, &rng);
		check_escape_valid(buf, n);
	}
	/* A bad byte at every position of runs longer than a block. */
	for (size_t pos = 0; pos < 48; pos++) {
		memset(buf, 'x', 48);
		buf[pos] = (char)0xff;
		check_escape_valid(buf, 48);
		buf[pos] = (char)0xc3; /* truncated at the end, or followed by 'x' */
		check_escape_valid(buf, pos + 1);
		check_escape_valid(buf, 48);
	}
}

/* Escaping then unescaping gives the input back (valid UTF-8 input). */
static void test_escape_unescape(void **state)
{
	uint64_t rng = 0x5eed0003;
	char in[400], esc[JSTR_ESCAPE_MAX(400)], back[JSTR_ESCAPE_MAX(400) + 1];

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 0, want = rng_next(&rng) % 90;
		while (n + 4 <= sizeof in && want--)
			n += put_cp(in + n, random_cp(&rng));
		size_t e = jstr_escape(esc, in, n);
		long b = jstr_unescape(back, esc, e, NULL);
		assert_int_equal(b, (long)n);
		assert_memory_equal(back, in, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_every_control),
		cmocka_unit_test(test_escape_positions),
		cmocka_unit_test(test_escape_random),
		cmocka_unit_test(test_unescape_forms),
		cmocka_unit_test(test_unescape_random),
		cmocka_unit_test(test_escape_valid),
		cmocka_unit_test(test_unescape_positions),
		cmocka_unit_test(test_escape_unescape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
