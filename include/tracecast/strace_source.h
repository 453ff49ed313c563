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

#include "tracecast/rec_source.h"

typedef struct strace_source_opts {
	const char *extra_args;   /* --strace=ARGS, split like a shell; NULL */
	const pid_t *attach_pids; /* --strace-pid PID..., may be NULL */
	size_t n_attach;
	bool trace_command;       /* wrap the command (--strace given) */
	bool auto_markers;        /* false with --no-auto-markers */
} strace_source_opts_t;

/* Check the options and that strace can run; fill *src. On failure prints
 * a clear message to stderr and returns -EINVAL (bad options), -ENOENT
 * (strace missing) or -EPERM (ptrace refused). */
int strace_source_new(rec_source_t *src, const strace_source_opts_t *opts);

#endif
