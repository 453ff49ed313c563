/* rec_session: the recorder's pty session and its one poll loop.
 *
 * Owns the pty pair, the recorded command (child), the signals of the
 * recorder (blocked and read through a signalfd) and the event sources.
 * It relays bytes between the user's terminal (in_fd/out_fd) and the pty,
 * byte for byte, and reports what happens through callbacks (util-linux
 * pty-session style), so tests can drive it with pipes as in_fd/out_fd:
 *
 *   output   bytes read from the pty master (already relayed to out_fd);
 *   input    bytes sent to the command (after prefix-key handling);
 *   marker   the prefix key then 'm' was typed;
 *   pause    the prefix key then 'p', or the prefix key alone with no key
 *            after it for REC_SESSION_PREFIX_MS (asciinema's Ctrl-\ pause
 *            key), toggled pause; the caller leaves paused time out;
 *   resize   the terminal was resized (the pty already follows it);
 *   deadline/tick  the caller's timer (writer flush, reorder window).
 *
 * Sources are driven in the order of rec_source.h: started (after the
 * fork), poll_fd/readable and deadline/tick while running, child_exited,
 * then finish once the pty is drained. prepare and free are the caller's.
 *
 * The loop ends when the command has exited and the master returned EIO
 * (every byte read), or, when a background process keeps the pty open,
 * once it has been quiet for REC_SESSION_LINGER_MS after the exit.
 * SIGTERM, SIGHUP, SIGINT and SIGQUIT to the recorder hang up the command
 * (SIGHUP to its session) and SIGKILL it REC_SESSION_KILL_MS later if it is
 * still there; the loop then ends as for a normal exit. */
#ifndef TRACECAST_REC_SESSION_H
#define TRACECAST_REC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#include "rec_source.h"

#define REC_SESSION_LINGER_MS 500
#define REC_SESSION_KILL_MS 2000
#define REC_SESSION_READ 65536
/* What the relay to out_fd holds at most: a terminal or pipe that does not
 * read stops the reads of the pty (the command waits) once this is full,
 * never the loop (signals, flushes, sources go on). */
#define REC_SESSION_RELAY_MAX (16 * REC_SESSION_READ)
/* The exit code reported for a command that was reaped by someone else
 * (waitpid: ECHILD), its real status unknown (REC_CHILD_LOST_STATUS). */
#define REC_SESSION_LOST_STATUS 255
#define REC_SESSION_PREFIX_MS 700

typedef struct rec_session rec_session_t;

typedef struct rec_session_cbs {
	void (*output)(void *user, int64_t mono_ns, const char *buf, size_t len);
	void (*input)(void *user, int64_t mono_ns, const char *buf, size_t len);
	void (*marker)(void *user, int64_t mono_ns);
	void (*pause)(void *user, int64_t mono_ns, bool paused);
	void (*resize)(void *user, int64_t mono_ns, unsigned cols, unsigned rows);
	/* The latest time the loop must wake for tick (CLOCK_MONOTONIC ns) or
	 * INT64_MAX. tick is called after every wake-up, due or not, so work
	 * it finds ready rides on wake-ups the loop makes anyway. */
	int64_t (*deadline)(void *user);
	void (*tick)(void *user, int64_t mono_ns);
	/* Before each tick: the oldest time of an event a source still holds
	 * back (the minimum of the sources' hold hooks), INT64_MAX for none. */
	void (*hold)(void *user, int64_t oldest_ns);
} rec_session_cbs_t;

typedef struct rec_session_opts {
	int in_fd;          /* user's input, -1 for none */
	int out_fd;         /* where the command's output is relayed, -1 none */
	int tty_fd;         /* terminal whose size the pty follows, -1 none */
	bool headless;      /* on EOF of in_fd send EOT (^D) once; no prefix key */
	int prefix_key;     /* the prefix byte (0..255), -1 for none */
	unsigned cols, rows;                  /* initial pty size */
	const struct termios *slave_termios;  /* NULL: the kernel's defaults */
	rec_source_t *sources;
	size_t n_sources;
	const rec_emit_t *emit;               /* where sources emit */
	/* The recorder's children (rec_child.h): the command is held and
	 * reaped there, and every child in it is reaped on SIGCHLD. NULL:
	 * the session keeps a set of its own. Not owned. */
	struct rec_children *children;
} rec_session_opts_t;

/* Block the recorder's signals and open the signalfd; ignore SIGPIPE and
 * SIGXFSZ (writes fail with EPIPE/EFBIG instead), SIGCHLD to its default
 * (given back by rec_session_free). Returns 0 or -errno. Callbacks may be
 * NULL. */
int rec_session_new(rec_session_t **out, const rec_session_opts_t *opts,
		    const rec_session_cbs_t *cbs, void *user);

/* Open the pty and start argv[0] (PATH searched) with envp in it, as a
 * session leader with the pty as its controlling terminal. Calls the
 * sources' started hook. Returns 0 or -errno. */
int rec_session_spawn(rec_session_t *s, char *const argv[], char *const envp[]);

/* Run the loop until the session is over. Returns 0 or -errno (poll
 * failure; the command is then killed and reaped). */
int rec_session_run(rec_session_t *s);

/* The command's wait status (valid after run). */
int rec_session_status(const rec_session_t *s);

/* The wait status as an exit code: WEXITSTATUS, or 128+N for signal N. */
int rec_session_exit_code(int status);

/* Kill and reap a command still running, close everything, give back the
 * signal mask and dispositions. NULL is a no-op. */
void rec_session_free(rec_session_t *s);

#endif
