/* play_state: the interactive player's state and its play clock, shared
 * by the player's loop (play_ctl.c) and its key handling (play_input.c).
 *
 * The play clock runs on CLOCK_MONOTONIC times speed: it is at v0 at wall
 * time wall0 while playing, and stays at v0 while paused; t is the
 * recording time shown (timeline_from_play of the clock, or an exact
 * time a jump asked for). Setters mark the state dirty (a frame is due).
 * Private to player/: play_ctl.h is the player's contract. */
#ifndef TRACECAST_PLAY_STATE_H
#define TRACECAST_PLAY_STATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracecast/term.h"
#include "compose.h"
#include "frame.h"
#include "keys.h"
#include "play_ctl.h"
#include "playhead.h"
#include "term_out.h"
#include "timeline.h"

#define PLAY_NS INT64_C(1000000000)
#define PLAY_MSG_NS (3 * PLAY_NS) /* a status message shows this long */

typedef struct play_state {
	const play_ctl_opts_t *o;
	timeline_t *tl;
	playhead_t *ph;
	compose_t *comp;
	compose_opts_t copts;
	term_out_t *out;
	term_t term;
	frame_t *frame;
	int in_fd;            /* keyboard, -1 when none */
	bool own_in_fd;
	int sig_fd;
	sigset_t old_mask;
	bool mask_set;
	double speed;
	bool paused;
	int64_t v0, wall0;    /* play clock v0 at wall time wall0 */
	int64_t v_from, v_end;
	int64_t t;            /* recording time shown */
	bool busy;            /* the playhead has not reached t yet */
	bool dirty;
	int64_t last_draw;
	keys_reader_t keys;   /* a key sequence split across reads */
	bool help_was_paused; /* the run state the help box paused */
	bool search_mode;     /* typing the text to search (t) */
	char search[128];     /* the last search, for n and N */
	size_t search_len;
	bool filter_mode;
	char filter[256];
	size_t filter_len;
	char prompt[300];      /* the search or filter prompt, as shown */
	char message[160];
	int64_t message_until;
	bool quit;
	int exit_code;
	unsigned vcols, vrows;
	char errmsg[700];     /* printed once the terminal is restored */
	uint64_t frames, bytes; /* drawn, for --stats */
	int64_t started;
} play_state_t;

/* CLOCK_MONOTONIC, ns. */
int64_t play_state_now(void);
/* base + d as a time, saturated: d may be huge or NaN (times come from the
 * file, the speed from the user); |base| stays below 5e18 (a monotonic
 * clock, or a play time of at most CAST_TIME_MAX_NS). */
int64_t play_state_add_ns(int64_t base, double d);
/* Current play-clock position. */
int64_t play_state_v(const play_state_t *p, int64_t now);
/* Put the play clock at v (clamped to [v_from, v_end]), keeping the run
 * state; t follows. */
void play_state_set_v(play_state_t *p, int64_t v, int64_t now);
/* Put the playhead at recording time t exactly (a time inside a gap the
 * idle limit shortens has no play-clock time of its own). */
void play_state_set_t(play_state_t *p, int64_t t, int64_t now);
/* Show msg in the status line for PLAY_MSG_NS (cut at 159 bytes). */
void play_state_message(play_state_t *p, const char *msg, int64_t now);
/* Pause or play on from where the clock is. */
void play_state_set_paused(play_state_t *p, bool paused, int64_t now);
/* Advance the clock while playing: at the end stop (and quit with
 * quit_at_end) or loop; pause at a marker passed with pause_on_markers. */
void play_state_tick(play_state_t *p, int64_t now);

#endif
