/* strace_attach: `strace -p PID` for --strace-pid, run by the recorder
 * itself outside the pty, writing to its own FIFO.
 *
 * The tracer runs in its own process group with default signals, stdin
 * and stdout /dev/null, and its stderr a pipe of ours: what strace says
 * (an attach refused, a warning, --tips at its exit) becomes lines of the
 * recorder's notes, printed once the terminal is restored, never written
 * to the terminal while it is raw. It is forked and reaped through the
 * recorder's children (rec_child.h). Start waits until the kernel shows
 * the target traced (/proc/PID/status TracerPid) or the tracer dies.
 * Stop sends SIGINT (strace detaches from every thread and exits), waits,
 * and makes sure the target is not left stopped. */
#ifndef TRACECAST_STRACE_ATTACH_H
#define TRACECAST_STRACE_ATTACH_H

#include <stdbool.h>
#include <sys/types.h>

#include "rec_notice.h"
#include "tracecast/strv.h"

typedef struct strace_attach {
	pid_t target;
	int target_fd;           /* pidfd of the target (-1: none): it is never
				  * signalled by pid, which may be reused */
	pid_t tracer;            /* 0 when not running */
	bool target_was_stopped; /* State T before we attached */
	strv_t argv;             /* the exact strace argv */
	rec_notes_t *notes;      /* messages (set after init; NULL: dropped) */
	struct rec_children *children; /* where the tracer is held (set after
				  * init, before start) */
	int err_fd;              /* the tracer's stderr, our end (-1: none) */
	char err[512];           /* a line of it not yet complete */
	size_t err_len;
} strace_attach_t;

/* Build the argv (strace_path -p PID -f -qq --absolute-timestamps=unix,ns
 * --syscall-times=ns -o FIFO EXTRA...) into a->argv without starting it.
 * A --seccomp-bpf in EXTRA is left out (strace cannot use it with -p). */
int strace_attach_init(strace_attach_t *a, const char *strace_path, pid_t target,
		       const char *fifo, const strv_t *extra);

/* Start the tracer and wait (up to timeout_ms) until it is attached.
 * Returns 0, or -errno with a message added to a->notes: -ESRCH (no such
 * process), -EPERM (the tracer exited: ptrace refused, strace said why on
 * stderr), -ETIMEDOUT. */
int strace_attach_start(strace_attach_t *a, int timeout_ms);

/* Detach: SIGINT the tracer, reap it (SIGKILL after timeout_ms), then
 * SIGCONT the target if it is stopped and was not before (through its
 * pidfd: a process that took a reaped target's pid is never touched).
 * No-op when not running. */
void strace_attach_stop(strace_attach_t *a, int timeout_ms);

/* Take what the tracer wrote to its stderr so far into the notes, one
 * note per line ("tracecast: --strace-pid PID: strace: ..."). Never
 * blocks. The rest of a line waits for its end (or for stop). */
void strace_attach_read_err(strace_attach_t *a);

/* The State letter of /proc/PID/status ('S', 'R', 'T', 't', ...), or 0. */
char strace_attach_proc_state(pid_t pid);

/* Stop if running, free the argv. */
void strace_attach_cleanup(strace_attach_t *a);

#endif
