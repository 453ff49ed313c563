/* rec_header: the header object of a new recording, and --redact on it.
 *
 * Keys in asciinema's order: version, width, height, timestamp,
 * idle_time_limit, title, command, env, then "tracecast" (version,
 * start_unix_ns, clock, sources, redactions). */
#ifndef TRACECAST_REC_HEADER_H
#define TRACECAST_REC_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "redact.h"

typedef struct rec_header_opts {
	unsigned cols, rows;
	int64_t start_unix_ns;
	bool has_idle;
	double idle_time_limit;
	const char *title;        /* NULL: none */
	const char *command;      /* the command line as text, NULL: none */
	const char *env_vars;     /* comma list of variables to keep ("SHELL,TERM") */
	json_t *sources;          /* tracecast.sources (a reference is taken) */
	/* tracecast.redactions: 0, or null (JSON) when the count cannot be
	 * patched in at the end (--redact on gzip or stdout) */
	bool redactions_unknown;
} rec_header_opts_t;

/* A new header object, or NULL on ENOMEM. Environment values that are not
 * valid UTF-8 are left out. */
json_t *rec_header_new(const rec_header_opts_t *o);

/* --redact on the header's free text: title, command, env values and the
 * sources' details (strace's argv holds the command line), every string
 * inside them, in place, through the recording's filter rd: counted with
 * the rest (the header's "redactions" covers the header too). Returns 0
 * or -ENOMEM. */
int rec_header_redact(json_t *h, redact_t *rd);

#endif
