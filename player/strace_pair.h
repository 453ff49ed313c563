/* strace_pair: pair strace's "<unfinished ...>" halves with their
 * "<... NAME resumed>" halves, per thread, with no distance limit.
 *
 * A thread is in at most one syscall at a time, so the pending state is
 * one entry per thread with a call in flight: (attach tag, TID) -> the
 * index of its unfinished line and the call's name. Memory is bounded by
 * the number of threads with a call in flight, never by the distance (in
 * lines or time) between the halves: a 6 s poll resumed 30,000 lines later
 * pairs. A newer unfinished half of the same thread replaces an older one
 * (the older lost its resumed half, e.g. the thread was killed). */
#ifndef TRACECAST_STRACE_PAIR_H
#define TRACECAST_STRACE_PAIR_H

#include <stddef.h>

typedef struct strace_pair strace_pair_t;

/* New, empty. Returns 0 or -ENOMEM. */
int strace_pair_new(strace_pair_t **out);

/* The unfinished half at index idx (>= 0) of thread (attach, tid), for the
 * syscall name[0..len). Returns 0 or -ENOMEM (then nothing is pending for
 * that thread). */
int strace_pair_unfinished(strace_pair_t *p, long attach, long tid, const char *name,
			   size_t len, long idx);

/* A resumed half of thread (attach, tid) for name: the index of the
 * pending unfinished half of the same thread and name (forgotten now),
 * or -1 when there is none (an orphan; a pending half of another name
 * stays pending). */
long strace_pair_resumed(strace_pair_t *p, long attach, long tid, const char *name,
			 size_t len);

/* The thread is gone (its exit line): forget what it had pending. */
void strace_pair_forget(strace_pair_t *p, long attach, long tid);

/* Threads with a call pending now. */
size_t strace_pair_pending(const strace_pair_t *p);

/* Free; NULL is a no-op. */
void strace_pair_free(strace_pair_t *p);

#endif
