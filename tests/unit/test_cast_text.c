/* Unit tests of report/cast_text: a session as plain text (asciinema 3's
 * txt): lines that scrolled off, then the screen; blanks cut; wide
 * characters once; resizes; the alternate screen left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report/cast_text.h"

static const char *render(unsigned cols, unsigned rows, const char *const *chunks)
{
	static char buf[4096];
	cast_text_t *t;
	size_t n;

	assert_int_equal(cast_text_new(&t, cols, rows), 0);
	for (; *chunks; chunks++) {
		if (!strncmp(*chunks, "resize:", 7)) {
			unsigned c, r;
			assert_int_equal(sscanf(*chunks + 7, "%ux%u", &c, &r), 2);
			assert_int_equal(cast_text_resize(t, c, r), 0);
		} else {
			cast_text_feed(t, *chunks, strlen(*chunks));
		}
	}
	const char *s = cast_text_result(t, &n);
	assert_non_null(s);
	assert_true(n < sizeof buf);
	memcpy(buf, s, n);
	buf[n] = '\0';
	assert_int_equal(strlen(buf), n);
	cast_text_free(t);
	return buf;
}

static void test_scrollback(void **state)
{
	(void)state;
	const char *in[] = { "one\r\ntwo\r\n", "three\r\nfour", NULL };
	assert_string_equal(render(10, 3, in), "one\ntwo\nthree\nfour\n");
}

static void test_blanks_attrs_wide(void **state)
{
	(void)state;
	const char *in[] = { "\x1b[1;31mred\x1b[0m   \r\n", "\xe6\xbc\xa2\xe5\xad\x97z  \r\n",
			     "\r\n\r\n", NULL };
	/* empty rows at the bottom of the screen are left out, not those
	 * between */
	assert_string_equal(render(20, 6, in), "red\n\xe6\xbc\xa2\xe5\xad\x97z\n");
	const char *in2[] = { "a\r\n\r\nb", NULL };
	assert_string_equal(render(20, 6, in2), "a\n\nb\n");
	const char *empty[] = { NULL };
	assert_string_equal(render(20, 6, empty), "");
}

static void test_cursor_moves(void **state)
{
	(void)state;
	const char *in[] = { "xxxxx\r\nyyyyy", "\x1b[1;2HAB\x1b[2;4H\x1b[K", NULL };
	assert_string_equal(render(10, 3, in), "xABxx\nyyy\n");
}

static void test_resize_and_altscreen(void **state)
{
	(void)state;
	const char *in[] = { "l1\r\nl2\r\nl3\r\n", "resize:10x2", "l4", NULL };
	const char *got = render(10, 4, in);
	assert_non_null(strstr(got, "l1\n"));
	assert_non_null(strstr(got, "l4\n"));
	const char *alt[] = { "before\r\n", "\x1b[?1049h\x1b[HFULL\r\n1\r\n2\r\n3\r\n",
			      "\x1b[?1049lafter\r\n", NULL };
	assert_string_equal(render(20, 3, alt), "before\nafter\n");
	cast_text_t *t;
	assert_int_equal(cast_text_new(&t, 0, 24), -EINVAL);
	assert_int_equal(cast_text_new(&t, 80, 24), 0);
	assert_int_equal(cast_text_resize(t, 70000, 24), -EINVAL);
	cast_text_free(t);
	cast_text_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrollback),
		cmocka_unit_test(test_blanks_attrs_wide),
		cmocka_unit_test(test_cursor_moves),
		cmocka_unit_test(test_resize_and_altscreen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
