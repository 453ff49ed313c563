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
	long tid;               /* the thread counted (--by): groups are
				 * resolved when the report is made */
	unsigned long calls, errors;
	int64_t total_ns, max_ns;
} st_row_t;

/* The row of key[0..kl + nl) (group, ST_SEP, then the nl bytes of the
 * syscall's name) in m, created empty when new. 0 or -ENOMEM. */
int st_row_get(strmap_t *m, const char *key, size_t kl, size_t nl, st_row_t **out);

/* Add a row's counts into another's. */
void st_row_add(st_row_t *to, const st_row_t *r);

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
