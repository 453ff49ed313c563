/* py_walk: read the Python stacks of another process from outside, as
 * py-spy does: no code runs in the process, nothing stops it.
 *
 * A walker is opened on one pid: it finds the CPython image in
 * /proc/PID/maps (the python3.x executable or libpython3.x.so), reads
 * _PyRuntime, Py_Version and the code/str/dict type objects' addresses
 * from that file's ELF symbols, checks that the process runs the CPython
 * version the recorder was built against (3.11: the structure offsets come
 * from that version's headers, recorder/pyout/py_offsets_probe.c), and
 * reads with process_vm_readv only.
 *
 * A round (py_walk_sample) walks every interpreter's thread states and,
 * per thread, its frame chain (tstate -> _PyCFrame -> current
 * _PyInterpreterFrame -> previous ...), naming each frame
 * "module:qualname" (the module is the frame's globals' __name__, as the
 * in-process sampler names it) and folding the stack root first with ';'.
 *
 * The reads are batched: the thread's top data-stack chunk (where plain
 * calls' frames live) in one call, 8 KB windows under frames met outside
 * it, all code objects of a chain in one call, the check in one call.
 *
 * The process runs while it is read, so a stack read is checked: the
 * first call reads the thread's stack twice (a chain that agrees in both
 * copies is a snapshot: py_thread.h); else every frame's code, globals
 * and link and the thread's current frame are read again in one call and
 * must be unchanged (else the walk is retried, PY_WALK_TRIES times in all); a
 * chain that loops or is deeper than PY_WALK_MAX_DEPTH, or whose code
 * objects are not code objects, is never emitted. Such threads are
 * counted in the round as torn / deep. */
#ifndef TRACECAST_PY_WALK_H
#define TRACECAST_PY_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PY_WALK_TRIES 8
#define PY_WALK_MAX_DEPTH 2048

typedef struct py_walk py_walk_t;

typedef struct py_walk_thread {
	unsigned long native_id; /* the thread state's native_thread_id */
	size_t off, len;         /* its folded stack in the round's text */
	bool same;               /* not walked (its id was in the same set): no stack */
} py_walk_thread_t;

/* What one round gives: threads with at least one frame, and the threads
 * of the same set that were found (same: not walked). Valid until the
 * next round or _free. */
typedef struct py_walk_round {
	const py_walk_thread_t *threads;
	size_t n;
	const char *text;
	unsigned torn;   /* threads dropped: changed under every try, or unreadable */
	unsigned deep;   /* threads dropped: a chain that loops or is too deep */
} py_walk_round_t;

/* Is the outside walker built in (the CPython headers were found at
 * build time)? And which version it reads ("3.11"). */
bool py_walk_available(void);
const char *py_walk_version(void);

/* Open a walker on pid. Returns 0; -ENOEXEC when no CPython image is
 * mapped (not a Python process, or not yet: it may exec one later);
 * -EPROTONOSUPPORT when it is another CPython version (err says which);
 * -EPERM/-EACCES when its memory may not be read; -ESRCH when it is
 * gone; -ENOMEM. err (errsz bytes) gets a one-line reason on failure. */
int py_walk_open(py_walk_t **out, pid_t pid, char *err, size_t errsz);

/* One round over every thread. same (n_same ids, may be NULL) names the
 * threads (by native_thread_id) the caller knows have not run since it
 * last had their stacks: they are found in the thread list but not
 * walked (a thread's frames change only while it runs), and reported
 * with same set. Returns 0, or -errno when the process cannot be read
 * at all (-ESRCH: gone; -EFAULT: its runtime is not readable any more,
 * e.g. it exec'd another program).
 *
 * What a round costs: one process_vm_readv for the runtime's interpreter
 * pointer, the interpreter and the thread states of the last round
 * (guessed to be the same list); then, per thread walked, one for its
 * state with the _PyCFrames and data-stack range it had in recent rounds
 * (guessed again), one for the check, and more only for frames outside
 * that range and for names not met before. */
int py_walk_sample(py_walk_t *w, const unsigned long *same, size_t n_same,
		   py_walk_round_t *round);

/* Free. NULL is a no-op. */
void py_walk_free(py_walk_t *w);

#endif
