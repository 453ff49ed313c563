/* strace_markers: automatic "m" markers from the strace stream.
 *
 * From parsed lines: "exec NAME" when a process execs successfully
 * (execve/execveat = 0; NAME = basename of the program path), "exit N pid
 * P" for a non-zero exit_group(N) (or "+++ exited with N +++"), "SIGNAME
 * pid P" for a process killed by a signal ("killed by SIGKILL pid P" for
 * SIGKILL). P is the TID strace printed. Markers caused by a --strace-pid
 * stream start with that stream's tag ("@4242 exec sleep").
 *
 * Exec markers are rate-limited per one-second window (opened by the first
 * exec after a quiet second): the first STRACE_MARKERS_EXEC_BURST execs of
 * a window get their own marker; the rest are counted and one "exec xN" (N
 * = the execs not marked one by one) is emitted when the window closes, at
 * the window's end. A window that follows an overflowing one directly marks
 * no exec one by one, so a busy shell loop gives one "exec xN" a second.
 * Exit and signal markers are never limited. */
#ifndef TRACECAST_STRACE_MARKERS_H
#define TRACECAST_STRACE_MARKERS_H

#include <stdint.h>

#include "rec_source.h"
#include "tracecast/strace_line.h"

#define STRACE_MARKERS_EXEC_BURST 5
#define STRACE_MARKERS_WINDOW_NS INT64_C(1000000000)

typedef struct strace_markers strace_markers_t;

/* Returns NULL on out-of-memory. */
strace_markers_t *strace_markers_new(void);
void strace_markers_free(strace_markers_t *m);

/* One parsed line stamped mono_ns: emit the markers it causes. */
void strace_markers_line(strace_markers_t *m, const strace_line_t *l,
			 int64_t mono_ns, const rec_emit_t *out);

/* When the open exec window closes (INT64_MAX when none is open). */
int64_t strace_markers_deadline(const strace_markers_t *m);

/* Close the exec window if due at now_ns (emits "exec xN" at its end). */
void strace_markers_tick(strace_markers_t *m, int64_t now_ns,
			 const rec_emit_t *out);

/* End of recording: emit a pending "exec xN" now. */
void strace_markers_flush(strace_markers_t *m, int64_t now_ns,
			  const rec_emit_t *out);

#endif
