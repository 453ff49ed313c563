/* mark_cmd: `tracecast mark [LABEL]`, the first client of the recorder's
 * control socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/strv.h"

#include "cli_common.h"
#include "commands.h"
#include "recorder/ctl.h"
#include "tracecast/tc_clock.h"
#include "tracecast/utf8.h"

static void mark_usage(FILE *fp)
{
	fputs("usage: tracecast mark [LABEL...]\n"
	      "\n"
	      "Add a marker (an \"m\" event, LABEL as its text; the words are joined\n"
	      "with spaces) to the session being recorded by `tracecast rec`, at this\n"
	      "instant. Works only inside a recorded session (TRACECAST_CTL set).\n"
	      "\n"
	      "  --          the words after it are the label, even when they start\n"
	      "              with '-'\n"
	      "  -h, --help  this text\n"
	      "\n"
	      "Exit status: 0 marker sent, 1 the recorder could not be reached,\n"
	      "2 not inside a recorded session or a usage error.\n", fp);
}

int cmd_mark(int argc, char **argv)
{
	const char *path = getenv("TRACECAST_CTL");
	int64_t now = tc_clock_mono_ns();
	char *label;
	int ret;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		mark_usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--")) {
		argv++;
		argc--;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		return cli_usage_error("mark", "unknown option '%s'", argv[1]);
	}
	if (!path || !*path) {
		fprintf(stderr, "tracecast mark: not inside a recorded session "
			"(TRACECAST_CTL is not set); start one with `tracecast rec FILE`\n");
		return 2;
	}
	label = strv_join(argv + 1, (size_t)(argc - 1), " ");
	if (!label)
		return 1;
	if (!utf8_valid(label, strlen(label))) {
		fprintf(stderr, "tracecast mark: LABEL is not valid UTF-8\n");
		free(label);
		return 2;
	}
	ret = ctl_send(path, "m", label, now);
	free(label);
	if (ret == -ENOENT || ret == -ECONNREFUSED) {
		fprintf(stderr, "tracecast mark: the recording session of %s has ended "
			"(no recorder at %s)\n", getenv("TRACECAST_FILE") ? getenv("TRACECAST_FILE") : "this shell", path);
		return 2;
	}
	if (ret < 0) {
		fprintf(stderr, "tracecast mark: cannot reach the recorder at %s: %s\n",
			path, strerror(-ret));
		return 1;
	}
	return 0;
}
