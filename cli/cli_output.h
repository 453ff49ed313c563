/* cli_output: where a report goes (export's -o, --force, --raw).
 *
 * To a file: created 0600 (exports hold a recording's secrets) as a
 * temporary file beside it, renamed over the name only when everything was
 * written; an existing file is refused unless force (the check is the
 * rename itself, RENAME_NOREPLACE, so no race). To stdout: when stdout is
 * a terminal and raw is false, recorded text goes through a filter that
 * shows control characters as `cat -v` does (ESC as ^[, C0 as ^X, DEL as
 * ^?, C1 in UTF-8 as M-BM-^X; newline and tab kept), so a recording's
 * escape sequences never reach the terminal; otherwise bytes go as is. */
#ifndef TRACECAST_CLI_OUTPUT_H
#define TRACECAST_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct cli_output {
	FILE *fp;               /* write here */
	const char *path;       /* NULL: stdout */
	char *tmp;              /* the temporary file's name */
	bool force;
} cli_output_t;

/* Open: path NULL or "-" is stdout. Returns 0, or prints
 * "tracecast CMD: PATH: why" and returns 1 (2 when it exists, no force). */
int cli_output_open(cli_output_t *o, const char *cmd, const char *path, bool force, bool raw);

/* Finish: flush, close and rename into place when ok is true, else remove
 * the temporary file. Returns 0, or prints why and returns 1. */
int cli_output_close(cli_output_t *o, const char *cmd, bool ok);

#endif
