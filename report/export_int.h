/* export_int: what report/export.c (formats, stack samples) and
 * report/export_trace.c (the chrome and strace timeline formats) share.
 * Private to report/. */
#ifndef TRACECAST_REPORT_EXPORT_INT_H
#define TRACECAST_REPORT_EXPORT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "export.h"
#include "strmap.h"
#include "tasks.h"
#include "tracecast/strace_line.h"

#define X_SEP '\x1f'
#define X_BURST_GAP_NS INT64_C(50000000) /* output events closer than this are one burst */

/* An item of the export's tables (frames, stacks, edges, profiles). */
typedef struct x_item {
	STRMAP_ITEM;
	unsigned long count;    /* samples (folded: per stack; callgrind: self) */
	uint32_t *frames;       /* stacks: frame ids, root first */
	size_t nframes;
	/* speedscope profiles */
	long pid, tid;
	FILE *spill;            /* the profile's stack ids, uint32 each */
	int64_t first_ns, last_ns;
	double period;
} x_item_t;


struct export {
	export_opts_t o;
	FILE *fp;
	strace_time_base_t base;
	int64_t start_unix_ns;
	double perf_period, py_period;
	unsigned long count;
	unsigned long lost, idle_skipped;
	int err;                /* first write error (-errno) */
	strmap_t frames, stacks, edges, profiles;
	tasks_t tasks;          /* tid -> pid and names */
	/* chrome */
	bool first;             /* no trace event written yet */
	int64_t burst_t, burst_end;
	unsigned long burst_bytes, burst_events;
};

/* s[0..n) as a JSON string (valid UTF-8 expected: it came out of the JSON
 * of a recording; anything else is written as "?"). */
void export_json_str(export_t *x, const char *s, size_t n);

/* chrome: one event (o, s, m; p proc samples go to export_chrome_proc),
 * and the closing metadata. 0 or -errno. */
int export_chrome_event(export_t *x, const cast_event_t *ev);
void export_chrome_proc(export_t *x, json_t *procs, int64_t t);
int export_chrome_finish(export_t *x);

/* strace: one "s" event as a strace -f -ttt -T line. 0 or -errno. */
int export_strace_line(export_t *x, const cast_event_t *ev);

#endif
