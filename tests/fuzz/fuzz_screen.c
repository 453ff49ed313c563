/* libFuzzer target for the player's screen model: arbitrary bytes (the
 * corpus recordings' raw text as seeds) fed in pieces into screen.c over
 * libvterm 0.1.4, with resizes, then every cell read and rendered as text
 * and ANSI. It found the libvterm 0.1.4 crashes that screen.c now works
 * around (DECRQSS, ESC at the end of a write inside a string, wide
 * characters in one column, scroll regions across a resize, a cursor
 * restored outside a shrunk screen, CSI with 16+ arguments). Each input
 * gets a fresh screen, so a crash reproduces from its input alone; an
 * over-read that stays inside the ASan heap may still not crash every
 * time: run the input under valgrind (see docs/player.md).
 *
 * The Makefile builds fuzz targets from lib/ only, so the player modules it
 * needs are included here. */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "../../player/frame.c"
#include "../../player/sbuf.c"
#include "../../player/screen.c"
#include "../../player/snap_pack.c"
#include "../../player/vt_arena.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		setlocale(LC_CTYPE, "C.UTF-8");
		init = 1;
	}
	if (size < 3)
		return 0;
	/* first bytes: size and how to cut the rest into feeds */
	screen_t *s = screen_new(1 + data[0] % 60, 1 + data[1] % 20);
	unsigned cut = 1 + data[2] % 64;
	frame_t *f = frame_new(1, 1);
	sbuf_t b;
	sbuf_init(&b);
	size_t i = 3;
	while (i < size) {
		size_t n = size - i < cut ? size - i : cut;
		screen_feed(s, (const char *)data + i, n);
		i += n;
		if (i < size && data[i - 1] == 0x7f)
			screen_resize(s, 1 + data[i] % 60, 1 + (data[i] >> 2) % 20);
	}
	screen_to_frame(s, f);
	for (unsigned r = 0; r < f->rows; r++) {
		frame_row_text(f, (int)r, &b);
		frame_row_ansi(f, (int)r, r & 1, &b);
	}
	sbuf_cleanup(&b);
	frame_free(f);
	screen_free(s);
	return 0;
}
