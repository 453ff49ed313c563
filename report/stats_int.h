/* stats_int: what report/stats.c (counting) and report/stats_report.c
 * (the text and JSON report) share. Private to report/. */
#ifndef TRACECAST_REPORT_STATS_INT_H
#define TRACECAST_REPORT_STATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "tasks.h"
#include "tracecast/strace_line.h"

#define ST_SEP '\x1f' /* between the parts of a key */

/* Every keyed item begins with its key (st_row, st_err). */
typedef struct st_item {
	char *key;
} st_item_t;

/* Items in insertion order, with an open-addressing index on their keys. */
typedef struct st_map {
	st_item_t **items;
	size_t n, cap;
	size_t *tab;            /* item index + 1; 0 = empty */
	size_t tabcap;
} st_map_t;

typedef struct st_row {
	char *key;              /* "group\x1fsyscall" */
	const char *name;       /* into key */
	char group[24];         /* pid/tid number or comm; "" without --by */
	unsigned long calls, errors;
	int64_t total_ns, max_ns;
} st_row_t;

typedef struct st_err {
	char *key;              /* "syscall\x1fERRNO" */
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
	st_map_t rows, errs;
	st_top_t *top;          /* min-heap on dur_ns, o.top slots */
	size_t ntop;
	tasks_t tasks;
	unsigned long calls, errors;
	int64_t total_ns;
};

/* The item with key k[0..len), or a new one of size bytes (zeroed, its key
 * copied) in *out. Returns 0 or -ENOMEM. */
int st_map_get(st_map_t *m, const char *k, size_t len, size_t size, void **out);
/* Free the items (errs: they are st_err_t, free their examples too). */
void st_map_free(st_map_t *m, bool errs);

#endif
