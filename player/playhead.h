/* playhead: the recorded screen at a time T, the seek engine.
 *
 * The screen at T is the state after the "o" and "r" events read in file
 * order from the start up to the first one later than T, fed into a fresh
 * libvterm screen of the header's size (other events do not touch the
 * screen and are passed over; with the timeline's index of "o"/"r" line
 * offsets, a v2 file's other lines are not even read). Moving forward
 * feeds the events in between.
 *
 * Snapshots: every 256 KiB of output fed, the whole screen is saved
 * (screen_snap_save: exact, packed by word runs in about 0.05-0.15 ms, so
 * a first pass costs no more than without; about 90 KB for 120x36).
 * Moving backward, or forward past a snapshot, restores the latest
 * snapshot whose events are all at or before T and replays at most
 * 256 KiB from there (about 15 ms at libvterm's 18 MB/s, 21 ms at the
 * 12 MB/s of a loaded machine) instead of the whole file from its start. Over 64 MB of
 * snapshots, every other one is dropped and the distance doubles. Without
 * a snapshot (v1 files, stdin, before the first one) the engine restarts
 * from the beginning of the file. Either way the result is by construction
 * the screen of sequential playback; tests/unit/test_snapshot.c checks it
 * cell for cell. */
#ifndef TRACECAST_PLAYHEAD_H
#define TRACECAST_PLAYHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracecast/cast_error.h"
#include "tracecast/cast_reader.h"
#include "screen.h"

typedef struct playhead playhead_t;

typedef struct playhead_opts {
	bool strict;    /* a malformed line is an error (else warned once, skipped) */
	bool quiet;     /* no warnings */
	/* told of each malformed line skipped, once per line (the front-end
	 * prints it); NULL: none */
	cast_warn_fn warn;
	void *warn_user;
	bool no_snapshots;  /* replay from the start on every backward seek */
	size_t snap_every;  /* output bytes between snapshots (0: 256 KiB) */
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
/* How many times the engine went back to the start of the file, and how
 * many times it restored a snapshot instead. */
unsigned long playhead_restarts(const playhead_t *p);
unsigned long playhead_restores(const playhead_t *p);
/* The latest time among the screen events applied so far (0 if none). */
int64_t playhead_last_time(const playhead_t *p);
/* Snapshots kept, and the bytes they hold (may be NULL). */
size_t playhead_snapshots(const playhead_t *p, size_t *bytes);
/* Skip to the "o"/"r" lines at these offsets (timeline_screen_offsets;
 * v2 plain files; the array must outlive p). Call right after
 * playhead_new. */
void playhead_use_index(playhead_t *p, const uint64_t *offs, size_t n);

#endif
