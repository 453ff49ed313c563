/* Unit tests: italic (SGR 3) and strike (SGR 9) from a recording's bytes to
 * `dump --format ansi` (screen -> frame -> frame_row_ansi) and to the
 * viewer's terminal (term_out_render), alone, together, with other
 * attributes, and switched off again (SGR 23, 29). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "player/frame.h"
#include "player/screen.h"
#include "player/term_out.h"

#include "screen_rows.h"

static void test_italic_strike_ansi(void **state)
{
	(void)state;
	screen_t *s = screen_new(40, 3);
	FEED(s, "\x1b[3mI\x1b[0m \x1b[9mS\x1b[0m \x1b[3;9mB\x1b[0m \x1b[1;3;4;9;31mA\x1b[0m\r\n");
	FEED(s, "\x1b[3;9mx\x1b[23my\x1b[29mz\r\n");
	FEED(s, "\x1b[9m   \x1b[0m");  /* struck-through blanks are visible */
	char *a = row_ansi(s, 0);
	assert_string_equal(a, "\x1b[0;3mI\x1b[0m \x1b[0;9mS\x1b[0m \x1b[0;3;9mB\x1b[0m "
			       "\x1b[0;1;3;4;9;31mA\x1b[0m");
	free(a);
	a = row_ansi(s, 1);
	assert_string_equal(a, "\x1b[0;3;9mx\x1b[0;9my\x1b[0mz");
	free(a);
	a = row_ansi(s, 2);
	assert_string_equal(a, "\x1b[0;9m   \x1b[0m");
	free(a);
	screen_free(s);
}

/* The live path: what term_out sends, fed to a second terminal, gives back
 * the same italic and strike cells. */
static void test_italic_strike_term_out(void **state)
{
	(void)state;
	screen_t *rec = screen_new(12, 2), *viewer = screen_new(12, 2);
	frame_t *f = frame_new(12, 2), *got = frame_new(1, 1);
	sbuf_t out;

	FEED(rec, "\x1b[3mit\x1b[9mboth\x1b[23mst\x1b[0mn");
	assert_int_equal(screen_to_frame(rec, f), 0);
	static const uint16_t want[] = {
		FRAME_ITALIC, FRAME_ITALIC, FRAME_ITALIC | FRAME_STRIKE, FRAME_ITALIC | FRAME_STRIKE,
		FRAME_ITALIC | FRAME_STRIKE, FRAME_ITALIC | FRAME_STRIKE, FRAME_STRIKE, FRAME_STRIKE, 0,
	};
	for (int c = 0; c < 9; c++)
		assert_int_equal(frame_at_const(f, 0, c)->style.attrs, want[c]);
	sbuf_init(&out);
	term_out_render(NULL, f, true, &out);
	assert_non_null(strstr(out.data, "\x1b[0;3m"));
	assert_non_null(strstr(out.data, "\x1b[0;3;9m"));
	assert_non_null(strstr(out.data, "\x1b[0;9m"));
	FEED(viewer, "\x1b[?7l");
	screen_feed(viewer, out.data, out.len);
	assert_int_equal(screen_to_frame(viewer, got), 0);
	for (int c = 0; c < 9; c++)
		assert_int_equal(frame_at_const(got, 0, c)->style.attrs, want[c]);
	sbuf_cleanup(&out);
	frame_free(got);
	frame_free(f);
	screen_free(viewer);
	screen_free(rec);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_italic_strike_ansi),
		cmocka_unit_test(test_italic_strike_term_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
