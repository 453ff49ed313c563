/* playhead: the recorded screen at a time T, the seek engine.
 *
 * The screen at T is the state after every "o" and "r" event with time
 * <= T, fed in file order into a fresh libvterm screen of the header's
 * size. Moving forward feeds the events in between; moving backward
 * restarts from the beginning of the file (re-read, not kept in memory),
 * so the result is by construction the screen of sequential playback.
 * Memory: one event line at a time, whatever the file's size. */
#ifndef TRACECAST_PLAYHEAD_H
#define TRACECAST_PLAYHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracecast/cast_error.h"
#include "screen.h"

typedef struct playhead playhead_t;

typedef struct playhead_opts {
	bool strict;    /* a malformed line is an error (else warned once, skipped) */
	bool quiet;     /* no warnings on stderr */
} playhead_opts_t;

/* Open path and put the playhead at time 0 (before any event, or after
 * the events stamped 0: see playhead_seek). Returns 0 or -errno /
 * CAST_ERR_SYNTAX with err filled. */
int playhead_new(playhead_t **out, const char *path, const playhead_opts_t *opts,
		 cast_error_t *err);
void playhead_free(playhead_t *p);
/* Move to t (ns; INT64_MAX = the end): afterwards the screen holds every
 * event with time <= t. Returns 0, or -errno / CAST_ERR_SYNTAX (strict)
 * with err filled. */
int playhead_seek(playhead_t *p, int64_t t, cast_error_t *err);
/* Like playhead_seek, but stop after feeding about budget bytes (0 = no
 * limit) so a caller can stay responsive: returns 1 when t is not reached
 * yet (call again), 0 when it is, or a negative error. */
int playhead_advance(playhead_t *p, int64_t t, size_t budget, cast_error_t *err);
/* The screen (owned by the playhead; valid until playhead_free). */
const screen_t *playhead_screen(const playhead_t *p);
/* Time of the next event not yet applied, or INT64_MAX at the end. */
int64_t playhead_next_time(const playhead_t *p);
/* How many times the engine went back to the start of the file. */
unsigned long playhead_restarts(const playhead_t *p);

#endif
