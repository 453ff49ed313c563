/* frame: a grid of styled cells (see frame.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "frame.h"

static void frame_unwide(frame_t *f, int row, int col);

frame_t *frame_new(unsigned cols, unsigned rows)
{
	frame_t *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (frame_resize(f, cols, rows) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

void frame_free(frame_t *f)
{
	if (!f)
		return;
	free(f->cells);
	free(f);
}

int frame_resize(frame_t *f, unsigned cols, unsigned rows)
{
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	if (cols != f->cols || rows != f->rows || !f->cells) {
		frame_cell_t *c = calloc((size_t)cols * rows, sizeof(*c));
		if (!c)
			return -ENOMEM;
		free(f->cells);
		f->cells = c;
		f->cols = cols;
		f->rows = rows;
	}
	frame_clear(f);
	return 0;
}

void frame_clear(frame_t *f)
{
	memset(f->cells, 0, (size_t)f->cols * f->rows * sizeof(*f->cells));
	for (size_t i = 0; i < (size_t)f->cols * f->rows; i++)
		f->cells[i].width = 1;
	f->cursor_row = 0;
	f->cursor_col = 0;
	f->cursor_visible = false;
}

frame_cell_t *frame_at(frame_t *f, int row, int col)
{
	if (row < 0 || col < 0 || (unsigned)row >= f->rows || (unsigned)col >= f->cols)
		return NULL;
	return &f->cells[(size_t)row * f->cols + (unsigned)col];
}

const frame_cell_t *frame_at_const(const frame_t *f, int row, int col)
{
	if (row < 0 || col < 0 || (unsigned)row >= f->rows || (unsigned)col >= f->cols)
		return NULL;
	return &f->cells[(size_t)row * f->cols + (unsigned)col];
}

void frame_fill(frame_t *f, int row, int col, int w, int h, const frame_style_t *st)
{
	for (int r = row; r < row + h; r++)
		for (int c = col; c < col + w; c++) {
			frame_cell_t *cell = frame_at(f, r, c);
			if (!cell)
				continue;
			if (c == col || c == col + w - 1)
				frame_unwide(f, r, c);
			memset(cell->ch, 0, sizeof(cell->ch));
			cell->width = 1;
			cell->style = *st;
		}
}

/* Decode one UTF-8 code point from s[*i..len); invalid bytes give U+FFFD. */
static uint32_t frame_decode(const char *s, size_t len, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = len - *i;
	uint32_t cp;
	size_t n;

	if (p[0] < 0x80) {
		*i += 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		*i += 1;
		return 0xFFFD;
	}
	if (left < n) {
		*i += 1;
		return 0xFFFD;
	}
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80) {
			*i += 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
		*i += 1;
		return 0xFFFD;
	}
	*i += n;
	return cp;
}

/* Width of one code point for overlay text: controls become '?' (1). */
static int frame_cp_width(uint32_t *cp)
{
	if (*cp < 0x20 || *cp == 0x7F || (*cp >= 0x80 && *cp < 0xA0)) {
		*cp = '?';
		return 1;
	}
	if (*cp < 0x7F)
		return 1;
	int w = wcwidth((wchar_t)*cp);
	if (w < 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return w;
}

int frame_text_width(const char *s, size_t len)
{
	int w = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = frame_decode(s, len, &i);
		w += frame_cp_width(&cp);
	}
	return w;
}

/* Before cell (row, col) is overwritten: a wide character it is half of
 * becomes blanks, so no half is left orphaned. */
static void frame_unwide(frame_t *f, int row, int col)
{
	frame_cell_t *c = frame_at(f, row, col);

	if (!c)
		return;
	if (c->ch[0] == FRAME_CONT) {
		frame_cell_t *l = frame_at(f, row, col - 1);
		if (l && l->width == 2) {
			memset(l->ch, 0, sizeof(l->ch));
			l->width = 1;
		}
	} else if (c->width == 2) {
		frame_cell_t *r = frame_at(f, row, col + 1);
		if (r && r->ch[0] == FRAME_CONT) {
			memset(r->ch, 0, sizeof(r->ch));
			r->width = 1;
		}
	}
}

int frame_text(frame_t *f, int row, int col, int maxw, const char *s, size_t len,
	       const frame_style_t *st)
{
	int used = 0;
	size_t i = 0;
	frame_cell_t *last = NULL;

	while (i < len && used < maxw) {
		uint32_t cp = frame_decode(s, len, &i);
		int w = frame_cp_width(&cp);
		if (w == 0) {
			/* combining mark: attach to the previous cell */
			if (last) {
				for (int k = 1; k < FRAME_MAX_CHARS; k++)
					if (!last->ch[k]) {
						last->ch[k] = cp;
						break;
					}
			}
			continue;
		}
		if (used + w > maxw) {
			cp = ' ';
			w = 1;
		}
		frame_cell_t *c = frame_at(f, row, col + used);
		frame_unwide(f, row, col + used);
		if (w == 2)
			frame_unwide(f, row, col + used + 1);
		if (c) {
			if (w == 2 && !frame_at(f, row, col + used + 1)) {
				cp = ' ';
				w = 1;
			}
			memset(c->ch, 0, sizeof(c->ch));
			c->ch[0] = cp;
			c->width = (uint8_t)w;
			c->style = *st;
			last = c;
			frame_cell_t *c2 = w == 2 ? frame_at(f, row, col + used + 1) : NULL;
			if (c2) {
				memset(c2->ch, 0, sizeof(c2->ch));
				c2->ch[0] = FRAME_CONT;
				c2->width = 0;
				c2->style = *st;
			}
		}
		used += w;
	}
	return used;
}

static bool frame_color_equal(const frame_color_t *a, const frame_color_t *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == FRAME_COLOR_INDEX)
		return a->idx == b->idx;
	if (a->kind == FRAME_COLOR_RGB)
		return a->r == b->r && a->g == b->g && a->b == b->b;
	return true;
}

static bool frame_style_equal(const frame_style_t *a, const frame_style_t *b)
{
	return a->attrs == b->attrs && frame_color_equal(&a->fg, &b->fg) &&
	       frame_color_equal(&a->bg, &b->bg);
}

bool frame_cell_equal(const frame_cell_t *a, const frame_cell_t *b)
{
	return a->width == b->width && !memcmp(a->ch, b->ch, sizeof(a->ch)) &&
	       frame_style_equal(&a->style, &b->style);
}

void frame_add_cp(sbuf_t *out, uint32_t cp)
{
	/* C0, DEL and C1 (U+0080..U+009F: a terminal acts on them, 8-bit OSC
	 * 52 included), surrogates and beyond Unicode: never written out */
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		cp = '?';
	else if ((cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		cp = 0xfffd;
	sbuf_add_utf8(out, cp);
}

/* Append the cell's characters (space when empty). */
static void frame_cell_chars(const frame_cell_t *c, sbuf_t *out)
{
	if (!c->ch[0]) {
		sbuf_addc(out, ' ');
		return;
	}
	for (int k = 0; k < FRAME_MAX_CHARS && c->ch[k]; k++)
		frame_add_cp(out, c->ch[k]);
}

void frame_row_text(const frame_t *f, int row, sbuf_t *out)
{
	size_t start = out->len;

	for (unsigned col = 0; col < f->cols; col++) {
		const frame_cell_t *c = frame_at_const(f, row, (int)col);
		if (c->ch[0] == FRAME_CONT)
			continue;
		frame_cell_chars(c, out);
	}
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	out->data[out->len] = '\0';
}

uint8_t frame_rgb_to_256(uint8_t r, uint8_t g, uint8_t b)
{
	static const int steps[6] = { 0, 95, 135, 175, 215, 255 };
	int ci[3], v[3] = { r, g, b };
	long best_cube = 0, best_grey;

	for (int k = 0; k < 3; k++) {
		int bi = 0;
		for (int s = 1; s < 6; s++)
			if (abs(steps[s] - v[k]) < abs(steps[bi] - v[k]))
				bi = s;
		ci[k] = bi;
		long d = steps[bi] - v[k];
		best_cube += d * d;
	}
	int avg = (r + g + b) / 3;
	int gi = avg < 8 ? 0 : (avg - 8) / 10;
	if (gi > 23)
		gi = 23;
	int gv = 8 + 10 * gi;
	best_grey = (long)(gv - r) * (gv - r) + (long)(gv - g) * (gv - g) +
		    (long)(gv - b) * (gv - b);
	if (best_grey < best_cube)
		return (uint8_t)(232 + gi);
	return (uint8_t)(16 + 36 * ci[0] + 6 * ci[1] + ci[2]);
}

/* Append ";<sgr for a colour>"; base is 30 (fg) or 40 (bg). */
static void frame_sgr_color(const frame_color_t *c, int base, bool truecolor, sbuf_t *out)
{
	if (c->kind == FRAME_COLOR_INDEX) {
		if (c->idx < 8)
			sbuf_printf(out, ";%d", base + c->idx);
		else if (c->idx < 16)
			sbuf_printf(out, ";%d", base + 60 + c->idx - 8);
		else
			sbuf_printf(out, ";%d;5;%u", base + 8, c->idx);
	} else if (c->kind == FRAME_COLOR_RGB) {
		if (truecolor)
			sbuf_printf(out, ";%d;2;%u;%u;%u", base + 8, c->r, c->g, c->b);
		else
			sbuf_printf(out, ";%d;5;%u", base + 8, frame_rgb_to_256(c->r, c->g, c->b));
	}
}

void frame_sgr(const frame_style_t *st, bool truecolor, sbuf_t *out)
{
	sbuf_adds(out, "\x1b[0");
	if (st->attrs & FRAME_BOLD)
		sbuf_adds(out, ";1");
	if (st->attrs & FRAME_DIM)
		sbuf_adds(out, ";2");
	if (st->attrs & FRAME_ITALIC)
		sbuf_adds(out, ";3");
	if (st->attrs & FRAME_UNDERLINE)
		sbuf_adds(out, ";4");
	if (st->attrs & FRAME_DUNDERLINE)
		sbuf_adds(out, ";21");
	if (st->attrs & FRAME_BLINK)
		sbuf_adds(out, ";5");
	if (st->attrs & FRAME_REVERSE)
		sbuf_adds(out, ";7");
	if (st->attrs & FRAME_STRIKE)
		sbuf_adds(out, ";9");
	frame_sgr_color(&st->fg, 30, truecolor, out);
	frame_sgr_color(&st->bg, 40, truecolor, out);
	sbuf_addc(out, 'm');
}

/* True when a blank cell with this style looks like nothing. */
static bool frame_blank_invisible(const frame_cell_t *c)
{
	if (c->ch[0] && c->ch[0] != ' ')
		return false;
	if (c->ch[1])
		return false;
	return c->style.bg.kind == FRAME_COLOR_DEFAULT &&
	       !(c->style.attrs & (FRAME_REVERSE | FRAME_UNDERLINE | FRAME_DUNDERLINE | FRAME_STRIKE));
}

void frame_row_ansi(const frame_t *f, int row, bool truecolor, sbuf_t *out)
{
	static const frame_style_t plain;
	frame_style_t cur = plain;
	int end = (int)f->cols;

	while (end > 0 && frame_blank_invisible(frame_at_const(f, row, end - 1)))
		end--;
	for (int col = 0; col < end; col++) {
		const frame_cell_t *c = frame_at_const(f, row, col);
		if (c->ch[0] == FRAME_CONT)
			continue;
		if (!frame_style_equal(&cur, &c->style)) {
			frame_sgr(&c->style, truecolor, out);
			cur = c->style;
		}
		frame_cell_chars(c, out);
	}
	if (!frame_style_equal(&cur, &plain))
		sbuf_adds(out, "\x1b[0m");
}
