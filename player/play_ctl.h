/* play_ctl: the interactive player's loop (tracecast play).
 *
 * One poll() loop over the keyboard and a signalfd (SIGINT, SIGTERM,
 * SIGHUP, SIGWINCH). The play clock runs on CLOCK_MONOTONIC times speed;
 * the idle-time limit (from the header unless given) shortens pauses
 * between "o" events only. Frames are drawn at most 60 times a second,
 * only what changed. The viewer's terminal (termios, alternate screen,
 * cursor, auto-wrap) is restored on every way out: q, Ctrl-C, the
 * signals, an error. The state and clock live in play_state.h, what the
 * keys do in play_input.h. */
#ifndef TRACECAST_PLAY_CTL_H
#define TRACECAST_PLAY_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "compose.h"

typedef struct play_ctl_opts {
	const char *path;
	double speed;
	bool has_idle_limit;   /* idle_limit given (else the header's) */
	double idle_limit;     /* seconds, 0 = none */
	bool loop;
	bool pause_on_markers;
	int64_t from, to;      /* recording times, ns (to = INT64_MAX: the end) */
	bool quit_at_end;
	bool strict;
	const char *stats_path; /* --stats FILE: frames, bytes, wall/CPU seconds at exit */
	/* called while the recording is indexed (see timeline_opts_t), and
	 * once more with done == total when it is (the caller's progress
	 * line: engines do not print) */
	int (*progress)(void *user, uint64_t done, uint64_t total);
	void *progress_user;
	compose_opts_t compose;
} play_ctl_opts_t;

void play_ctl_opts_defaults(play_ctl_opts_t *o);
/* Play until quit. Returns the exit code: 0 (q, end), 1 (error: its
 * message in errbuf, "" otherwise; the terminal is restored by then),
 * 128 + signal number for SIGINT/SIGTERM/SIGHUP. */
int play_ctl_run(const play_ctl_opts_t *o, char *errbuf, size_t errsize);

#endif
