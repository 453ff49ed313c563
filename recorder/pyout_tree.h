/* pyout_tree: the processes the outside Python sampler reads: the
 * recorded command's tree and each --strace-pid target's.
 *
 * A look (every REC_BATCH_NS) finds the trees' new processes through the
 * kernel's children lists (/proc/PID/task/TID/children of each process
 * of the trees: one pread each, whatever the rest of the machine does;
 * where the kernel lacks them, as the proc sampler finds them: the pids
 * handed out since the last look, from /proc/loadavg), drops the gone
 * ones and looks at each one's executable: a new or changed one (exec) is
 * opened with py_walk if it is a readable CPython (a python* executable
 * without a runtime yet is tried again for a second). A Python process
 * that cannot be read (another CPython version, permission) is not
 * sampled and remembered for the end warning. */
#ifndef TRACECAST_PYOUT_TREE_H
#define TRACECAST_PYOUT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "py_walk.h"
#include "pyout_tasks.h"

#define PYOUT_TREE_WARN_MAX 8  /* processes named in the end warning */

/* One process of the trees. */
typedef struct pyout_proc {
	pid_t pid;
	dev_t dev;                 /* /proc/PID/exe as last looked at */
	ino_t ino;
	bool exe_known;
	int64_t exe_next;          /* a process being read: exe looked at again then */
	py_walk_t *walk;           /* NULL: not a readable Python (yet) */
	int64_t reopen_until;      /* try py_walk_open again until then */
	int fd_children;           /* /proc/PID/task/PID/children, or -1 */
	pyout_tasks_t tasks;       /* its threads (pyout_tasks) */
} pyout_proc_t;

/* Caller storage: pyout_tree_init / pyout_tree_cleanup. */
typedef struct pyout_tree {
	pid_t *roots;              /* [0]: the command (0 until started) */
	size_t n_roots;
	pyout_proc_t *procs;
	size_t n_procs, cap_procs;
	int fd_loadavg;
	int children;              /* /proc/.../children: 1 works, 0 unknown, -1 not here */
	long last_pid, retry_pid;
	char warn[PYOUT_TREE_WARN_MAX][200]; /* "pid P: why", the first ones */
	size_t n_warn;
	unsigned long refused;     /* Python processes not sampled */
} pyout_tree_t;

/* The trees of the command (roots[0], set when it starts) and of the
 * n_attach pids in attach. 0 or -ENOMEM. */
int pyout_tree_init(pyout_tree_t *tr, const pid_t *attach, size_t n_attach);

/* One look at the trees (see above) at monotonic time now. */
void pyout_tree_look(pyout_tree_t *tr, int64_t now);

/* Drop procs[i] (gone): the last one takes its place. */
void pyout_tree_drop(pyout_tree_t *tr, size_t i);

/* p cannot be read any more (exec'd, or unreadable now): its walker is
 * freed and its executable looked at again at the next look. */
void pyout_tree_unread(pyout_proc_t *p);

/* How many processes have a walker (are sampled). */
size_t pyout_tree_count_walks(const pyout_tree_t *tr);

/* Drop every process and free. */
void pyout_tree_cleanup(pyout_tree_t *tr);

#endif
