/* Unit tests for term_out: what it sends, fed into a real terminal
 * emulator (libvterm through screen), reproduces the frame exactly, both
 * as a full draw and as a chain of minimal diffs; unchanged frames send
 * nothing and a one-cell change sends a few bytes. */
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

static const char *const glyphs[] = { "a", "Z", " ", "\xc3\xa9", "\xe6\xbc\xa2", "\xf0\x9f\x98\x80",
				      "e\xcc\x81", "\xe2\x94\x80", "#" };

/* Random content and styles (no dim: libvterm 0.1.4 has none). */
static void random_frame(frame_t *f, unsigned *seed)
{
	frame_clear(f);
	for (int r = 0; r < (int)f->rows; r++)
		for (int c = 0; c < (int)f->cols;) {
			frame_style_t st = { 0 };
			unsigned x = (unsigned)rand_r(seed);
			if (x & 1)
				st.attrs |= FRAME_BOLD;
			if (x & 2)
				st.attrs |= FRAME_ITALIC;
			if ((x & 12) == 4)
				st.attrs |= FRAME_UNDERLINE;
			if (x & 16)
				st.attrs |= FRAME_REVERSE;
			if (x & 32)
				st.attrs |= FRAME_STRIKE;
			switch ((x >> 6) % 4) {
			case 1: st.fg = (frame_color_t){ .kind = FRAME_COLOR_INDEX, .idx = (uint8_t)(x >> 9) }; break;
			case 2: st.fg = (frame_color_t){ .kind = FRAME_COLOR_RGB, .r = (uint8_t)(x >> 9), .g = 7, .b = (uint8_t)(x >> 17) }; break;
			default: break;
			}
			if ((x >> 20) % 3 == 1)
				st.bg = (frame_color_t){ .kind = FRAME_COLOR_INDEX, .idx = (uint8_t)(x >> 22) % 16 };
			const char *g = glyphs[(x >> 25) % (sizeof(glyphs) / sizeof(glyphs[0]))];
			int w = frame_text(f, r, c, (int)f->cols - c, g, strlen(g), &st);
			c += w > 0 ? w : 1;
		}
	f->cursor_row = (int)((unsigned)rand_r(seed) % f->rows);
	f->cursor_col = (int)((unsigned)rand_r(seed) % f->cols);
	f->cursor_visible = rand_r(seed) & 1;
}

static int dbg_round;

static void assert_same(const frame_t *want, const frame_t *got)
{
	assert_int_equal(want->cols, got->cols);
	assert_int_equal(want->rows, got->rows);
	for (int r = 0; r < (int)want->rows; r++)
		for (int c = 0; c < (int)want->cols; c++) {
			frame_cell_t a = *frame_at_const(want, r, c), b = *frame_at_const(got, r, c);
			if (a.ch[0] == FRAME_CONT) {
				/* the right half of a wide char carries no style of its own */
				assert_true(b.ch[0] == FRAME_CONT);
				continue;
			}
			if (!a.ch[0])
				a.ch[0] = ' ';
			if (!b.ch[0])
				b.ch[0] = ' ';
			if (!frame_cell_equal(&a, &b))
				fail_msg("round %d cell %d,%d: U+%04X/w%d/a%x vs U+%04X/w%d/a%x", dbg_round, r, c, a.ch[0], a.width,
					 a.style.attrs, b.ch[0], b.width, b.style.attrs);
		}
	assert_int_equal(want->cursor_visible, got->cursor_visible);
	if (want->cursor_visible) {
		assert_int_equal(want->cursor_row, got->cursor_row);
		assert_int_equal(want->cursor_col, got->cursor_col);
	}
}

static void test_full_and_diffs_reproduce(void **state)
{
	(void)state;
	unsigned seed = 12345;
	frame_t *prev = frame_new(23, 7), *f = frame_new(23, 7), *got = frame_new(1, 1);
	screen_t *term = screen_new(23, 7);
	sbuf_t out;

	sbuf_init(&out);
	for (int round = 0; round < 200; round++) {
		random_frame(f, &seed);
		if (round % 3 == 2) {
			/* few changes against prev */
			memcpy(f->cells, prev->cells, (size_t)f->cols * f->rows * sizeof(*f->cells));
			frame_style_t st = { .attrs = FRAME_BOLD };
			frame_text(f, round % 7, round % 20, 3, "xyz", 3, &st);
		}
		sbuf_reset(&out);
		term_out_render(round % 10 == 0 ? NULL : prev, f, true, &out);
		/* "\e[?7l" as term_out_enter sends it: no auto-wrap */
		if (round == 0)
			screen_feed(term, "\x1b[?7l", 5);
		screen_feed(term, out.data, out.len);
		assert_int_equal(screen_to_frame(term, got), 0);
		dbg_round = round;
		assert_same(f, got);
		memcpy(prev->cells, f->cells, (size_t)f->cols * f->rows * sizeof(*f->cells));
		prev->cursor_row = f->cursor_row;
		prev->cursor_col = f->cursor_col;
		prev->cursor_visible = f->cursor_visible;
	}
	sbuf_cleanup(&out);
	screen_free(term);
	frame_free(prev);
	frame_free(f);
	frame_free(got);
}

static void test_minimal(void **state)
{
	(void)state;
	unsigned seed = 99;
	frame_t *a = frame_new(80, 24), *b = frame_new(80, 24);
	sbuf_t out;

	sbuf_init(&out);
	random_frame(a, &seed);
	a->cursor_visible = false;
	memcpy(b->cells, a->cells, 80 * 24 * sizeof(*a->cells));
	term_out_render(a, b, true, &out);
	assert_int_equal(out.len, 0);          /* nothing changed: nothing sent */
	frame_style_t st = { 0 };
	frame_text(b, 10, 10, 1, "Q", 1, &st);
	term_out_render(a, b, true, &out);
	assert_true(out.len < 32);
	assert_non_null(strstr(out.data, "\x1b[11;11H"));
	assert_non_null(strchr(out.data, 'Q'));
	sbuf_cleanup(&out);
	frame_free(a);
	frame_free(b);
}

static void test_256_fallback(void **state)
{
	(void)state;
	frame_t *f = frame_new(4, 1);
	frame_style_t st = { .fg = { .kind = FRAME_COLOR_RGB, .r = 255, .g = 0, .b = 0 } };
	sbuf_t out;

	sbuf_init(&out);
	frame_text(f, 0, 0, 1, "r", 1, &st);
	term_out_render(NULL, f, false, &out);
	assert_non_null(strstr(out.data, "38;5;196m"));
	assert_null(strstr(out.data, "38;2;"));
	sbuf_reset(&out);
	term_out_render(NULL, f, true, &out);
	assert_non_null(strstr(out.data, "38;2;255;0;0m"));
	assert_true(term_out_env_truecolor("truecolor"));
	assert_true(term_out_env_truecolor("24bit"));
	assert_false(term_out_env_truecolor(NULL));
	assert_false(term_out_env_truecolor("yes"));
	sbuf_cleanup(&out);
	frame_free(f);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_and_diffs_reproduce),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_256_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
