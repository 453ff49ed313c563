/* Unit tests for keys: the byte sequences xterm and tmux send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "player/keys.h"

static key_kind_t one(const char *s, size_t *used, int final)
{
	keypress_t k;
	*used = keys_decode(s, strlen(s), final, &k);
	return k.kind;
}

static void test_keys(void **state)
{
	(void)state;
	size_t n;
	keypress_t k;

	assert_int_equal(one("\x1b[D", &n, 1), KEY_LEFT);
	assert_int_equal(n, 3);
	assert_int_equal(one("\x1bOC", &n, 1), KEY_RIGHT);
	assert_int_equal(one("\x1b[1;2D", &n, 1), KEY_SHIFT_LEFT);
	assert_int_equal(n, 6);
	assert_int_equal(one("\x1b[1;2C", &n, 1), KEY_SHIFT_RIGHT);
	assert_int_equal(one("\x1b[1;5C", &n, 1), KEY_OTHER);   /* Ctrl-Right: ignored */
	assert_int_equal(one("\x1b[A", &n, 1), KEY_UP);
	assert_int_equal(one("\x1b[15~", &n, 1), KEY_OTHER);    /* F5 swallowed whole */
	assert_int_equal(n, 5);
	assert_int_equal(one("\r", &n, 1), KEY_ENTER);
	assert_int_equal(one("\x7f", &n, 1), KEY_BACKSPACE);
	assert_int_equal(one("\x03", &n, 1), KEY_CTRL_C);
	assert_int_equal(one("\x1b", &n, 1), KEY_ESCAPE);
	assert_int_equal(n, 1);
	assert_int_equal(keys_decode("\x1b[1;", 4, 0, &k), 0);  /* wait for more */
	assert_int_equal(one("\x1bq", &n, 1), KEY_ESCAPE);      /* Esc then q */
	assert_int_equal(n, 1);
	assert_int_equal(keys_decode("]x", 2, 1, &k), 1);
	assert_int_equal(k.kind, KEY_CHAR);
	assert_int_equal(k.ch, ']');
	assert_int_equal(keys_decode("", 0, 1, &k), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
