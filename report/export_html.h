/* export_html: a recording as one self-contained HTML page.
 *
 * The page plays the terminal in asciinema-player (embedded, fed the
 * terminal events only: o, i, r, m, x) and shows beside it, synced to the
 * player's clock, the syscall panel, a CPU/RSS strip per process, a
 * flame graph of the stack samples and the `tracecast stats` table
 * (html_stats.h). Everything recorded travels as data:
 * two gzip + base64 blobs (the terminal events as asciicast v2 text, the
 * panels' data as JSON) that the page inflates with DecompressionStream;
 * no recorded byte is ever written into the markup except the <title>,
 * HTML-escaped. The page makes no network request (its
 * Content-Security-Policy forbids them).
 *
 * Syscall rows are precomputed with the player's own formatting
 * (overlay_syscalls_format), so the page's tracecast.syscallRows() gives
 * the rows `tracecast dump --overlay` shows. */
#ifndef TRACECAST_EXPORT_HTML_H
#define TRACECAST_EXPORT_HTML_H

#include <stdint.h>
#include <stdio.h>

#include "tracecast/cast_error.h"

typedef struct export_html_opts {
	int64_t from_ns, to_ns;     /* -1: open */
	const char *mark_a, *mark_b; /* --between-markers A B, or NULL */
} export_html_opts_t;

typedef struct export_html_stats {
	uint64_t page_bytes;        /* the whole page */
	uint64_t data_bytes;        /* the two base64 blobs */
	uint64_t viewer_bytes;      /* page_bytes - data_bytes */
	uint64_t raw_bytes;         /* the data before compression */
	unsigned long n_term, n_sys, n_proc, n_py, n_markers;
	unsigned long malformed;    /* lines skipped */
	int64_t from_ns, to_ns;     /* the range exported */
} export_html_stats_t;

/* Above this many bytes of page, browsers get slow (measured:
 * docs/bench/export_html.md); the CLI warns and says how to cut. */
#define EXPORT_HTML_WARN_BYTES (10u * 1024 * 1024)

/* Read the recording at path and write the page to out. The syscall
 * rows' widths follow wcwidth(): call it with a UTF-8 LC_CTYPE (the CLI
 * sets C.UTF-8, as dump does). Returns 0, or
 * -errno / CAST_ERR_SYNTAX with err filled (-ENOENT with err naming the
 * marker when --between-markers finds none; -ERANGE when the range is
 * empty). st (may be NULL) receives the figures. Never prints. */
int export_html_write(const char *path, FILE *out, const export_html_opts_t *o,
		      export_html_stats_t *st, cast_error_t *err);

#endif
