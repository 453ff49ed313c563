/* tasks: which process each thread of a recording belongs to, and its
 * name, followed from the strace lines and proc samples.
 *
 * A clone/clone3/fork/vfork that returns a child TID starts a process,
 * unless its flags hold CLONE_THREAD (then the child joins the caller's
 * process); the child inherits the caller's name. A successful execve
 * names the process after the program's basename, cut to 15 bytes as the
 * kernel keeps it (also when strace split it into <unfinished ...> and
 * <... execve resumed> halves). A proc sample names the pids that have no
 * name yet. A TID never seen is its own process, unnamed. Memory grows
 * with the number of threads. */
#ifndef TRACECAST_REPORT_TASKS_H
#define TRACECAST_REPORT_TASKS_H

#include <stdbool.h>
#include <stddef.h>

#include "tracecast/cast_types.h"
#include "tracecast/strace_line.h"

typedef struct task {
	long tid, pid;          /* tid 0: a free slot */
	char comm[16];          /* "" when unknown */
	bool clone_thread;      /* its pending <unfinished> clone has CLONE_THREAD */
	char exec_comm[16];     /* its pending execve's program */
} task_t;

typedef struct tasks {
	task_t *tab;
	size_t cap, n;
} tasks_t;

/* An empty table (zero-initialising it is the same). */
void tasks_init(tasks_t *t);
void tasks_cleanup(tasks_t *t);

/* The record of tid (> 0, or -1 for lines without a TID), created when
 * new. The pointer is valid until the next call that may create one. NULL
 * on ENOMEM. */
task_t *tasks_get(tasks_t *t, long tid);

/* The record of tid if seen, else NULL. */
const task_t *tasks_find(const tasks_t *t, long tid);

/* Follow one parsed strace line of thread l->tid. 0 or -ENOMEM. */
int tasks_line(tasks_t *t, const strace_line_t *l);

/* Follow one "p" event (proc samples name pids). 0 or -ENOMEM. */
int tasks_sample(tasks_t *t, const cast_event_t *ev);

/* Follow any event: an "s" line (parsed here) or a "p" sample; others are
 * ignored. 0 or -ENOMEM. */
int tasks_event(tasks_t *t, const cast_event_t *ev);

#endif
