/* cast_text: a session as plain text (see cast_text.h). */
#include "cast_text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vterm.h>

typedef struct tbuf {
	char *p;
	size_t len, cap;
	bool failed;
} tbuf_t;

struct cast_text {
	VTerm *vt;
	VTermScreen *screen;
	tbuf_t sb;  /* the lines scrolled off, as text */
	tbuf_t out; /* sb + the screen, for cast_text_result() */
};

static void tbuf_put(tbuf_t *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void tbuf_cp(tbuf_t *b, uint32_t c)
{
	char u[4];
	size_t n;

	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		c = ' ';
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	tbuf_put(b, u, n);
}

/* One row of cells as a line: trailing blanks cut, '\n' added. */
static void cast_text_line(tbuf_t *b, const VTermScreenCell *cells, int n)
{
	size_t start = b->len;
	size_t keep = b->len; /* length up to the last non-blank */

	for (int i = 0; i < n; i++) {
		const VTermScreenCell *c = &cells[i];
		if (c->chars[0] == (uint32_t)-1)
			continue; /* the right half of a wide character */
		if (!c->chars[0] || (c->chars[0] == ' ' && !c->chars[1])) {
			tbuf_put(b, " ", 1);
		} else {
			for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && c->chars[k]; k++)
				tbuf_cp(b, c->chars[k]);
			keep = b->len;
		}
		if (c->width == 2)
			i++;
	}
	if (b->failed)
		return;
	if (keep < start)
		keep = start;
	b->len = keep;
	tbuf_put(b, "\n", 1);
}

static int cast_text_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	cast_text_t *t = user;

	cast_text_line(&t->sb, cells, cols);
	return 1;
}

static const VTermScreenCallbacks cast_text_cbs = {
	.sb_pushline = cast_text_pushline,
};

int cast_text_new(cast_text_t **out, unsigned cols, unsigned rows)
{
	cast_text_t *t;

	*out = NULL;
	if (!cols || !rows || cols > 65535 || rows > 65535)
		return -EINVAL;
	t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	t->vt = vterm_new((int)rows, (int)cols);
	if (!t->vt) {
		free(t);
		return -ENOMEM;
	}
	vterm_set_utf8(t->vt, 1);
	t->screen = vterm_obtain_screen(t->vt);
	vterm_screen_set_callbacks(t->screen, &cast_text_cbs, t);
	/* a full-screen program's alternate screen is not the session's text
	 * once it has left it (and its lines never scroll into the text) */
	vterm_screen_enable_altscreen(t->screen, 1);
	vterm_screen_reset(t->screen, 1);
	*out = t;
	return 0;
}

void cast_text_feed(cast_text_t *t, const char *data, size_t len)
{
	if (len)
		vterm_input_write(t->vt, data, len);
}

int cast_text_resize(cast_text_t *t, unsigned cols, unsigned rows)
{
	if (!cols || !rows || cols > 65535 || rows > 65535)
		return -EINVAL;
	vterm_set_size(t->vt, (int)rows, (int)cols);
	return 0;
}

const char *cast_text_result(cast_text_t *t, size_t *len)
{
	int rows, cols;
	size_t last = 0; /* out's length after the last non-empty screen row */
	VTermScreenCell *cells;

	vterm_get_size(t->vt, &rows, &cols);
	cells = calloc((size_t)cols, sizeof *cells);
	t->out.len = 0;
	t->out.failed = t->sb.failed || !cells;
	tbuf_put(&t->out, t->sb.p ? t->sb.p : "", t->sb.len);
	last = t->out.len;
	for (int r = 0; cells && r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			VTermPos pos = { .row = r, .col = c };
			vterm_screen_get_cell(t->screen, pos, &cells[c]);
		}
		cast_text_line(&t->out, cells, cols);
		if (t->out.len >= 2 && t->out.p[t->out.len - 2] != '\n')
			last = t->out.len; /* not an empty line */
	}
	free(cells);
	if (t->out.failed)
		return NULL;
	/* the empty rows at the bottom of the screen are left out */
	t->out.len = last;
	tbuf_put(&t->out, "", 0);
	*len = t->out.len;
	return t->out.p ? t->out.p : "";
}

void cast_text_free(cast_text_t *t)
{
	if (!t)
		return;
	vterm_free(t->vt);
	free(t->sb.p);
	free(t->out.p);
	free(t);
}
