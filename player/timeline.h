/* timeline: the in-memory index of a recording, for seeking and overlays.
 *
 * One pass over the file with cast_reader. Kept: the header's size and
 * idle-time limit, the duration, the times of "o" events (not their data:
 * the engine re-reads the file, so memory does not grow with the output),
 * resizes, markers, the "s" lines (text kept, parsed once for their kind,
 * tid, errno and duration), and the "p" samples reduced to what the
 * profile strip shows. */
#ifndef TRACECAST_TIMELINE_H
#define TRACECAST_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracecast/cast_error.h"
#include "tracecast/strace_line.h"

enum tl_sys_flag {
	TL_SYS_ERROR = 1 << 0,      /* "= -1 ENOENT (...)" and the like */
	TL_SYS_UNFINISHED = 1 << 1, /* "<unfinished ...>" */
	TL_SYS_RESUMED = 1 << 2,    /* "<... NAME resumed>" */
	TL_SYS_NOTCALL = 1 << 3,    /* signal, exit, other */
};

typedef struct tl_sys {
	int64_t t;           /* event time, ns */
	char *text;          /* the "s" line */
	int64_t dur_ns;      /* <DURATION>, -1 when absent */
	long tid;
	long pair;           /* UNFINISHED: index of its RESUMED line, RESUMED:
				of its UNFINISHED line; -1 when none */
	uint32_t errors;     /* error lines before and including this one */
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

typedef struct timeline {
	unsigned width, height;    /* the header's size */
	bool has_idle_limit;
	double idle_limit;         /* seconds, from the header */
	char *title;               /* NULL when none */
	strace_time_base_t s_time; /* what an "s" event's time is (header) */
	int64_t duration_ns;       /* time of the last event */
	int64_t *otimes;           /* times of "o" events */
	size_t n_o;
	int64_t *vtimes;           /* play time of each "o" event (idle limit applied) */
	int64_t idle_limit_ns;     /* in force for vtimes, 0 = none */
	tl_sys_t *sys;
	size_t n_sys;
	tl_prof_t *prof;
	size_t n_prof;
	tl_marker_t *markers;
	size_t n_markers;
	tl_resize_t *resizes;
	size_t n_resizes;
	unsigned long malformed;   /* malformed lines skipped */
	bool has_exit;
	int exit_status;
} timeline_t;

typedef struct timeline_opts {
	bool strict;               /* a malformed line stops the load */
	bool quiet;                /* no warnings on stderr */
} timeline_opts_t;

/* Read the whole recording at path. Returns 0 and *out, or -errno /
 * CAST_ERR_SYNTAX (err filled). Malformed lines are warned about on stderr
 * and skipped unless opts->strict. */
int timeline_load(timeline_t **out, const char *path, const timeline_opts_t *opts,
		  cast_error_t *err);
void timeline_free(timeline_t *tl);

/* Apply an idle-time limit (seconds; <= 0 = none) to the play clock:
 * a gap between "o" events longer than it counts as the limit. */
void timeline_set_idle_limit(timeline_t *tl, double secs);
/* Recording time -> play time and back (monotonic, inverse on "o" times). */
int64_t timeline_to_play(const timeline_t *tl, int64_t t);
int64_t timeline_from_play(const timeline_t *tl, int64_t v);
/* Play-clock length of the whole recording. */
int64_t timeline_play_duration(const timeline_t *tl);

/* Number of entries of a sorted time array with time <= t. */
size_t timeline_count_upto(const int64_t *times, size_t stride, size_t n, int64_t t);
/* Index of the first "o" event later than t, or n_o. */
size_t timeline_next_o(const timeline_t *tl, int64_t t);
/* Syscall lines with time <= t. */
size_t timeline_sys_upto(const timeline_t *tl, int64_t t);
/* The marker at or before t (NULL when none), and the next/previous
 * marker strictly after/before t (NULL when none). */
const tl_marker_t *timeline_marker_at(const timeline_t *tl, int64_t t);
const tl_marker_t *timeline_marker_next(const timeline_t *tl, int64_t t);
const tl_marker_t *timeline_marker_prev(const timeline_t *tl, int64_t t);
/* Screen size in force at t (after the last resize at or before it). */
void timeline_size_at(const timeline_t *tl, int64_t t, unsigned *cols, unsigned *rows);

/* Parse a time: "12.5", "1:02.5", "1:00:00", "end" (= INT64_MAX), the
 * grammar of tc_time_parse() (huge values clamp to INT64_MAX). Returns 0
 * or -1. */
int timeline_parse_time(const char *s, int64_t *ns);

#endif
