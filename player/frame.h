/* frame: a grid of styled cells, what one picture of the viewer holds.
 *
 * The screen model copies libvterm's cells into a frame; the overlays
 * draw text into rectangles of it; term_out draws a frame on the viewer's
 * terminal (diffing against the last one); dump prints it as text or ANSI.
 * A wide character occupies two cells: the first holds it with width 2,
 * the second holds FRAME_CONT in ch[0]. An empty cell (ch[0] == 0) is a
 * space. */
#ifndef TRACECAST_FRAME_H
#define TRACECAST_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "sbuf.h"

#define FRAME_MAX_CHARS 6          /* base + combining marks, as libvterm */
#define FRAME_CONT UINT32_C(0xFFFFFFFF)

enum frame_attr {
	FRAME_BOLD = 1 << 0,
	FRAME_DIM = 1 << 1,        /* libvterm 0.1.4 has no dim: only overlays use it */
	FRAME_ITALIC = 1 << 2,
	FRAME_UNDERLINE = 1 << 3,
	FRAME_REVERSE = 1 << 4,
	FRAME_STRIKE = 1 << 5,
	FRAME_BLINK = 1 << 6,
	FRAME_DUNDERLINE = 1 << 7, /* double underline (SGR 21 / 4:2) */
};

enum frame_color_kind { FRAME_COLOR_DEFAULT = 0, FRAME_COLOR_INDEX, FRAME_COLOR_RGB };

typedef struct frame_color {
	uint8_t kind;              /* enum frame_color_kind */
	uint8_t idx;               /* FRAME_COLOR_INDEX: 0..255 */
	uint8_t r, g, b;           /* FRAME_COLOR_RGB */
} frame_color_t;

typedef struct frame_style {
	uint16_t attrs;            /* enum frame_attr bits */
	frame_color_t fg, bg;
} frame_style_t;

typedef struct frame_cell {
	uint32_t ch[FRAME_MAX_CHARS]; /* code points, 0-terminated when short */
	uint8_t width;             /* 1 or 2 (0 for a FRAME_CONT cell) */
	frame_style_t style;
} frame_cell_t;

typedef struct frame {
	unsigned cols, rows;
	frame_cell_t *cells;       /* rows * cols */
	int cursor_row, cursor_col;
	bool cursor_visible;
} frame_t;

/* A frame of cols x rows blank cells (both >= 1). NULL on OOM. */
frame_t *frame_new(unsigned cols, unsigned rows);
void frame_free(frame_t *f);
/* Change the size; contents become blank. Returns 0 or -ENOMEM. */
int frame_resize(frame_t *f, unsigned cols, unsigned rows);
/* Blank every cell (default style), cursor hidden at 0,0. */
void frame_clear(frame_t *f);
/* The cell at row, col, or NULL outside the frame. */
frame_cell_t *frame_at(frame_t *f, int row, int col);
const frame_cell_t *frame_at_const(const frame_t *f, int row, int col);
/* Fill a rectangle with blanks of style st (clipped to the frame). */
void frame_fill(frame_t *f, int row, int col, int w, int h, const frame_style_t *st);
/* Draw UTF-8 text at row, col, at most maxw columns (clipped to the
 * frame); control characters show as '?', invalid bytes as U+FFFD, a wide
 * character that would not fit is replaced by a space. Returns the number
 * of columns used. */
int frame_text(frame_t *f, int row, int col, int maxw, const char *s, size_t len,
	       const frame_style_t *st);
/* Columns the UTF-8 text would take (same rules as frame_text). */
int frame_text_width(const char *s, size_t len);
/* Equal content and style (cursor ignored). */
bool frame_cell_equal(const frame_cell_t *a, const frame_cell_t *b);

/* Append row as plain text: a wide character once, combining marks after
 * their base, trailing spaces removed, no newline. */
void frame_row_text(const frame_t *f, int row, sbuf_t *out);
/* Append one cell character as UTF-8; controls (C0, DEL, C1) become '?'
 * and non-characters U+FFFD: the only way cells reach an output. */
void frame_add_cp(sbuf_t *out, uint32_t cp);
/* Append row as text with SGR sequences (truecolor or 256 colours),
 * trailing blank default cells removed, ending with SGR 0 if any style was
 * set, no newline. */
void frame_row_ansi(const frame_t *f, int row, bool truecolor, sbuf_t *out);
/* Append the SGR sequence that selects st from a reset state ("\e[0;...m"). */
void frame_sgr(const frame_style_t *st, bool truecolor, sbuf_t *out);
/* The nearest xterm-256 index of an RGB colour (16..255 cube/greys). */
uint8_t frame_rgb_to_256(uint8_t r, uint8_t g, uint8_t b);

#endif
