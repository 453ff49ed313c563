/* cli_window: the window options (--from, --to, --between-markers) and the
 * read loop shared by `tracecast stats` and `tracecast export`.
 *
 * The loop reports a malformed line as FILE:LINE:COL on stderr and skips
 * it, as `cat` does; with strict set the first one fails the command. */
#ifndef TRACECAST_CLI_WINDOW_H
#define TRACECAST_CLI_WINDOW_H

#include <stdbool.h>

#include "report/window.h"
#include "tracecast/cast_types.h"

/* getopt codes of the window options, for the commands' option tables */
#define CLI_OPT_FROM 0x1001
#define CLI_OPT_TO 0x1002
#define CLI_OPT_BETWEEN 0x1003
#define CLI_OPT_STRICT 0x1004
#define CLI_WINDOW_OPTIONS                                               \
	{ "from", required_argument, NULL, CLI_OPT_FROM },               \
	{ "to", required_argument, NULL, CLI_OPT_TO },                   \
	{ "between-markers", required_argument, NULL, CLI_OPT_BETWEEN }, \
	{ "strict", no_argument, NULL, CLI_OPT_STRICT }

/* Handle option opt (one of the codes above) with getopt's optarg/optind.
 * Returns 0, or prints a usage error and returns 2. */
int cli_window_option(const char *cmd, int opt, int argc, char **argv,
		      report_window_t *w, bool *strict);

/* Check the window after option parsing (--to before --from). 0 or 2. */
int cli_window_check(const char *cmd, const report_window_t *w);

/* Called for every event with where it falls; returns 0 to go on, 1 to
 * stop reading, or -errno (the loop stops and reports it). */
typedef int (*cli_window_fn)(void *user, const cast_event_t *ev, report_window_pos_t pos);
/* Called once with the header before the first event; 0 or -errno. */
typedef int (*cli_header_fn)(void *user, const cast_header_t *hdr);

/* Read path through the window. Returns the exit code: 0, or 1 after a
 * message (I/O error, malformed line with strict, a callback's error, a
 * missing marker). */
int cli_window_read(const char *cmd, const char *path, report_window_t *w, bool strict,
		    cli_header_fn on_header, cli_window_fn on_event, void *user);

#endif
