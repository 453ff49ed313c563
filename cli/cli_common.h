/* cli_common: small helpers shared by the reading commands (cat, info,
 * convert; play and dump may use them too).
 *
 * Kept deliberately small: a warning printer that plugs into the reader, a
 * usage-error printer, a safe printer for recording text (so a recording's
 * escape sequences never reach the viewer's terminal through a diagnostic
 * or a report), and a full write(). */
#ifndef TRACECAST_CLI_COMMON_H
#define TRACECAST_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tracecast/cast_error.h"

/* Counters for cli_warn_print(); zero-initialise and pass as `user`. */
typedef struct cli_warn_state {
	unsigned long printed; /* warnings printed */
	unsigned long limit;   /* print at most this many (0 = no limit); the
				* rest are only counted in `dropped` */
	unsigned long dropped;
} cli_warn_state_t;

/* A cast_warn_fn: prints "tracecast: FILE:LINE:COL: warning: text" on
 * stderr. user is a cli_warn_state_t * or NULL (then every warning is
 * printed and nothing is counted). */
void cli_warn_print(void *user, const cast_error_t *warning);

/* Print "tracecast CMD: message", the command's short usage and "Try 'tracecast CMD --help'." on
 * stderr. Returns 2, the usage exit code, so callers can
 * `return cli_usage_error(...)`. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The one-line usage of CMD ("tracecast CMD ..."), or NULL for a name
 * that is not a command. cli_usage_error() prints it under its message. */
const char *cli_short_usage(const char *cmd);

/* After getopt_long() returned '?' or ':' (opt) with opterr = 0: print
 * "tracecast CMD: unknown option 'X'" (or "option 'X' needs a value" for
 * ':', which needs a leading ':' in the optstring), the short usage and
 * the Try line. Returns 2. */
int cli_bad_option(const char *cmd, int argc, char **argv, int opt);

/* Print "tracecast CMD: FILE:LINE:COL: text" on stderr. */
void cli_error(const char *cmd, const cast_error_t *err);

/* Output formats of rec -f and convert -f (asciinema 3's names). */
enum { CLI_FMT_V2 = 0, CLI_FMT_V3, CLI_FMT_RAW, CLI_FMT_TXT };

/* A format name (asciicast-v2, asciicast-v3, raw, txt; also v2, v3) as
 * CLI_FMT_*, or -1. */
int cli_parse_format(const char *s);

/* Convert recording IN to OUT in FORMAT (see `tracecast convert --help`):
 * OUT is written beside itself and renamed over it, mode 0600. Messages
 * start "tracecast CMD:". Returns 0, 1 (failure, or malformed lines
 * skipped). */
int cli_convert_file(const char *cmd, const char *in, const char *out, int format,
		     bool overwrite);

/* Parse the value of a milliseconds option (play's and dump's --slow MS:
 * a decimal >= 0, fractions allowed) into *ns. Returns 0, or prints
 * "tracecast CMD: OPT: 'ARG' is not milliseconds" the cli_usage_error() way
 * and returns 2 (NaN and values too large for int64 nanoseconds refused). */
int cli_parse_ms(const char *cmd, const char *opt, const char *arg, int64_t *ns);

/* Write s[0..len) to fp with C0 controls, DEL, C1 controls (U+0080..U+009F)
 * and backslashes escaped as \n, \r, \t, \\ or \u00XX; everything else
 * (valid UTF-8) as is. For recording text shown on a terminal (titles,
 * marker labels). */
void cli_print_safe(FILE *fp, const char *s, size_t len);


/* False for "-" and for a path that is not a regular file (a FIFO, a
 * device): what can be read only once. True when stat fails. */
bool cli_is_regular(const char *path);

#endif
