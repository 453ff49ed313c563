/* screen: the recorded terminal, a libvterm 0.1.4 screen.
 *
 * Bytes of "o" events go in with screen_feed(); cells come out with
 * screen_blit() into a frame. Nothing a recording asks of its terminal
 * ever leaves this module: libvterm's output (answers to device queries,
 * DSR, ...) is dropped, the title, icon name, mouse modes, clipboard
 * (OSC 52) and every other mode change stay inside libvterm's state.
 *
 * libvterm 0.1.4 has no reflow (a resize cuts or pads lines) and no dim
 * attribute (SGR 2 is ignored, so dim text is drawn normal). A wide
 * character whose right half was overwritten is shown blank, as xterm and
 * tmux do (libvterm keeps it as a narrow cell); that test uses wcwidth(), so
 * the caller sets an UTF-8 LC_CTYPE (the commands use C.UTF-8). */
#ifndef TRACECAST_SCREEN_H
#define TRACECAST_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "frame.h"

typedef struct screen screen_t;

/* A fresh terminal of cols x rows (cols clamped to 2..CAST_MAX_COLS, rows to
 * 1..CAST_MAX_ROWS: libvterm 0.1.4 crashes on a wide character in a 1-column
 * terminal), UTF-8, with the alternate screen enabled. NULL on OOM. */
screen_t *screen_new(unsigned cols, unsigned rows);
/* The same, with libvterm's memory in an arena so that it can be saved
 * (screen_snap_save); falls back to a plain screen when the arena's
 * address space cannot be reserved. */
screen_t *screen_new_snap(unsigned cols, unsigned rows);
void screen_free(screen_t *s);
/* Back to a freshly created terminal of cols x rows. Returns 0 or -ENOMEM
 * (then s is unusable: free it). */
int screen_reset(screen_t *s, unsigned cols, unsigned rows);
/* Feed terminal output (any bytes; invalid UTF-8 is libvterm's business). */
void screen_feed(screen_t *s, const char *data, size_t len);
/* Resize (an "r" event); no reflow. */
void screen_resize(screen_t *s, unsigned cols, unsigned rows);
void screen_size(const screen_t *s, unsigned *cols, unsigned *rows);
/* Cursor position (0-based) and visibility (DECTCEM). */
void screen_cursor(const screen_t *s, int *row, int *col, bool *visible);
/* True while the alternate screen is shown. */
bool screen_altscreen(const screen_t *s);
/* The title the recording set (kept, never shown raw), "" when none. */
const char *screen_title(const screen_t *s);
/* Copy the w x h cells at (srow, scol) of the screen to (frow, fcol) of f
 * (both clipped). A wide character cut by the left or right edge of the
 * region becomes a space. */
void screen_blit(const screen_t *s, frame_t *f, int frow, int fcol, int srow,
		 int scol, int w, int h);
/* Whole screen into f, resized to the screen's size, with the cursor.
 * Returns 0 or -ENOMEM. */
int screen_to_frame(const screen_t *s, frame_t *f);

/* Snapshots: the whole terminal state (cells of both buffers, pen, modes,
 * cursor and saved cursor, scroll region, charsets, tab stops, a
 * half-parsed sequence), packed by word runs (snap_pack.h); see
 * vt_arena.h for how. A snapshot
 * restores into the screen that took it, as long as that screen was not
 * reset since (screen_reset keeps the addresses, so it may be: the check
 * is on them). Only screens made by screen_new_snap can be saved. */
typedef struct screen_snap screen_snap_t;
/* Save s. NULL on OOM or when s has no arena (then it cannot be saved). */
screen_snap_t *screen_snap_save(const screen_t *s);
/* Put s back as it was when sn was taken. Returns 0, or -EINVAL (sn is
 * from another screen), -ENOMEM, -EIO; s is unchanged on failure. */
int screen_snap_restore(screen_t *s, const screen_snap_t *sn);
/* Bytes sn holds. */
size_t screen_snap_size(const screen_snap_t *sn);
void screen_snap_free(screen_snap_t *sn);

#endif
