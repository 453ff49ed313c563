/* timeline: the in-memory index of a recording, for seeking and overlays.
 *
 * One pass over the file with cast_reader. Kept: the header's size and
 * idle-time limit, the duration, the times of "o" events (not their data:
 * the engine re-reads the file), resizes, markers, the "p" samples reduced
 * to what the profile strip shows, and for each "s" line a compact record
 * (13 bytes: time, duration, tid, syscall name, flags) but not its text.
 * Records sit in blocks of at most TL_BLOCK lines that share a base time
 * and the file offset of their first line; a line's text is read back from
 * the file on demand (timeline_sys_text, through cast_tail: random access
 * on plain files, forward inflate on gzip ones). So memory grows by about
 * 13 bytes per syscall, not by the text (issue 16: a 478 MB recording of
 * 3,000,000 syscalls). Unfinished/resumed pairs, durations over 4.29 s and
 * tids past the 65,535th distinct one go to a small side table.
 *
 * The struct is opaque: read it through the accessors below. */
#ifndef TRACECAST_TIMELINE_H
#define TRACECAST_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracecast/cast_error.h"
#include "tracecast/cast_reader.h"
#include "sbuf.h"

enum tl_sys_flag {
	TL_SYS_ERROR = 1 << 0,      /* "= -1 ENOENT (...)" and the like */
	TL_SYS_UNFINISHED = 1 << 1, /* "<unfinished ...>" */
	TL_SYS_RESUMED = 1 << 2,    /* "<... NAME resumed>" */
	TL_SYS_NOTCALL = 1 << 3,    /* signal, exit, other */
	TL_SYS_ATTACHED = 1 << 4,   /* "@PID " line of an attached tracer */
};

#define TL_NAME_NONE 0xffffu  /* name id of a line without a syscall name */

/* One "s" line, decoded from its compact record by timeline_sys_get. */
typedef struct tl_sys {
	int64_t t;           /* event time, ns */
	int64_t start, end;  /* the call's span (strace_line_span with the
				header's s_time base); start = end = t when
				no duration */
	int64_t dur_ns;      /* <DURATION>, -1 when absent */
	long tid;
	long pair;           /* UNFINISHED: index of its RESUMED line, RESUMED:
				of its UNFINISHED line; -1 when none */
	unsigned name;       /* name id (timeline_sys_name), TL_NAME_NONE */
	uint8_t flags;       /* enum tl_sys_flag */
} tl_sys_t;

typedef struct tl_prof {
	int64_t t;
	bool is_proc;        /* /proc sample (else a stack sample) */
	float cpu;           /* proc: summed CPU, percent of one core */
	uint64_t rss_kb;     /* proc: summed RSS */
	char state;          /* proc: the top process's state, 0 when unknown */
	char comm[16];       /* proc: the top process's comm */
	char wchan[32];      /* proc: its wait channel */
	char *leaf;          /* stack: the innermost frame (heap), else NULL */
} tl_prof_t;

typedef struct tl_marker {
	int64_t t;
	char *label;
} tl_marker_t;

typedef struct tl_resize {
	int64_t t;
	unsigned cols, rows;
} tl_resize_t;

typedef struct timeline timeline_t;

typedef struct timeline_opts {
	bool strict;               /* a malformed line stops the load */
	bool quiet;                /* no warnings */
	/* told of each malformed line skipped (the front-end prints it); NULL:
	 * only counted (timeline_malformed) */
	cast_warn_fn warn;
	void *warn_user;
	/* called now and then during the load (about every 4 MB) with the
	 * bytes read so far and the file's size (0 when unknown: stdin, gzip),
	 * and once at the end with done == total == the bytes read; a nonzero
	 * return cancels the load (-ECANCELED) */
	int (*progress)(void *user, uint64_t done, uint64_t total);
	void *progress_user;
} timeline_opts_t;

/* Read the whole recording at path. Returns 0 and *out, or -errno /
 * CAST_ERR_SYNTAX (err filled). Malformed lines are warned about on stderr
 * and skipped unless opts->strict. */
int timeline_load(timeline_t **out, const char *path, const timeline_opts_t *opts,
		  cast_error_t *err);
void timeline_free(timeline_t *tl);

/* The header's size (80x24 when absent), title (NULL when none) and
 * idle-time limit (false when none). */
void timeline_size(const timeline_t *tl, unsigned *cols, unsigned *rows);
const char *timeline_title(const timeline_t *tl);
bool timeline_header_idle_limit(const timeline_t *tl, double *secs);
/* Time of the last event. */
int64_t timeline_duration(const timeline_t *tl);
/* Malformed lines skipped by the load. */
unsigned long timeline_malformed(const timeline_t *tl);
/* The "x" event's status: true and *status when there is one. */
bool timeline_exit(const timeline_t *tl, int *status);

/* Apply an idle-time limit (seconds; <= 0 = none) to the play clock:
 * a gap between "o" events longer than it counts as the limit. */
void timeline_set_idle_limit(timeline_t *tl, double secs);
/* The limit in force, ns (0 = none). */
int64_t timeline_idle_limit_ns(const timeline_t *tl);
/* Recording time -> play time and back (monotonic, inverse on "o" times). */
int64_t timeline_to_play(const timeline_t *tl, int64_t t);
int64_t timeline_from_play(const timeline_t *tl, int64_t v);
/* Play-clock length of the whole recording. */
int64_t timeline_play_duration(const timeline_t *tl);

/* Number of entries of a sorted time array with time <= t. */
size_t timeline_count_upto(const int64_t *times, size_t stride, size_t n, int64_t t);

/* "o" events: how many, the time of the i-th, and the index of the first
 * one later than t (or the count). */
size_t timeline_o_count(const timeline_t *tl);
int64_t timeline_o_time(const timeline_t *tl, size_t i);
size_t timeline_next_o(const timeline_t *tl, int64_t t);

/* v2 files: the file offsets of the "o" and "r" lines, in file order (for
 * the playhead to skip the others); NULL and 0 for other versions. */
const uint64_t *timeline_screen_offsets(const timeline_t *tl, size_t *n);

/* Markers: count, the i-th, the number at or before t; the marker at or
 * before t (NULL when none), and the next/previous marker strictly
 * after/before t (NULL when none). */
size_t timeline_marker_count(const timeline_t *tl);
const tl_marker_t *timeline_marker(const timeline_t *tl, size_t i);
size_t timeline_marker_upto(const timeline_t *tl, int64_t t);
const tl_marker_t *timeline_marker_at(const timeline_t *tl, int64_t t);
const tl_marker_t *timeline_marker_next(const timeline_t *tl, int64_t t);
const tl_marker_t *timeline_marker_prev(const timeline_t *tl, int64_t t);

/* Resizes: count and the i-th; the screen size in force at t (after the
 * last resize at or before it). */
size_t timeline_resize_count(const timeline_t *tl);
const tl_resize_t *timeline_resize(const timeline_t *tl, size_t i);
void timeline_size_at(const timeline_t *tl, int64_t t, unsigned *cols, unsigned *rows);

/* Profile samples: count, the i-th, the number at or before t. */
size_t timeline_prof_count(const timeline_t *tl);
const tl_prof_t *timeline_prof(const timeline_t *tl, size_t i);
size_t timeline_prof_upto(const timeline_t *tl, int64_t t);

/* Syscall lines: count; number with time <= t; the i-th decoded; the
 * number of error lines among the first n. */
size_t timeline_sys_count(const timeline_t *tl);
size_t timeline_sys_upto(const timeline_t *tl, int64_t t);
void timeline_sys_get(const timeline_t *tl, size_t i, tl_sys_t *out);
/* The process of line i's thread at that line: *pid (0 when unknown) and
 * *comm ("" when unknown; valid while tl lives), learnt from clone, fork,
 * execve lines and /proc samples (tl_proc.h). */
void timeline_sys_proc(const timeline_t *tl, size_t i, long *pid, const char **comm);
/* The flags of line i (enum tl_sys_flag), without decoding the rest. */
unsigned timeline_sys_flags(const timeline_t *tl, size_t i);
size_t timeline_sys_errors_upto(const timeline_t *tl, size_t n);
/* Read the text of line i back from the file into out (replacing its
 * contents). Returns 0, or -errno (the file changed or went away: out
 * then holds "?"). Reads move a file cursor and fill a small cache kept
 * behind the timeline (so const here, but not thread-safe). */
int timeline_sys_text(const timeline_t *tl, size_t i, sbuf_t *out);
/* Search the terminal output as shown for needle: escape sequences and
 * control bytes are taken out first (an SGR inside a word does not break
 * it), line ends and tabs are separators, and a match may span "o"
 * events. The first "o" event later than t (dir > 0) or the last one
 * earlier than t (dir < 0) in which a match ends. Returns 0 and *found
 * (its time), -ENOENT when there is none, or -errno. v2 plain files start
 * a few "o" lines (the needle's length + 16) before the nearest one to t,
 * so that a match begun there is seen; others read from the start. Moves
 * the text cursor (like timeline_sys_text). */
int timeline_search_output(const timeline_t *tl, int64_t t, int dir, const char *needle,
			   int64_t *found);
/* True when "s" events are stamped at their call's end (the header's
 * tracecast.s_time is "end"): a line later than t may be a call in flight
 * at t (its span starts at or before t). */
bool timeline_s_end_stamped(const timeline_t *tl);
/* The name of id ("" for TL_NAME_NONE), and the id of a name (or -1 when
 * no line has it). */
const char *timeline_sys_name(const timeline_t *tl, unsigned id);
long timeline_sys_name_id(const timeline_t *tl, const char *name, size_t len);
size_t timeline_sys_name_count(const timeline_t *tl);


#endif
