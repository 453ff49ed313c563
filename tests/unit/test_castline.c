/* Unit tests of castline: exact time conversion from decimal text, the
 * [time, "code", "data"] scanner, and agreement with jansson on every case
 * the scanner accepts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "tracecast/castline.h"

static int64_t ptime(const char *tok)
{
	int64_t ns = -42;

	if (castline_parse_time(tok, strlen(tok), &ns) < 0)
		return -1;
	return ns;
}

static void test_parse_time_exact(void **state)
{
	static const struct {
		const char *tok;
		int64_t ns;
	} cases[] = {
		{"0", 0},
		{"-0", 0},
		{"-0.0e5", 0},
		{"0.000", 0},
		{"1", 1000000000},
		{"2.0", 2000000000},
		{"1.5", 1500000000},
		{"1.234567", 1234567000},
		{"0.1", 100000000},
		{"0.000000001", 1},
		{"0.0000000005", 1},          /* a tie rounds away from zero */
		{"0.00000000049999999999", 0},
		{"0.0000000015", 2},
		{"1.0000000004999", 1000000000},
		{"1.0000000005", 1000000001},
		{"123456.123456789", INT64_C(123456123456789)},
		{"1e3", INT64_C(1000000000000)},
		{"1E+3", INT64_C(1000000000000)},
		{"1.5E-3", 1500000},
		{"15e-10", 2},
		{"12.5e-10", 1},
		{"1000000000000000000000e-20", 10000000000},
		{"0.1000000000000000000000000000001", 100000000},
		{"1e-400", 0},
		{"0e999999999999999999", 0},
		{"5e-10", 1},
		{"4.9e-10", 0},
		{"9223372036.854775807", INT64_MAX},
		{"9223372036.8547758074", INT64_MAX},
		{"9223372036.8547758075", -1},  /* rounds to INT64_MAX + 1 */
		{"9223372037", -1},
		{"1e10", -1},
		{"1e400", -1},
		{"99999999999999999999999", -1},
		{"-1", -1},
		{"-0.000000001", -1},
		{"-1e-400", -1},               /* negative, however small */
		{"01", -1},
		{"00", -1},
		{"1.", -1},
		{".5", -1},
		{"+1", -1},
		{"1e", -1},
		{"1e+", -1},
		{"1.e3", -1},
		{"--1", -1},
		{" 1", -1},
		{"1 ", -1},
		{"1x", -1},
		{"0x10", -1},
		{"", -1},
		{"-", -1},
		{"NaN", -1},
		{"Infinity", -1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t got = ptime(cases[i].tok);
		if (got != cases[i].ns)
			fail_msg("castline_parse_time(\"%s\") = %lld, want %lld", cases[i].tok,
				 (long long)got, (long long)cases[i].ns);
	}
}

/* Random tokens: the result equals an independent computation (integer
 * seconds * 1e9 + fraction digits) and is near jansson's double. */
static void test_parse_time_random(void **state)
{
	unsigned seed = 12345;
	(void)state;
	for (int i = 0; i < 100000; i++) {
		char tok[64];
		uint64_t sec, frac;
		int nfrac, n;
		int64_t ns, want;
		json_t *j;

		seed = seed * 1103515245u + 12345u;
		sec = (seed >> 4) % 100000000u;
		seed = seed * 1103515245u + 12345u;
		nfrac = (int)(seed >> 8) % 10; /* 0..9 fraction digits: exact */
		seed = seed * 1103515245u + 12345u;
		frac = (seed >> 2) % 1000000000u;
		for (int k = nfrac; k < 9; k++)
			frac /= 10;
		if (nfrac)
			n = snprintf(tok, sizeof tok, "%llu.%0*llu", (unsigned long long)sec, nfrac,
				     (unsigned long long)frac);
		else
			n = snprintf(tok, sizeof tok, "%llu", (unsigned long long)sec);
		want = (int64_t)sec * 1000000000;
		{
			uint64_t f = frac;
			for (int k = nfrac; k < 9; k++)
				f *= 10;
			want += (int64_t)f;
		}
		assert_int_equal(castline_parse_time(tok, (size_t)n, &ns), 0);
		if (ns != want)
			fail_msg("%s: %lld != %lld", tok, (long long)ns, (long long)want);
		j = json_loads(tok, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		assert_true(fabs(json_number_value(j) * 1e9 - (double)ns) <= 1.0 + 1e-12 * (double)ns);
		json_decref(j);
	}
}

typedef struct scan_case {
	const char *line;
	size_t len; /* 0: strlen */
	int64_t ns;
	const char *code;
	const char *data;
	size_t data_len; /* 0: strlen(data) */
} scan_case_t;

/* Scan s; on acceptance check jansson decodes the same values. */
static int scan(const char *s, size_t len, castline_t *out, char **buf)
{
	json_error_t je;
	json_t *j;
	int ok;

	*buf = malloc(len + 2);
	assert_non_null(*buf);
	ok = castline_scan(s, len, *buf, out);
	if (!ok)
		return 0;
	j = json_loadb(s, len, JSON_ALLOW_NUL, &je);
	if (!j)
		fail_msg("scanner accepted what jansson rejects: %s (%s)", s, je.text);
	assert_true(json_is_array(j) && json_array_size(j) == 3);
	assert_true(json_is_number(json_array_get(j, 0)));
	assert_int_equal(json_string_length(json_array_get(j, 1)), out->code_len);
	assert_memory_equal(json_string_value(json_array_get(j, 1)), out->code, out->code_len);
	assert_int_equal(json_string_length(json_array_get(j, 2)), out->data_len);
	assert_memory_equal(json_string_value(json_array_get(j, 2)), out->data, out->data_len);
	assert_int_equal(out->code[out->code_len], '\0');
	assert_int_equal(out->data[out->data_len], '\0');
	json_decref(j);
	return 1;
}

static void test_scan_accepts(void **state)
{
	static const scan_case_t cases[] = {
		{"[1.234567, \"o\", \"foo bar\"]", 0, 1234567000, "o", "foo bar", 0},
		{"[2.0,      \"r\", \"80x24\"]", 0, 2000000000, "r", "80x24", 0},
		{" \t[ 0 , \"i\" ,\"\\r\" ]\r", 0, 0, "i", "\r", 0},
		{"[1,\"o\",\"\"]", 0, 1000000000, "o", "", 0},
		{"[3e-3, \"zz\", \"x\"]", 0, 3000000, "zz", "x", 0},
		{"[1, \"o\", \"\\u001b[1m\"]", 0, 1000000000, "o", "\x1b[1m", 0},
		{"[1, \"o\", \"\\u00e9\\u00E9\"]", 0, 1000000000, "o", "\xc3\xa9\xc3\xa9", 0},
		{"[1, \"o\", \"\\ud83d\\ude00\"]", 0, 1000000000, "o", "\xf0\x9f\x98\x80", 0},
		{"[1, \"o\", \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", 0, 1000000000, "o",
		 "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0},
		{"[1, \"o\", \"a\x7f" "b\"]", 0, 1000000000, "o", "a\x7f" "b", 0},
		{"[1, \"o\", \"\\u007f\"]", 0, 1000000000, "o", "\x7f", 0},
		{"[1, \"o\", \"a\\u0000b\"]", 0, 1000000000, "o", "a\0b", 3},
		{"[1, \"o\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", 0, 1000000000, "o", "\"\\/\b\f\n\r\t", 0},
		{"[1, \"o\", \"ends in backslash \\\\\"]", 0, 1000000000, "o", "ends in backslash \\", 0},
		{"[1, \"\\u006f\", \"x\"]", 0, 1000000000, "o", "x", 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const scan_case_t *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->line);
		size_t dl = c->data_len ? c->data_len : strlen(c->data);
		castline_t out;
		char *buf;

		if (!scan(c->line, len, &out, &buf))
			fail_msg("declined: %s", c->line);
		assert_int_equal(out.time_ns, c->ns);
		assert_string_equal(out.code, c->code);
		assert_int_equal(out.data_len, dl);
		assert_memory_equal(out.data, c->data, dl);
		free(buf);
	}
}

static void test_scan_declines(void **state)
{
	static const char *const lines[] = {
		"",
		"lol!",
		"[]",
		"[1, \"o\"]",
		"[1, \"o\", \"a\", \"\"]",
		"[1, 5, \"a\"]",
		"[1, \"o\", true]",
		"[1, \"o\", null]",
		"[\"1\", \"o\", \"a\"]",
		"[-1, \"o\", \"a\"]",
		"[1e400, \"o\", \"a\"]",
		"[01, \"o\", \"a\"]",
		"[1.0x, \"o\", \"a\"]",
		"[1, \"o\", \"a\"] x",
		"[1, \"o\", \"a\"],",
		"[1, \"o\", \"a\"",
		"[1, \"o\", \"a]",
		"[1, \"o\" \"a\"]",
		"[1 \"o\", \"a\"]",
		"{\"a\": 1}",
		"[1, \"o\", \"a\\xb\"]",
		"[1, \"o\", \"\\ud800\"]",
		"[1, \"o\", \"\\ude00\"]",
		"[1, \"o\", \"\\ud83dx\"]",
		"[1, \"o\", \"\\u12\"]",
		"[1, \"o\", \"tab\there\"]",
		"[1, \"o\", \"\xc3\"]",
		"[1, \"o\", \"\xed\xa0\x80\"]",
		"[1, \"o\", \"\xc0\xaf\"]",
		"[1, \"o\", \"\\\"]",
		"[1, \"o\", [\"a\"]]",
		"[1,, \"o\", \"a\"]",
		"\f[1, \"o\", \"a\"]", /* form feed is not JSON whitespace */
	};
	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		castline_t out;
		char *buf;

		if (scan(lines[i], strlen(lines[i]), &out, &buf))
			fail_msg("accepted: %s", lines[i]);
		free(buf);
	}
	/* a raw NUL byte inside the string is not JSON */
	{
		static const char nul[] = "[1, \"o\", \"a\0b\"]";
		castline_t out;
		char *buf;
		assert_int_equal(scan(nul, sizeof nul - 1, &out, &buf), 0);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time_exact),
		cmocka_unit_test(test_parse_time_random),
		cmocka_unit_test(test_scan_accepts),
		cmocka_unit_test(test_scan_declines),
	};
	return cmocka_run_group_tests_name("castline", tests, NULL, NULL);
}
