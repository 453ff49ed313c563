/* rec_child: the one reaper of every child process the recorder owns.
 *
 * The recorded command (rec_session), strace's probe (strace_source), the
 * --strace-pid tracers (strace_attach) and the python sampler's probe
 * (pyout_source) are forked through here and held by a pidfd. Only this
 * module waits for children, each by its pidfd (waitid P_PIDFD; waitpid
 * on its pid without one), never waitpid(-1): a child of someone else in
 * this process is left to its owner. Each owner is told through its
 * callback, as tmux's server_child_signal() dispatches to windows and
 * jobs. The session calls
 * rec_children_reap on SIGCHLD; code outside the loop (setup, teardown)
 * waits for one child with rec_child_wait.
 *
 * A child reaped behind our back (SIGCHLD ignored when we were started:
 * the kernel reaps; the wait says ECHILD) counts as exited with
 * REC_CHILD_LOST_STATUS, its real status unknown. Signals go through the
 * pidfd: a pid is never signalled after its child was reaped. */
#ifndef TRACECAST_REC_CHILD_H
#define TRACECAST_REC_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/* The wait status of a child reaped by someone else: exit 255. */
#define REC_CHILD_LOST_STATUS (255 << 8)

typedef struct rec_children rec_children_t;

/* Told once, when the child is reaped, with its wait status. */
typedef void (*rec_child_exited_fn)(void *user, pid_t pid, int status);

/* An empty set. Returns 0 and *out, or -ENOMEM. */
int rec_children_new(rec_children_t **out);

/* fork() and hold the child: returns 0 in the child, its pid in the
 * parent, -errno. exited (may be NULL) is called once, from the reap that
 * finds it gone (rec_children_reap, rec_child_exited, rec_child_wait),
 * never from rec_children_free. */
pid_t rec_child_fork(rec_children_t *c, rec_child_exited_fn exited, void *user);

/* Reap every held child that has exited and tell its owner. Returns how
 * many were reaped. */
int rec_children_reap(rec_children_t *c);

/* Has pid exited? Reaps it if so (its owner is told); *status (may be
 * NULL) gets its wait status. False for a pid not held. */
bool rec_child_exited(rec_children_t *c, pid_t pid, int *status);

/* Wait until pid exits, at most timeout_ms (-1: no limit), and reap it.
 * Returns 0 with *status, -ETIMEDOUT, or -ECHILD for a pid not held. */
int rec_child_wait(rec_children_t *c, pid_t pid, int timeout_ms, int *status);

/* Send sig to pid through its pidfd. 0, or -ESRCH once it was reaped (or
 * is not held), or -errno. */
int rec_child_signal(rec_children_t *c, pid_t pid, int sig);

/* SIGKILL and reap every child still held, then free. Their owners are
 * not told (they may be freed before). NULL is a no-op. */
void rec_children_free(rec_children_t *c);

#endif
