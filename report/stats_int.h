/* stats_int: what report/stats.c (counting) and report/stats_report.c
 * (the text and JSON report) share. Private to report/. */
#ifndef TRACECAST_REPORT_STATS_INT_H
#define TRACECAST_REPORT_STATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "strmap.h"
#include "tasks.h"
#include "tracecast/strace_line.h"

#define ST_SEP '\x1f' /* between the parts of a key */

typedef struct st_row {
	STRMAP_ITEM;            /* "group\x1fsyscall" */
	const char *name;       /* into key */
	char group[24];         /* pid/tid number or comm; "" without --by */
	unsigned long calls, errors;
	int64_t total_ns, max_ns;
} st_row_t;

typedef struct st_err {
	STRMAP_ITEM;            /* "syscall\x1fERRNO" */
	unsigned long count;
	int64_t first_ns;
	char *example;          /* the first such line */
} st_err_t;

typedef struct st_top {
	int64_t start_ns, end_ns, dur_ns;
	long tid;
	char *line;
} st_top_t;

struct stats {
	stats_opts_t o;
	strace_time_base_t base;
	strmap_t rows, errs;
	st_top_t *top;          /* min-heap on dur_ns, o.top slots */
	size_t ntop;
	tasks_t tasks;
	unsigned long calls, errors;
	int64_t total_ns;
};


#endif
