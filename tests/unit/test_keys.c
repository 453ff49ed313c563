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

/* Keys split across reads (ESC, then "[C" over ssh) decode as one key;
 * a lone ESC is an Escape once the carry is KEYS_ESC_TIMEOUT_NS old. */
static void test_keys_split(void **state)
{
	(void)state;
	keys_reader_t kr;
	keypress_t out[64];
	const int64_t ms = 1000000;

	memset(&kr, 0, sizeof(kr));
	assert_int_equal(keys_reader_feed(&kr, "\x1b", 1, 1000 * ms, out, 64), 0);
	assert_int_equal(keys_reader_deadline(&kr), 1000 * ms + KEYS_ESC_TIMEOUT_NS);
	assert_int_equal(keys_reader_expire(&kr, 1050 * ms, out), 0); /* not yet */
	assert_int_equal(keys_reader_feed(&kr, "[C", 2, 1060 * ms, out, 64), 1);
	assert_int_equal(out[0].kind, KEY_RIGHT);
	assert_int_equal(keys_reader_deadline(&kr), INT64_MAX);
	/* three pieces: ESC, "[1;", "2D" */
	assert_int_equal(keys_reader_feed(&kr, "\x1b", 1, 2000 * ms, out, 64), 0);
	assert_int_equal(keys_reader_feed(&kr, "[1;", 3, 2010 * ms, out, 64), 0);
	assert_int_equal(keys_reader_deadline(&kr), 2000 * ms + KEYS_ESC_TIMEOUT_NS);
	assert_int_equal(keys_reader_feed(&kr, "2D", 2, 2020 * ms, out, 64), 1);
	assert_int_equal(out[0].kind, KEY_SHIFT_LEFT);
	/* keys, then a sequence start: the keys now, the start kept */
	assert_int_equal(keys_reader_feed(&kr, "ab\x1b", 3, 3000 * ms, out, 64), 2);
	assert_int_equal(out[0].ch, 'a');
	assert_int_equal(out[1].ch, 'b');
	/* a lone Escape: after the timeout */
	assert_int_equal(keys_reader_expire(&kr, 3000 * ms + KEYS_ESC_TIMEOUT_NS, out), 1);
	assert_int_equal(out[0].kind, KEY_ESCAPE);
	assert_int_equal(keys_reader_deadline(&kr), INT64_MAX);
	/* Esc and a key typed fast (one read): Escape then the key, no wait */
	assert_int_equal(keys_reader_feed(&kr, "\x1bq", 2, 4000 * ms, out, 64), 2);
	assert_int_equal(out[0].kind, KEY_ESCAPE);
	assert_int_equal(out[1].ch, 'q');
	/* an endless sequence does not block the reader */
	char junk[200];
	junk[0] = 0x1b;
	junk[1] = '[';
	memset(junk + 2, '1', sizeof(junk) - 2);
	keys_reader_feed(&kr, junk, sizeof(junk), 5000 * ms, out, 64);
	assert_true(kr.len < KEYS_CARRY_MAX);
	size_t nk = keys_reader_feed(&kr, "x", 1, 5001 * ms, out, 64);
	assert_true(nk >= 1);
	assert_int_equal(out[nk - 1].ch, 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_keys_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
