/* stats: the `strace -c -w` table of a recording's "s" events, and more.
 *
 * Fed the "s" events in a window (file order), it counts per syscall (or
 * per pid, tid or comm and syscall): calls, errors, total, average and
 * maximum wall time of the calls (their <DURATION>), as `strace -c -w -f`
 * counts them: a complete line or a <... resumed> half is one call; an
 * <unfinished ...> half, signal and exit lines are not calls; a call that
 * never returned (exit_group "= ?") is not counted; a line with an errno
 * ("= -1 ENOENT", "= ? ERESTARTSYS") is an error. It also keeps the N
 * slowest single calls (their text and recording time) and the failed
 * calls grouped by syscall and errno. Processes and names: a clone/fork
 * without CLONE_THREAD starts a process, an execve names it (its basename,
 * 15 bytes as the kernel keeps), proc samples name the others.
 *
 * Memory grows with distinct threads and (group, syscall, errno) keys,
 * never with the number of events. Nothing is printed except through
 * stats_print() into the FILE * the caller hands in. */
#ifndef TRACECAST_REPORT_STATS_H
#define TRACECAST_REPORT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "tracecast/cast_types.h"
#include "tracecast/strace_line.h"

typedef enum stats_by { STATS_BY_NONE, STATS_BY_PID, STATS_BY_TID, STATS_BY_COMM } stats_by_t;
typedef enum stats_sort { STATS_SORT_TIME, STATS_SORT_CALLS, STATS_SORT_ERRORS,
			  STATS_SORT_NAME } stats_sort_t;

typedef struct stats_opts {
	stats_by_t by;
	stats_sort_t sort;
	unsigned top;          /* slowest single calls kept (0: none) */
	bool errors;           /* keep failed calls by syscall and errno */
} stats_opts_t;

typedef struct stats stats_t;

/* New state for a recording with header hdr (its tracecast.s_time says
 * how "s" events are stamped). Returns 0 or -ENOMEM. */
int stats_new(stats_t **out, const cast_header_t *hdr, const stats_opts_t *opts);

/* One event in the window: "s" events are counted, "p" proc samples name
 * processes; others are ignored. Returns 0 or -ENOMEM. */
int stats_event(stats_t *s, const cast_event_t *ev);

/* An event before the window: counted nowhere, only followed for which
 * process each thread belongs to and the names (a window that starts after
 * a clone or an exec). Returns 0 or -ENOMEM. */
int stats_follow(stats_t *s, const cast_event_t *ev);

/* Whether the parsed line l is one call as the table counts it (a complete
 * line or a <... resumed> half that returned); then *dur_ns is its
 * duration (0 when the line has none). The rule stats_event() applies,
 * for other counters of the same table (the HTML page's windows). */
bool stats_line_call(const strace_line_t *l, int64_t *dur_ns);

/* Calls counted so far. */
unsigned long stats_calls(const stats_t *s);

/* The report as text, at most 80 columns wide: the table (per group with
 * --by), then the slowest calls and the errors when asked for. Returns 0
 * or -errno of the write. */
int stats_print(const stats_t *s, FILE *fp);

/* The same as a new JSON object:
 * {"time":"wall","calls":N,"errors":N,"seconds":S,
 *  "syscalls":[{"syscall","calls","errors","seconds","usecs_per_call",
 *               "max_usecs","percent"}],
 *  "groups":[{"by":"pid","pid":N,"comm":"..","calls","errors","seconds",
 *             "syscalls":[..]}],                   (with --by)
 *  "slowest":[{"start","end","seconds","tid","syscall","line"}], (--top)
 *  "failed":[{"syscall","errno","count","first","example"}]}   (--errors)
 * Times in the recording ("start", "end", "first") are seconds since its
 * time 0. NULL on ENOMEM. */
json_t *stats_json(const stats_t *s);

/* The short profile section of the text report, from
 * profile_summary_json()'s object: the busiest processes (CPU seconds,
 * peak RSS), per stack source its samples, lost samples and top frames by
 * self and total samples. At most 80 columns. Returns 0 or -EIO. */
int stats_print_profile(const json_t *profile, FILE *fp);

/* Free. NULL is a no-op. */
void stats_free(stats_t *s);

#endif
