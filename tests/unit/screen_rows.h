/* screen_rows.h: helpers of the screen unit tests (include after cmocka.h):
 * a row of a screen as `dump --format text` / `--format ansi` writes it. */
#ifndef TESTS_SCREEN_ROWS_H
#define TESTS_SCREEN_ROWS_H

#include <stdlib.h>
#include <string.h>

#include "player/frame.h"
#include "player/screen.h"

#define FEED(s, lit) screen_feed((s), (lit), sizeof(lit) - 1)

/* Row r of s, as text (ansi false) or with SGR (ansi true); caller frees. */
static inline char *screen_row(const screen_t *s, int r, bool ansi)
{
	frame_t *f = frame_new(1, 1);
	sbuf_t b;

	sbuf_init(&b);
	assert_int_equal(screen_to_frame(s, f), 0);
	if (ansi)
		frame_row_ansi(f, r, true, &b);
	else
		frame_row_text(f, r, &b);
	frame_free(f);
	char *out = strdup(b.data ? b.data : "");
	sbuf_cleanup(&b);
	return out;
}

static inline char *row_text(const screen_t *s, int r) { return screen_row(s, r, false); }
static inline char *row_ansi(const screen_t *s, int r) { return screen_row(s, r, true); }

#endif
