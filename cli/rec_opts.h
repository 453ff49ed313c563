/* rec_opts: the command line of `tracecast rec` and its --help.
 *
 * tracecast rec [OPTIONS] FILE [-- COMMAND [ARG...]] */
#ifndef TRACECAST_REC_OPTS_H
#define TRACECAST_REC_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "tracecast/strv.h"

/* Exit code when the recording stopped early on a write error. */
#define REC_EXIT_WRITE_ERROR 74

typedef struct rec_opts {
	const char *file;          /* "-" = stdout */
	bool overwrite, append, quiet, headless, capture_stdin;
	const char *title;
	bool has_idle;
	double idle_time_limit;
	const char *env_vars;      /* "SHELL,TERM" by default */
	unsigned cols, rows;       /* 0 = not given */
	int flush_ms;              /* default 100 */
	int reorder_ms;            /* default 100 */
	int prefix_key;            /* byte, -1 = none; default 0x1c (Ctrl-\) */
	strv_t redact;             /* --redact patterns */
	bool redact_keep_buffers;  /* --redact-keep-buffers */
	const char *shell_cmd;     /* -c */
	char **command;            /* after FILE (argv, NULL-terminated) or NULL */
	bool strace;               /* --strace given */
	const char *strace_args;   /* --strace=ARGS */
	pid_t *strace_pids;
	size_t n_strace_pids;
	bool no_auto_markers;
	bool profile;
	const char *profile_spec;  /* --profile=SPEC */
	int format;                /* --output-format: CLI_FMT_*, default v2 */
} rec_opts_t;

/* Parse argv (argv[0] = "rec"). Returns 0 to go on, 1 when --help was
 * printed (exit 0), or 2 on a usage error (message printed). */
int rec_opts_parse(rec_opts_t *o, int argc, char **argv);

/* Free what parsing allocated. */
void rec_opts_cleanup(rec_opts_t *o);

/* Parse a --prefix-key value: "C-\\", "^\\", "Ctrl-a", one character, or
 * "none". Returns the byte, -1 for none, or -2 when invalid. */
int rec_opts_parse_key(const char *s);

/* Human name of a prefix byte ("Ctrl-\\") into buf (>= 16 bytes). */
const char *rec_opts_key_name(int key, char *buf, size_t size);

void rec_opts_usage(FILE *fp);

#endif
