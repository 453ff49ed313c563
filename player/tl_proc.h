/* tl_proc: which process (pid) and command (comm) each thread of a
 * recording's strace lines belongs to, over time.
 *
 * strace -f prints tids only. The index learns the rest from the lines
 * themselves, as it reads them in order:
 * - clone/clone3/fork/vfork returning a new tid N: N's process is the
 *   caller's when the flags hold CLONE_THREAD, else N itself; N's comm is
 *   the caller's at that time (the flags of an <unfinished ...> clone are
 *   kept until it resumes);
 * - execve/execveat returning 0: the thread's comm becomes the basename of
 *   the path, cut to 15 bytes as the kernel does (from the unfinished half
 *   when the call was split);
 * - a "p" sample of /proc (pid, comm): the comm of that pid when the lines
 *   did not tell it.
 * A thread never seen created is its own process when it is the first tid
 * of the recording (the traced command), the attached pid's when its line
 * carries an "@PID " tag, else unknown (pid 0).
 *
 * Memory: one entry per thread and one per successful exec (tids past
 * the timeline's 65,535th distinct one are not tracked). */
#ifndef TRACECAST_TL_PROC_H
#define TRACECAST_TL_PROC_H

#include <stddef.h>

#include "tracecast/strace_line.h"

typedef struct tl_proc tl_proc_t;

int tl_proc_new(tl_proc_t **out);
void tl_proc_free(tl_proc_t *p);

/* True when a line of this syscall name matters here (its arguments are
 * needed: parse it with them). */
int tl_proc_wants(const char *name, size_t len);
/* Take line i (in file order) of thread index tidx (the timeline's tid
 * index). sl is the parsed line, with args for the names tl_proc_wants.
 * new_tidx maps a tid to its index (adding it), or returns < 0. Returns 0
 * or -ENOMEM. */
int tl_proc_line(tl_proc_t *p, size_t i, long tidx, const strace_line_t *sl,
		 long (*new_tidx)(void *user, long tid), void *user);
/* A /proc sample's process. Returns 0 or -ENOMEM. */
int tl_proc_sample(tl_proc_t *p, long pid, const char *comm);
/* The pid (0: unknown) and comm ("" unknown; valid while p lives) of
 * thread index tidx at line i. */
void tl_proc_get(const tl_proc_t *p, size_t i, long tidx, long *pid, const char **comm);

#endif
