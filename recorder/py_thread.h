/* py_thread: one Python thread's stack in another process, read from
 * outside (py_mem), checked against torn reads, named (py_names).
 *
 * A walk reads a thread state (PyThreadState), its _PyCFrame's current
 * frame and the chain of _PyInterpreterFrames under it, then reads the
 * chain again in one call framed by two reads of the state's _PyCFrame
 * pointer: anything changed, and the try fails with -EAGAIN (the caller
 * tries again, PY_WALK_TRIES times in all). A chain that loops, is deeper
 * than PY_WALK_MAX_DEPTH or ends in a generator's frame (read across a
 * yield) is never given.
 *
 * To keep a walk to a few calls, the walker remembers per thread state
 * (a small table by address) what its last walks met: the recent
 * _PyCFrames (one per entry into the eval loop), the highest top of its
 * data-stack chunk and the windows it read under frames outside the
 * chunk. The next walk reads those guesses with the state in its first
 * call (py_thread_guess_add: the round can put a thread's first read
 * into its own call), and reads again what proves wrong.
 *
 * That first call also looks twice: after the stack and the C stack it
 * reads the stack range, the guessed windows, the state's _PyCFrame
 * pointer and the guessed _PyCFrame's current frame again. When the
 * whole chain was in the guessed stack and windows and both looks agree (the same _PyCFrame, the same
 * current frame, every frame of the chain the same as in the check
 * above), the chain is a snapshot taken within one call, microseconds
 * wide, and the check after the walk reads the code objects only; a
 * running thread, whose chain changes between two calls, is then read in
 * one try instead of being retried and lost as torn. Otherwise the walk
 * is checked by the second call as described above. */
#ifndef TRACECAST_PY_THREAD_H
#define TRACECAST_PY_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "py_mem.h"
#include "py_names.h"

#if PYO_OK
#define PY_THREAD_SAME 1        /* py_thread_try: a thread of the same set, not walked */
#define PY_THREAD_GW 2          /* windows of the last walk read again */
#define PY_THREAD_GUESS_IOVS (6 + 2 * PY_THREAD_GW) /* iovecs py_thread_guess_add adds at most */

typedef struct py_thread py_thread_t;

/* The stacks' text, folded root first with ';' (owned by the caller:
 * free s). */
typedef struct py_thread_text {
	char *s;
	size_t len, cap;
} py_thread_text_t;

/* The first read of a thread state: the state itself (h, ending at byte
 * end_h of the call) and, unless its thread is of the same set, the
 * guesses of its last walks. Caller storage, filled by
 * py_thread_guess_add, read by py_thread_try. */
typedef struct py_thread_guess {
	unsigned char h[PY_MEM_TS_BYTES];
	uint64_t clo, chi;          /* the C-stack span asked; chi 0: none */
	size_t nw;
	uint64_t glo, ghi;          /* the stack range asked; ghi 0: none */
	uint64_t wlo[PY_THREAD_GW], whi[PY_THREAD_GW];
	/* the snapshot's second look, after the C stack: the stack range
	 * again (into the walker's second buffer), the state's _PyCFrame
	 * pointer and the current frame of the guessed _PyCFrame cf */
	uint64_t cf, cframe2, top2;
	size_t end_h, end_stack, end_c, end_w[PY_THREAD_GW]; /* where each part ends in the call's bytes */
	size_t end_snap;            /* 0: no second look asked */
} py_thread_guess_t;

/* A walker for process pid, whose code type object is at code_type,
 * naming frames through names (not owned); NULL when out of memory. */
py_thread_t *py_thread_new(pid_t pid, uint64_t code_type, py_names_t *names);

/* Is tid in set (n ids)? */
bool py_thread_in_set(unsigned long tid, const unsigned long *set, size_t n);

/* Has thread state ts been walked (tried) before? *tid: its native id then. */
bool py_thread_known(const py_thread_t *w, uint64_t ts, unsigned long *tid);

/* Append to liov/riov at *k (room for PY_THREAD_GUESS_IOVS) the first
 * read of thread state ts into q; *bytes is the call's byte count so far
 * (the end_* fields are counted from it). The guesses are left out when
 * the thread (as last seen) is in same (n_same ids). The buffers the
 * guesses are read into are the walker's: one guess at a time, until
 * py_thread_try uses it. */
void py_thread_guess_add(py_thread_t *w, uint64_t ts, const unsigned long *same, size_t n_same,
			 py_thread_guess_t *q, struct iovec *liov, struct iovec *riov, size_t *k,
			 size_t *bytes);

/* One try at thread state ts of interpreter interp: 0 (its stack
 * appended to text, *off and *len set; len 0: no frames), PY_THREAD_SAME
 * (a thread of the same set: *tid and *next set, not walked), -EAGAIN
 * (changed under us), -ELOOP (the chain loops: torn too), -E2BIG (too
 * deep), -errno (-ESRCH, -EPERM, -ENOMEM). *tid and *next (the next
 * thread state) are set whenever the state was read. pre: the first read,
 * made by the caller in a call that read got bytes, or NULL (then made
 * here). last: the last try (names of unreadable modules given as "?"). */
int py_thread_try(py_thread_t *w, uint64_t ts, uint64_t interp, bool last,
		  const unsigned long *same, size_t n_same, py_thread_guess_t *pre, size_t got,
		  py_thread_text_t *text, unsigned long *tid, uint64_t *next, size_t *off,
		  size_t *len);

/* Free. NULL is a no-op. */
void py_thread_free(py_thread_t *w);
#endif

#endif
