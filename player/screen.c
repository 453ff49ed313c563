/* screen: the recorded terminal over libvterm (see screen.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <vterm.h>

#include "tracecast/cast_types.h"
#include "screen.h"
#include "snap_pack.h"
#include "vt_arena.h"

/* libvterm 0.1.4 decodes a whole write into a stack array (a 2 MiB "o"
 * event overflowed the stack): never give it more than this at once */
#define SCREEN_WRITE_MAX 4096
#define SCREEN_TITLE_MAX 256
/* libvterm 0.1.4 crashes (NULL write) on a wide character in 1 column */
#define SCREEN_MIN_COLS 2

struct screen {
	vt_arena_t *arena;    /* libvterm's memory (NULL: malloc, no snapshots) */
	VTerm *vt;
	VTermScreen *vs;
	unsigned cols, rows;
	bool cursor_visible;
	bool altscreen;
	char title[SCREEN_TITLE_MAX];
	/* DECRQSS filter (see screen_feed): dcs_len bytes of "ESC P $ q"
	 * held back; dcs_state 3 inside a dropped one, 4 after an ESC in it */
	int dcs_state;
	size_t dcs_len;
	bool esc_carry;       /* an ESC not yet given to libvterm (screen_out) */
	int csi_state;        /* screen_write: 0 text, 1 after ESC, 2 in CSI,
			       * 3 in a string (OSC, DCS, APC, PM, SOS) */
	unsigned csi_seps;    /* argument separators in this CSI so far */
	bool printed;         /* an ASCII character was printed (REP) */
	bool c2_carry;        /* a 0xC2 held back (screen_out: C1 as UTF-8) */
};

/* Clamp a dimension to min..max (the bound a recording may ask for,
 * CAST_MAX_COLS x CAST_MAX_ROWS: a 4096x4096 resize cost 1.8 GB). */
static unsigned screen_clamp(unsigned v, unsigned min, unsigned max)
{
	if (v < min)
		return min;
	return v > max ? max : v;
}

/* libvterm's answers (DA, DSR, ...) go nowhere: the recording's program is
 * not there to read them, and the viewer's terminal must never see them. */
static void screen_drop_output(const char *s, size_t len, void *user)
{
	(void)s;
	(void)len;
	(void)user;
}

static int screen_on_prop(VTermProp prop, VTermValue *val, void *user)
{
	screen_t *s = user;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE:
		s->cursor_visible = val->boolean;
		break;
	case VTERM_PROP_ALTSCREEN:
		s->altscreen = val->boolean;
		break;
	case VTERM_PROP_TITLE: {
		/* 0.1.4 hands the whole title at once */
		size_t n = strlen(val->string);
		if (n >= sizeof(s->title))
			n = sizeof(s->title) - 1;
		memcpy(s->title, val->string, n);
		s->title[n] = '\0';
		break;
	}
	default:
		break;
	}
	return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
	.settermprop = screen_on_prop,
};

/* Create the libvterm objects for the current size. */
static int screen_open(screen_t *s)
{
	if (s->arena) {
		vt_arena_reset(s->arena);
		s->vt = vterm_new_with_allocator((int)s->rows, (int)s->cols, vt_arena_funcs(),
						 s->arena);
	} else {
		s->vt = vterm_new((int)s->rows, (int)s->cols);
	}
	if (!s->vt)
		return -ENOMEM;
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, screen_drop_output, NULL);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_set_callbacks(s->vs, &screen_callbacks, s);
	vterm_screen_enable_altscreen(s->vs, 1);
	s->cursor_visible = true;
	s->altscreen = false;
	s->title[0] = '\0';
	s->dcs_state = 0;
	s->dcs_len = 0;
	s->esc_carry = false;
	s->c2_carry = false;
	s->csi_state = 0;
	s->csi_seps = 0;
	s->printed = false;
	vterm_screen_reset(s->vs, 1);
	return 0;
}

static screen_t *screen_create(unsigned cols, unsigned rows, bool snap)
{
	screen_t *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cols = screen_clamp(cols, SCREEN_MIN_COLS, CAST_MAX_COLS);
	s->rows = screen_clamp(rows, 1, CAST_MAX_ROWS);
	s->arena = snap ? vt_arena_new() : NULL; /* NULL: no snapshots, still a screen */
	if (screen_open(s) < 0) {
		vt_arena_free(s->arena);
		free(s);
		return NULL;
	}
	return s;
}

screen_t *screen_new(unsigned cols, unsigned rows)
{
	return screen_create(cols, rows, false);
}

screen_t *screen_new_snap(unsigned cols, unsigned rows)
{
	return screen_create(cols, rows, true);
}

void screen_free(screen_t *s)
{
	if (!s)
		return;
	if (s->vt && !s->arena)
		vterm_free(s->vt);
	vt_arena_free(s->arena);
	free(s);
}

int screen_reset(screen_t *s, unsigned cols, unsigned rows)
{
	if (s->vt && !s->arena)
		vterm_free(s->vt);
	s->vt = NULL;
	s->cols = screen_clamp(cols, SCREEN_MIN_COLS, CAST_MAX_COLS);
	s->rows = screen_clamp(rows, 1, CAST_MAX_ROWS);
	return screen_open(s);
}

static void screen_clamp_cursor(screen_t *s);

/* Write to libvterm, ending a write after every '8' to clamp the cursor:
 * DECRC ("ESC 8", also with C0 controls between ESC and 8) in libvterm
 * 0.1.4 restores a cursor saved before the screen shrank as it was,
 * outside the screen, and the next character then reads its line's info
 * out of bounds (a heap over-read, a crash when it leaves the mapping).
 * xterm clamps the cursor when restoring; so do we, right after. */
static void screen_write_raw(screen_t *s, const char *p, size_t n)
{
	while (n) {
		size_t lim = n < SCREEN_WRITE_MAX ? n : SCREEN_WRITE_MAX;
		const char *e = memchr(p, '8', lim);
		size_t k = e ? (size_t)(e - p) + 1 : lim;
		/* a piece ends on a character boundary (libvterm keeps a cut
		 * UTF-8 sequence, but a whole one is the tested path) */
		if (!e && k < n) {
			while (k > SCREEN_WRITE_MAX - 4 && ((unsigned char)p[k] & 0xc0) == 0x80)
				k--;
			if (p[k - 1] == 0x1b) /* never end a write with ESC (screen_out) */
				k--;
		}
		vterm_input_write(s->vt, p, k);
		if (e)
			screen_clamp_cursor(s);
		p += k;
		n -= k;
	}
}

/* libvterm 0.1.4 keeps 16 CSI arguments and does not check the bound:
 * the 16th ';' or ':' of one CSI writes past the array and corrupts the
 * parser, which crashes right after ("ESC [" + 16 ";" + "m"). xterm
 * ignores arguments past its limit; here separators past the 15th and the
 * digits after them are dropped before libvterm sees them. C0 controls
 * (and bytes >= 0x80) inside ESC and CSI keep the state, as in libvterm.
 *
 * Also: REP ("CSI N b", repeat the last character) before any character
 * was printed loops forever in libvterm 0.1.4 (the last character has
 * width 0). Until an ASCII character went out as text, a REP is cancelled
 * with CAN instead of its final byte (so a leading non-ASCII character
 * loses its repeats: harmless, and rare). */
#define SCREEN_CSI_MAX_SEPS 15

static void screen_write(screen_t *s, const char *p, size_t n)
{
	size_t i = 0, start = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if (s->csi_state == 0) {
			const char *e = memchr(p + i, 0x1b, n - i);
			size_t end = e ? (size_t)(e - p) : n;
			for (size_t k = i; k < end && !s->printed; k++)
				s->printed = p[k] >= 0x20 && p[k] < 0x7f;
			if (!e)
				break;
			i = end + 1;
			s->csi_state = 1;
			continue;
		}
		if (s->csi_state == 3) {
			/* a string: up to ESC (ST), BEL, CAN or SUB */
			if (c == 0x1b)
				s->csi_state = 1;
			else if (c == 0x07 || c == 0x18 || c == 0x1a)
				s->csi_state = 0;
			i++;
			continue;
		}
		i++;
		if (c == 0x18 || c == 0x1a) {         /* CAN, SUB: abort */
			s->csi_state = 0;
			continue;
		}
		if (c == 0x1b) {
			s->csi_state = 1;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)            /* executed or ignored */
			continue;
		if (s->csi_state == 1) {
			if (c < 0x30)  /* intermediates: "ESC ) [" is a CSI too */
				continue;
			s->csi_state = c == '[' ? 2 : strchr("]P_^X", c) ? 3 : 0;
			s->csi_seps = 0;
			continue;
		}
		if (c >= 0x40) {                      /* final byte */
			s->csi_state = 0;
			if (c != 'b' || s->printed)
				continue;
			if (i - 1 > start)
				screen_write_raw(s, p + start, i - 1 - start);
			screen_write_raw(s, "\x18", 1);  /* CAN: no REP */
			start = i;
			continue;
		}
		if (c == ';' || c == ':') {
			if (s->csi_seps < SCREEN_CSI_MAX_SEPS) {
				s->csi_seps++;
				continue;
			}
			s->csi_seps = SCREEN_CSI_MAX_SEPS + 1;
		} else if (!(c >= '0' && c <= '9' && s->csi_seps > SCREEN_CSI_MAX_SEPS)) {
			continue;
		}
		/* drop p[i - 1] */
		if (i - 1 > start)
			screen_write_raw(s, p + start, i - 1 - start);
		start = i;
	}
	if (n > start)
		screen_write_raw(s, p + start, n - start);
}

/* Give bytes to libvterm, never ending a write with ESC: libvterm 0.1.4
 * overflows a heap buffer when a write ends with ESC inside a string (OSC,
 * DCS) that holds a control character and the next write starts with
 * "\\". A trailing ESC is carried over and written with the next bytes. */
static void screen_out_esc(screen_t *s, const char *p, size_t n)
{
	if (s->esc_carry) {
		while (n && p[0] == 0x1b) {
			/* ESC ESC: the first one does nothing; keep one */
			p++;
			n--;
		}
		if (!n)
			return;
		char two[2] = { 0x1b, p[0] };
		screen_write(s, two, 2);
		s->esc_carry = false;
		p++;
		n--;
	}
	if (n && p[n - 1] == 0x1b) {
		s->esc_carry = true;
		n--;
	}
	if (n)
		screen_write(s, p, n);
}

/* Give bytes to libvterm without the C1 controls sent as UTF-8 (U+0080 to
 * U+009F, "\xc2\x80" to "\xc2\x9f"): libvterm 0.1.4 takes them as text of
 * width -1 (wcwidth of a control), so the cursor goes back one column and
 * the next character overwrites the one before ("ab" NEL "XYZ" showed
 * "aXYZ"). tmux ignores them, and so do we. A 0xC2 ending a feed is held
 * until the next byte says what it starts. */
static void screen_out(screen_t *s, const char *p, size_t n)
{
	if (s->c2_carry && n) {
		s->c2_carry = false;
		if ((unsigned char)p[0] >= 0x80 && (unsigned char)p[0] <= 0x9f) {
			p++;
			n--;
		} else {
			screen_out_esc(s, "\xc2", 1);
		}
	}
	size_t i = 0, start = 0;
	while (i < n) {
		const char *c2 = memchr(p + i, 0xc2, n - i);
		if (!c2)
			break;
		i = (size_t)(c2 - p);
		if (i + 1 == n) {
			if (i > start)
				screen_out_esc(s, p + start, i - start);
			s->c2_carry = true;
			return;
		}
		unsigned char next = (unsigned char)p[i + 1];
		if (next >= 0x80 && next <= 0x9f) {
			if (i > start)
				screen_out_esc(s, p + start, i - start);
			start = i + 2; /* dropped */
			i += 2;
		} else {
			i += 1;
		}
	}
	if (n > start)
		screen_out_esc(s, p + start, n - start);
}

/* libvterm 0.1.4 does not clamp a restored cursor (DECRC after the screen
 * shrank) and then crashes on DECDWL/DECDHL ("ESC # 3..6") or reads out of
 * bounds on the next character; xterm clamps it when restoring. Put an
 * out-of-bounds cursor back on the screen (after a DECRC, before such a
 * sequence). */
static void screen_clamp_cursor(screen_t *s)
{
	VTermPos pos;
	char seq[32];

	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	if (pos.row < (int)s->rows && pos.col < (int)s->cols)
		return;
	int n = snprintf(seq, sizeof(seq), "\x1b[%d;%dH",
			 pos.row < (int)s->rows ? pos.row + 1 : (int)s->rows,
			 pos.col < (int)s->cols ? pos.col + 1 : (int)s->cols);
	vterm_input_write(s->vt, seq, (size_t)n);
}

/* libvterm 0.1.4 crashes on the DECRQSS query for DECSCL ("ESC P $ q \" p
 * ESC \\": a bad printf argument in its answer). A DECRQSS only asks for an
 * answer, which is dropped anyway, so every "ESC P $ q ... ST" is removed
 * before libvterm sees it: a recording cannot crash the player. The filter
 * keeps its state across feeds (a sequence may be split between events):
 * up to 3 bytes of a possible "ESC P $ q" are held back until decided. */
void screen_feed(screen_t *s, const char *data, size_t len)
{
	static const char rqss[4] = { 0x1b, 'P', '$', 'q' };
	size_t i = 0, start = 0;

	while (i < len) {
		char c = data[i];
		if (s->dcs_state == 3) {
			/* inside a dropped DECRQSS: up to ST, CAN or SUB */
			if (c == 0x1b)
				s->dcs_state = 4;
			else if (c == 0x18 || c == 0x1a)
				s->dcs_state = 0;
			start = ++i;
			continue;
		}
		if (s->dcs_state == 4) {
			s->dcs_state = 0;
			if (c == '\\') {
				start = ++i;
			} else {
				/* ESC + something else ends the string: give the ESC back */
				screen_out(s, rqss, 1);
				start = i;
			}
			continue;
		}
		if (s->dcs_len == 0) {
			/* plain text: jump to the next ESC */
			const char *e = memchr(data + i, 0x1b, len - i);
			if (!e) {
				i = len;
				break;
			}
			i = (size_t)(e - data);
			if (i > start)
				screen_out(s, data + start, i - start);
			s->dcs_len = 1;
			start = ++i;
			continue;
		}
		if (c == rqss[s->dcs_len]) {
			start = ++i;
			if (++s->dcs_len == 4) {
				s->dcs_len = 0;
				s->dcs_state = 3;
			}
			continue;
		}
		/* not a DECRQSS: release what was held back, go on with c */
		if (s->dcs_len == 1 && c == '#')
			screen_clamp_cursor(s);
		screen_out(s, rqss, s->dcs_len);
		s->dcs_len = 0;
		start = i;
	}
	if (len > start && s->dcs_state == 0 && s->dcs_len == 0)
		screen_out(s, data + start, len - start);
}

void screen_resize(screen_t *s, unsigned cols, unsigned rows)
{
	cols = screen_clamp(cols, SCREEN_MIN_COLS, CAST_MAX_COLS);
	rows = screen_clamp(rows, 1, CAST_MAX_ROWS);
	if (cols == s->cols && rows == s->rows)
		return;
	s->cols = cols;
	s->rows = rows;
	VTermPos pos;
	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	vterm_set_size(s->vt, (int)rows, (int)cols);
	/* xterm and tmux reset the scroll region on a resize; libvterm 0.1.4
	 * keeps it, even outside the new size, and then crashes on the next
	 * index (ESC D). Reset it (DECSTBM homes the cursor: put it back). */
	char seq[48];
	int n = snprintf(seq, sizeof(seq), "\x1b[r\x1b[%d;%dH",
			 pos.row < (int)rows ? pos.row + 1 : (int)rows,
			 pos.col < (int)cols ? pos.col + 1 : (int)cols);
	vterm_input_write(s->vt, seq, (size_t)n);
}

void screen_size(const screen_t *s, unsigned *cols, unsigned *rows)
{
	*cols = s->cols;
	*rows = s->rows;
}

void screen_cursor(const screen_t *s, int *row, int *col, bool *visible)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	*row = pos.row;
	*col = pos.col;
	if (*col >= (int)s->cols)
		*col = (int)s->cols - 1;
	*visible = s->cursor_visible;
}

bool screen_altscreen(const screen_t *s)
{
	return s->altscreen;
}

const char *screen_title(const screen_t *s)
{
	return s->title;
}

/* libvterm colour -> frame colour (palette indexes kept as indexes). */
static void screen_color(const VTermColor *in, bool fg, frame_color_t *out)
{
	memset(out, 0, sizeof(*out));
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(in) : VTERM_COLOR_IS_DEFAULT_BG(in)) {
		out->kind = FRAME_COLOR_DEFAULT;
	} else if (VTERM_COLOR_IS_INDEXED(in)) {
		out->kind = FRAME_COLOR_INDEX;
		out->idx = in->indexed.idx;
	} else {
		out->kind = FRAME_COLOR_RGB;
		out->r = in->rgb.red;
		out->g = in->rgb.green;
		out->b = in->rgb.blue;
	}
}

/* One libvterm cell -> frame cell. */
static void screen_cell(const VTermScreenCell *vc, frame_cell_t *c)
{
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < FRAME_MAX_CHARS && k < VTERM_MAX_CHARS_PER_CELL && vc->chars[k]; k++)
		c->ch[k] = vc->chars[k];
	c->width = (uint8_t)(vc->width == 2 ? 2 : 1);
	if (vc->attrs.bold)
		c->style.attrs |= FRAME_BOLD;
	if (vc->attrs.italic)
		c->style.attrs |= FRAME_ITALIC;
	if (vc->attrs.underline == 2)
		c->style.attrs |= FRAME_DUNDERLINE;
	else if (vc->attrs.underline)
		c->style.attrs |= FRAME_UNDERLINE;
	if (vc->attrs.blink)
		c->style.attrs |= FRAME_BLINK;
	if (vc->attrs.reverse)
		c->style.attrs |= FRAME_REVERSE;
	if (vc->attrs.strike)
		c->style.attrs |= FRAME_STRIKE;
	screen_color(&vc->fg, true, &c->style.fg);
	screen_color(&vc->bg, false, &c->style.bg);
}

/* True for a character that is certainly narrow. libvterm 0.1.4 keeps the
 * width of a wide cell when a narrow character overwrites its left half. */
static bool screen_narrow(uint32_t ch)
{
	return ch < 0x80 || wcwidth((wchar_t)ch) == 1;
}

/* True when the cell at row, col holds a character of width 2. */
static bool screen_is_wide(const screen_t *s, int row, int col)
{
	VTermScreenCell vc;
	VTermPos pos = { .row = row, .col = col };

	if (col < 0 || !vterm_screen_get_cell(s->vs, pos, &vc))
		return false;
	return vc.width == 2 && vc.chars[0] != (uint32_t)-1 && !screen_narrow(vc.chars[0]);
}

/* True when the cell at row, col is the right half of a wide character. */
static bool screen_is_cont(const screen_t *s, int row, int col)
{
	VTermScreenCell vc;
	VTermPos pos = { .row = row, .col = col };

	if (col >= (int)s->cols || !vterm_screen_get_cell(s->vs, pos, &vc))
		return false;
	return vc.chars[0] == (uint32_t)-1;
}

/* Make c a blank of its own style. */
static void screen_blank(frame_cell_t *c)
{
	memset(c->ch, 0, sizeof(c->ch));
	c->width = 1;
}

void screen_blit(const screen_t *s, frame_t *f, int frow, int fcol, int srow,
		 int scol, int w, int h)
{
	VTermScreenCell vc;

	for (int r = 0; r < h; r++) {
		int sr = srow + r;
		if (sr < 0 || sr >= (int)s->rows)
			continue;
		for (int c = 0; c < w; c++) {
			int sc = scol + c;
			frame_cell_t *dst = frame_at(f, frow + r, fcol + c);
			if (!dst || sc < 0 || sc >= (int)s->cols)
				continue;
			VTermPos pos = { .row = sr, .col = sc };
			if (!vterm_screen_get_cell(s->vs, pos, &vc))
				continue;
			if (vc.chars[0] == (uint32_t)-1) {
				/* right half of a wide character; a stale one (its
				 * left half overwritten) is a blank, as in xterm */
				bool whole = screen_is_wide(s, sr, sc - 1);
				screen_cell(&vc, dst);
				dst->width = 0;
				memset(dst->ch, 0, sizeof(dst->ch));
				dst->ch[0] = FRAME_CONT;
				if (c == 0 || !whole) {
					dst->ch[0] = 0;
					dst->width = 1;
				}
				continue;
			}
			screen_cell(&vc, dst);
			if (dst->width == 2 && screen_narrow(dst->ch[0]))
				dst->width = 1;
			/* libvterm 0.1.4 keeps a wide character whose right half was
			 * overwritten, as a cell of width 1; xterm and tmux blank it */
			if (dst->width == 1 && dst->ch[0] > 0x7f && wcwidth((wchar_t)dst->ch[0]) == 2 &&
			    !screen_is_cont(s, sr, sc + 1))
				screen_blank(dst);
			if (dst->width == 2 && (c == w - 1 || !frame_at(f, frow + r, fcol + c + 1))) {
				/* cut by the region's right edge */
				memset(dst->ch, 0, sizeof(dst->ch));
				dst->ch[0] = ' ';
				dst->width = 1;
			}
		}
	}
}

int screen_to_frame(const screen_t *s, frame_t *f)
{
	int rc = frame_resize(f, s->cols, s->rows);

	if (rc < 0)
		return rc;
	screen_blit(s, f, 0, 0, 0, 0, (int)s->cols, (int)s->rows);
	screen_cursor(s, &f->cursor_row, &f->cursor_col, &f->cursor_visible);
	return 0;
}

struct screen_snap {
	struct screen fields;      /* the screen's own state, arena excluded */
	size_t used;               /* bytes of the arena image */
	unsigned char *z;          /* the image, packed (snap_pack) */
	size_t zlen;
};

screen_snap_t *screen_snap_save(const screen_t *s)
{
	if (!s->arena)
		return NULL;
	screen_snap_t *sn = calloc(1, sizeof(*sn));
	if (!sn)
		return NULL;
	sn->fields = *s;
	sn->used = vt_arena_used(s->arena);
	/* word runs, not deflate (snap_pack.h): 0.05 ms instead of 0.4-0.9
	 * for a 120x36 screen, so that snapshots cost a first pass next to
	 * nothing; the image is 3-4 times larger than deflated (about 90 KB)
	 * and the playhead's memory budget thins them out beyond 64 MB */
	vt_arena_unpoison(s->arena);
	sn->zlen = snap_pack_size(vt_arena_base(s->arena), sn->used);
	sn->z = malloc(sn->zlen ? sn->zlen : 1); /* counted first: no spare pages */
	if (sn->z)
		snap_pack(sn->z, vt_arena_base(s->arena), sn->used);
	vt_arena_repoison(s->arena);
	if (!sn->z) {
		screen_snap_free(sn);
		return NULL;
	}
	return sn;
}

int screen_snap_restore(screen_t *s, const screen_snap_t *sn)
{
	if (!s->arena || sn->fields.arena != s->arena || sn->fields.vt != s->vt ||
	    sn->fields.vs != s->vs)
		return -EINVAL; /* not from this screen's current instance */
	if (vt_arena_prepare(s->arena, sn->used) < 0)
		return -ENOMEM;
	if (snap_unpack(vt_arena_base(s->arena), sn->used, sn->z, sn->zlen) < 0) {
		vt_arena_repoison(s->arena);
		return -EIO; /* cannot happen short of memory corruption */
	}
	*s = sn->fields;
	vt_arena_repoison(s->arena);
	return 0;
}

size_t screen_snap_size(const screen_snap_t *sn)
{
	return sn ? sizeof(*sn) + sn->zlen : 0;
}

void screen_snap_free(screen_snap_t *sn)
{
	if (!sn)
		return;
	free(sn->z);
	free(sn);
}
