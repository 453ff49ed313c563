/* pyout_tasks: the threads of one process the outside Python sampler
 * reads, and what /proc says of each between rounds.
 *
 * Each task keeps its /proc/PID/task/TID/stat and schedstat open (one
 * pread a round each) and the stack its last walk took. A thread's
 * frames change only while it runs, so a task whose schedstat (CPU time
 * and times put on a CPU) equals the one read before the walk that took
 * its stack, at a time it was asleep, has not run since: it is in the
 * round's same set (py_walk_sample does not walk it) and its last stack
 * and state are still true. */
#ifndef TRACECAST_PYOUT_TASKS_H
#define TRACECAST_PYOUT_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A thread's schedstat: CPU time (ns) and times it was put on a CPU. */
typedef struct pyout_sched {
	uint64_t run, pcount;
} pyout_sched_t;

typedef struct pyout_task {
	unsigned long tid;
	unsigned long wid;         /* its thread state's native id (py_walk's) */
	int fd;                    /* /proc/PID/task/TID/stat */
	int fd_sched;              /* /proc/PID/task/TID/schedstat, or -1 */
	int fd_children;           /* /proc/PID/task/TID/children, or -1 (not opened; the tree's) */
	bool seen;                 /* in this round */
	bool same;                 /* this round: has not run since base (not walked) */
	bool base_ok, cand_ok;
	pyout_sched_t base;        /* read before the walk that took stack, asleep then */
	pyout_sched_t cand;        /* read this round before the walk, asleep then */
	char base_state;           /* its state then */
	char *stack;               /* its stack at the last walk */
	size_t len;
	char *event;               /* the p event of that stack and state, or NULL */
	size_t event_len;
	char state;                /* read this round (0: not yet) */
} pyout_task_t;

/* The tasks of process pid: caller storage, zeroed then pid set. */
typedef struct pyout_tasks {
	pid_t pid;
	pyout_task_t *v;
	size_t n, cap;
	unsigned long *same;       /* the round's same set (py_walk_sample), n long */
} pyout_tasks_t;

/* The task tid, or NULL; when open_it, a task not known yet is added
 * (NULL if it is gone or out of memory). Pointers are valid until the
 * next call that adds or drops a task. */
pyout_task_t *pyout_tasks_get(pyout_tasks_t *ts, unsigned long tid, bool open_it);

/* The task whose thread state has native id wid, or NULL. */
pyout_task_t *pyout_tasks_by_wid(pyout_tasks_t *ts, unsigned long wid);

/* The state letter of a task (0 if it is gone). */
char pyout_tasks_state(const pyout_task_t *t);

/* Start a round: read each task's schedstat (and, for one that ran, its
 * state) and fill ts->same with the wids of those that have not run since
 * their stack was taken. One pread per idle task, two per other one.
 * Returns the same set's size. */
size_t pyout_tasks_begin(pyout_tasks_t *ts);

/* The walk took t's stack (len bytes) with the thread in state: t is
 * seen, its stack kept (its event forgotten), and the schedstat read this
 * round kept as its base if the thread was asleep then. -ENOMEM. */
int pyout_tasks_took(pyout_task_t *t, char state, const char *stack, size_t len);

/* Keep the p event written for t's stack (written again as is while the
 * thread has not run). -ENOMEM (then none is kept). */
int pyout_tasks_keep_event(pyout_task_t *t, const char *event, size_t len);

/* End a round: drop the tasks not seen in it. */
void pyout_tasks_end(pyout_tasks_t *ts);

/* Close every task (the process exec'd: its threads are others). */
void pyout_tasks_close(pyout_tasks_t *ts);

/* Close every task and free the arrays. */
void pyout_tasks_cleanup(pyout_tasks_t *ts);

#endif
