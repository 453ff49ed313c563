/* info_scan: one streaming pass over a recording that gathers what
 * `tracecast info` reports (format, sizes, counts, markers, validation, and
 * the summary sections such as the profile summary).
 *
 * Memory is constant whatever the file size: per-event work is a counter
 * bump in a 256-entry table (single-byte codes) plus a short list for
 * longer codes; resizes and markers are listed up to INFO_LIST_MAX each,
 * errors and warnings up to INFO_DIAG_MAX each, and all are counted.
 */
#ifndef TRACECAST_REPORT_INFO_SCAN_H
#define TRACECAST_REPORT_INFO_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "tracecast/cast_error.h"
#include "tracecast/cast_types.h"

#define INFO_LIST_MAX 1000 /* resizes and markers listed (all counted) */
#define INFO_DIAG_MAX 100  /* errors and warnings listed (all counted) */
#define INFO_LABEL_MAX 256 /* bytes of a marker label kept */
#define INFO_MULTI_MAX 32  /* distinct multi-byte codes counted by name */
#define INFO_CODE_MAX 16   /* bytes of a multi-byte code kept */

/* A summary section: an extra per-event summary over chosen event codes
 * (the profile summary of "p" events is one; the table is in info_scan.c). */
typedef struct info_section {
	const char *name;  /* JSON key and text heading */
	const char *codes; /* single-byte codes wanted, e.g. "p" */
	/* State for one file; NULL (out of memory) skips the section. */
	void *(*open)(const cast_header_t *hdr);
	void (*event)(void *state, const cast_event_t *ev);
	void (*print)(void *state, FILE *fp);    /* text report lines */
	json_t *(*to_json)(void *state);          /* new reference, --json */
	void (*close)(void *state);               /* free the state */
	/* Optional: take the scan's options (idle: --idle given). */
	void (*set_opts)(void *state, bool idle);
} info_section_t;

#define INFO_SECTIONS_MAX 8

typedef struct info_resize {
	int64_t time_ns;
	unsigned cols, rows;
} info_resize_t;

typedef struct info_marker {
	int64_t time_ns;
	char *label; /* malloc'd, at most INFO_LABEL_MAX bytes */
	size_t len;
} info_marker_t;

typedef struct info_code {
	char code[INFO_CODE_MAX + 1];
	unsigned long count;
} info_code_t;

typedef struct info_diag {
	cast_error_t list[INFO_DIAG_MAX];
	unsigned long total;
} info_diag_t;

typedef struct info_scan {
	const char *path;  /* as given (not owned) */
	bool idle;         /* set before the scan: count idle stack samples too */
	int gzip; /* 1 yes, 0 no, -1 unknown (a pipe) */
	cast_header_t hdr; /* copy; its json is held with a reference */
	bool have_hdr;
	unsigned long single[256]; /* counts of single-byte codes */
	info_code_t multi[INFO_MULTI_MAX];
	size_t n_multi;
	unsigned long other_codes; /* multi-byte codes beyond INFO_MULTI_MAX */
	unsigned long events;
	uint64_t out_bytes;
	int64_t last_ns;
	info_resize_t resizes[INFO_LIST_MAX];
	unsigned long n_resizes;
	info_marker_t markers[INFO_LIST_MAX];
	unsigned long n_markers;
	info_diag_t errors, warnings;
	bool truncated;
	uint64_t end_offset;
	unsigned char hooked[256]; /* code byte -> 1 + index into sec[] */
	const info_section_t *sec[INFO_SECTIONS_MAX];
	void *sec_state[INFO_SECTIONS_MAX];
	size_t n_sec;
} info_scan_t;

/* Scan the recording at path ("-": stdin) into the zeroed *c (c->path is
 * set to path). Returns 0 when the file could be opened and its header read
 * (its malformed lines are then in c->errors), or -errno / a cast error with
 * *err filled when it could not. info_scan_cleanup() in both cases. */
int info_scan_run(info_scan_t *c, const char *path, cast_error_t *err);

/* Free what the scan holds (not c itself). */
void info_scan_cleanup(info_scan_t *c);

#endif
