/* term_out: drawing frames on the viewer's terminal.
 *
 * Only frames go out: cells drawn with cursor moves and SGR, never a
 * recording's bytes. Each draw sends the cells that differ from the last
 * drawn frame (a full redraw after a size change or term_out_invalidate).
 * Colours: 24-bit when truecolor, else the nearest of the 256-colour
 * palette (palette colours are always sent as indexes). Auto-wrap is off
 * while drawing, so the bottom-right cell never scrolls. */
#ifndef TRACECAST_TERM_OUT_H
#define TRACECAST_TERM_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "frame.h"

typedef struct term_out term_out_t;

/* A drawer writing to fd (not owned). NULL on OOM. */
term_out_t *term_out_new(int fd, bool truecolor);
void term_out_free(term_out_t *t);
/* True when COLORTERM (the given value, may be NULL) says truecolor/24bit. */
bool term_out_env_truecolor(const char *colorterm);
/* Alternate screen, cursor hidden, auto-wrap off, screen cleared.
 * Returns 0 or -errno. */
int term_out_enter(term_out_t *t);
/* Attributes reset, auto-wrap on, cursor shown, main screen back. Safe to
 * call more than once and without enter. Returns 0 or -errno. */
int term_out_leave(term_out_t *t);
/* The next draw repaints everything. */
void term_out_invalidate(term_out_t *t);
/* Draw f (minimal diff). Returns 0 or -errno. */
int term_out_draw(term_out_t *t, const frame_t *f);
/* Bytes written by the last term_out_draw (for tests and the bench). */
size_t term_out_last_bytes(const term_out_t *t);
/* Build the bytes of a draw of f against prev (NULL = full) into out,
 * without writing (for tests). */
void term_out_render(const frame_t *prev, const frame_t *f, bool truecolor, sbuf_t *out);

#endif
