/* export: a recording's data in the formats other tools read.
 *
 *   folded      "frame;frame;leaf COUNT" per distinct stack (flamegraph.pl,
 *               inferno, speedscope)
 *   callgrind   callgrind's profile format (KCacheGrind, QCacheGrind,
 *               callgrind_annotate): self samples per function, call edges
 *               with inclusive samples
 *   speedscope  speedscope's JSON file format: one sampled profile per
 *               process/thread, weights and bounds in recording seconds
 *   chrome      Chrome trace event JSON (Perfetto UI, chrome://tracing,
 *               speedscope): syscalls as complete "X" events per TID with
 *               their span, markers and output bursts as instant events,
 *               proc samples as CPU and RSS counters
 *   strace      a `strace -f -ttt -T` log: each recorded line with its
 *               absolute entry time (start_unix_ns + its span's start)
 *
 * Fed the events of a window in file order. chrome and strace write each
 * event as it comes; folded, callgrind and speedscope aggregate per
 * distinct stack, frame, edge and thread (speedscope spills each thread's
 * sample sequence to an unlinked temporary file), so memory never grows
 * with the number of events. The engine writes only into the FILE * it is
 * given; recorded text goes out as is (the caller filters for terminals).
 * Stack samples are "p" events with src "perf" or "py" and a "stack"; a
 * sample with "idle": 1 (its thread neither ran nor waited for a CPU)
 * counts only with opts.idle; a record {"src":..,"lost":N} (rounds the
 * sampler skipped, FORMAT.md) counts as N samples of the frame "[lost]"
 * (folded: one "[lost] N" line first), never hidden. */
#ifndef TRACECAST_REPORT_EXPORT_H
#define TRACECAST_REPORT_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "tracecast/cast_types.h"

typedef enum export_format {
	EXPORT_FOLDED,
	EXPORT_CALLGRIND,
	EXPORT_SPEEDSCOPE,
	EXPORT_CHROME,
	EXPORT_STRACE,
} export_format_t;

typedef struct export_opts {
	export_format_t format;
	const char *src;        /* stack samples only from "perf" or "py"; NULL both */
	const char *name;       /* the recording's name, for titles */
	bool idle;              /* count idle stack samples ("idle":1) too */
} export_opts_t;

typedef struct export export_t;

/* Parse a format name. Returns 0 or -EINVAL. */
int export_format_parse(const char *name, export_format_t *out);

/* Whether the format holds stack samples (folded, callgrind, speedscope)
 * rather than the event timeline (chrome, strace). */
int export_format_is_profile(export_format_t f);

/* New exporter writing into fp (borrowed). Returns 0 or -errno. */
int export_new(export_t **out, const cast_header_t *hdr, const export_opts_t *o, FILE *fp);

/* One event in the window. Returns 0 or -errno (ENOMEM, a write error). */
int export_event(export_t *x, const cast_event_t *ev);

/* An event outside the window, or of a first pass over the whole
 * recording: nothing is written, it is only followed for which process
 * each thread belongs to and the names. The chrome format writes each
 * event's pid as it goes: a first pass over the file (when it can be read
 * twice) gives a forked child's first calls, which can end before its
 * parent's clone returns, the pid of its later ones. 0 or -ENOMEM. */
int export_follow(export_t *x, const cast_event_t *ev);

/* Write what is aggregated and close the document. 0 or -errno. */
int export_finish(export_t *x);

/* Items exported so far: stack samples for the profile formats, events for
 * chrome, lines for strace. */
unsigned long export_count(const export_t *x);

/* Idle stack samples left out (without opts.idle). */
unsigned long export_idle_skipped(const export_t *x);

/* Free. NULL is a no-op. */
void export_free(export_t *x);

#endif
