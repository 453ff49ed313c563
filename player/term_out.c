/* term_out: drawing frames on the viewer's terminal (see term_out.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecast/fdio.h"
#include "term_out.h"

struct term_out {
	int fd;
	bool truecolor;
	bool entered;
	frame_t *last;     /* what the terminal shows, NULL = unknown */
	sbuf_t buf;
	size_t last_bytes;
};

term_out_t *term_out_new(int fd, bool truecolor)
{
	term_out_t *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->fd = fd;
	t->truecolor = truecolor;
	sbuf_init(&t->buf);
	return t;
}

void term_out_free(term_out_t *t)
{
	if (!t)
		return;
	frame_free(t->last);
	sbuf_cleanup(&t->buf);
	free(t);
}

bool term_out_env_truecolor(const char *colorterm)
{
	return colorterm && (!strcmp(colorterm, "truecolor") || !strcmp(colorterm, "24bit"));
}

int term_out_enter(term_out_t *t)
{
	static const char seq[] = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[0m\x1b[H\x1b[2J";

	t->entered = true;
	term_out_invalidate(t);
	return fdio_write_all(t->fd, seq, sizeof(seq) - 1);
}

int term_out_leave(term_out_t *t)
{
	static const char seq[] = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";

	if (!t || !t->entered)
		return 0;
	t->entered = false;
	return fdio_write_all(t->fd, seq, sizeof(seq) - 1);
}

void term_out_invalidate(term_out_t *t)
{
	frame_free(t->last);
	t->last = NULL;
}

/* Does cell col of row differ between prev and f? */
static bool tout_changed(const frame_t *prev, const frame_t *f, int row, int col)
{
	if (!prev)
		return true;
	return !frame_cell_equal(frame_at_const(prev, row, col), frame_at_const(f, row, col));
}

void term_out_render(const frame_t *prev, const frame_t *f, bool truecolor, sbuf_t *out)
{
	frame_style_t pen;
	bool pen_known = false;
	int cur_r = -1, cur_c = -1;

	if (prev && (prev->cols != f->cols || prev->rows != f->rows))
		prev = NULL;
	if (!prev)
		sbuf_adds(out, "\x1b[0m\x1b[H\x1b[2J");
	for (int r = 0; r < (int)f->rows; r++) {
		for (int c = 0; c < (int)f->cols;) {
			const frame_cell_t *cell = frame_at_const(f, r, c);
			bool next_cont = c + 1 < (int)f->cols &&
					 frame_at_const(f, r, c + 1)->ch[0] == FRAME_CONT;
			bool changed = tout_changed(prev, f, r, c) ||
				       (next_cont && tout_changed(prev, f, r, c + 1));
			if (cell->ch[0] == FRAME_CONT || (!changed && prev) ||
			    (!prev && !changed)) {
				c++;
				continue;
			}
			if (!prev && !cell->ch[0] && !cell->ch[1] && cell->style.attrs == 0 &&
			    cell->style.bg.kind == FRAME_COLOR_DEFAULT) {
				c++; /* blank on a cleared screen */
				continue;
			}
			if (cur_r != r || cur_c != c)
				sbuf_printf(out, "\x1b[%d;%dH", r + 1, c + 1);
			if (!pen_known || memcmp(&pen, &cell->style, sizeof(pen)) != 0) {
				frame_sgr(&cell->style, truecolor, out);
				pen = cell->style;
				pen_known = true;
			}
			if (!cell->ch[0]) {
				sbuf_addc(out, ' ');
			} else {
				for (int k = 0; k < FRAME_MAX_CHARS && cell->ch[k]; k++)
					frame_add_cp(out, cell->ch[k]);
			}
			int w = cell->width == 2 && next_cont ? 2 : 1;
			c += w;
			cur_r = r;
			cur_c = c;
			if (c >= (int)f->cols)
				cur_r = -1; /* at the margin: position is the terminal's guess */
		}
	}
	if (pen_known)
		sbuf_adds(out, "\x1b[0m");
	if (f->cursor_visible) {
		sbuf_printf(out, "\x1b[%d;%dH\x1b[?25h", f->cursor_row + 1, f->cursor_col + 1);
	} else if (!prev || prev->cursor_visible || out->len) {
		sbuf_adds(out, "\x1b[?25l");
	}
}

int term_out_draw(term_out_t *t, const frame_t *f)
{
	int rc;

	sbuf_reset(&t->buf);
	term_out_render(t->last, f, t->truecolor, &t->buf);
	if (t->last && t->last->cols == f->cols && t->last->rows == f->rows &&
	    t->last->cursor_visible == f->cursor_visible &&
	    (!f->cursor_visible || (t->last->cursor_row == f->cursor_row &&
				     t->last->cursor_col == f->cursor_col))) {
		bool same = true;
		for (size_t i = 0; same && i < (size_t)f->cols * f->rows; i++)
			same = frame_cell_equal(&t->last->cells[i], &f->cells[i]);
		if (same) {
			t->last_bytes = 0;
			return 0;
		}
	}
	t->last_bytes = t->buf.len;
	rc = fdio_write_all(t->fd, t->buf.data, t->buf.len);
	if (rc < 0)
		return rc;
	if (!t->last || t->last->cols != f->cols || t->last->rows != f->rows) {
		frame_free(t->last);
		t->last = frame_new(f->cols, f->rows);
		if (!t->last)
			return -ENOMEM;
	}
	memcpy(t->last->cells, f->cells, (size_t)f->cols * f->rows * sizeof(*f->cells));
	t->last->cursor_row = f->cursor_row;
	t->last->cursor_col = f->cursor_col;
	t->last->cursor_visible = f->cursor_visible;
	return 0;
}

size_t term_out_last_bytes(const term_out_t *t)
{
	return t->last_bytes;
}
