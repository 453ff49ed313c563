/* strace_source: the --strace event source of the recorder.
 *
 * Wraps the command as `strace -f -qq --absolute-timestamps=unix,ns
 * --syscall-times=ns -o FIFO [EXTRA] -- COMMAND` (FIFO in a private
 * mkdtemp folder, opened before the fork), reads the FIFO live, maps the
 * realtime stamps onto CLOCK_MONOTONIC and emits one "s" event per line,
 * plus automatic "m" markers. Also runs `strace -p PID` for --strace-pid. */
#ifndef TRACECAST_STRACE_SOURCE_H
#define TRACECAST_STRACE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rec_notice.h"
#include "rec_source.h"

typedef struct strace_source_opts {
	const char *extra_args;   /* --strace=ARGS, split like a shell; NULL */
	const pid_t *attach_pids; /* --strace-pid PID..., may be NULL */
	size_t n_attach;
	bool trace_command;       /* wrap the command (--strace given) */
	bool auto_markers;        /* false with --no-auto-markers */
	rec_notes_t *notes;       /* where messages go (NULL: dropped) */
	/* The recorder's reorder window (ns): when it is long enough, the
	 * FIFOs are read on the batch grid (fewer wake-ups); 0: every 5 ms. */
	int64_t window_ns;
	struct rec_children *children; /* where its children are forked and
				  * reaped (rec_child.h), not owned; NULL:
				  * a set of its own */
} strace_source_opts_t;

/* Check the options and that strace can run (one `strace ... -- true`
 * probe with the same options), make the private FIFO folder and start the
 * --strace-pid tracers (attached when this returns); fill *src. On failure
 * adds a clear message to opts->notes and returns -EINVAL (bad options, no
 * such PID), -ENOENT (strace missing), -EPERM (ptrace refused) or another
 * -errno. src->free stops the tracers (the targets keep running).
 *
 * Events: one "s" per strace line, the stamp removed (mapped to the
 * timeline); lines of a --strace-pid tracer are tagged "@PID " (see
 * strace_line.h). Header: tracecast.sources.strace = {"argv": [the exact
 * strace argv of the command], "attach": [{"pid": PID, "argv": [...]}]}
 * (each key only when used). Markers: see strace_markers.h. */
int strace_source_new(rec_source_t *src, const strace_source_opts_t *opts);

/* src (a rec_source_t * of this source): from now on drop the lines of
 * thread tid, a profiler's own thread inside the program (the in-process
 * python sampler sends its TID over the control socket: ctl.h), and count
 * them. The header's sources.strace says "sampler_lines": "dropped"; when
 * any thread was named, finish emits a "t" event
 * {"dropped_sampler_lines":N}. Fits ctl_source_on_sampler_tid. */
void strace_source_drop_tid(void *src, long tid);

/* Lines dropped so far. */
unsigned long strace_source_dropped(const rec_source_t *src);

#endif
