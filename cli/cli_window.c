/* cli_window: window options and the read loop of stats and export. */
#include "cli_window.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "tracecast/cast_reader.h"
#include "tracecast/tc_time.h"

int cli_window_option(const char *cmd, int opt, int argc, char **argv,
		      report_window_t *w, bool *strict)
{
	switch (opt) {
	case CLI_OPT_FROM:
	case CLI_OPT_TO:
		if (tc_time_parse(optarg, TC_TIME_END, opt == CLI_OPT_FROM ? &w->from_ns : &w->to_ns) < 0)
			return cli_usage_error(cmd, "bad time '%s' (seconds as 12.5, M:SS, H:MM:SS "
					       "or 'end')", optarg);
		return 0;
	case CLI_OPT_BETWEEN:
		if (optind >= argc)
			return cli_usage_error(cmd, "--between-markers needs two labels");
		w->mark_a = optarg;
		w->mark_b = argv[optind++];
		return 0;
	case CLI_OPT_STRICT:
		*strict = true;
		return 0;
	default:
		return cli_bad_option(cmd, argc, argv, opt);
	}
}

int cli_window_check(const char *cmd, const report_window_t *w)
{
	if (w->to_ns < w->from_ns)
		return cli_usage_error(cmd, "--to is before --from");
	return 0;
}

int cli_window_read(const char *cmd, const char *path, report_window_t *w, bool strict,
		    cli_header_fn on_header, cli_window_fn on_event, void *user)
{
	cast_reader_t *r;
	cast_error_t err;
	cast_event_t ev;
	cli_warn_state_t ws = { .limit = 10 };
	int rc, code = 0;
	unsigned long bad = 0;

	if (cast_reader_open(&r, path, &err) < 0) {
		cli_error(cmd, &err);
		return 1;
	}
	cast_reader_set_warn(r, cli_warn_print, &ws);
	if (on_header && (rc = on_header(user, cast_reader_header(r))) < 0) {
		fprintf(stderr, "tracecast %s: %s: %s\n", cmd, path, strerror(-rc));
		cast_reader_free(r);
		return 1;
	}
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == CAST_ERR_SYNTAX) {
			cli_error(cmd, &err);
			if (strict) {
				fprintf(stderr, "tracecast %s: stopped at the malformed line (--strict)\n", cmd);
				code = 1;
				break;
			}
			if (++bad == 1)
				fprintf(stderr, "tracecast %s: skipping malformed lines (--strict fails on them)\n", cmd);
			continue;
		}
		if (rc < 0) {
			cli_error(cmd, &err);
			code = 1;
			break;
		}
		int e = on_event(user, &ev, report_window_feed(w, &ev));
		if (e < 0) {
			fprintf(stderr, "tracecast %s: %s: %s\n", cmd, path, strerror(-e));
			code = 1;
			break;
		}
		if (e)
			break;
	}
	cast_reader_free(r);
	const char *missing;
	bool after;
	if (!code && report_window_finish(w, &missing, &after) < 0) {
		fprintf(stderr, "tracecast %s: %s: marker '", cmd, path);
		cli_print_safe(stderr, missing, strlen(missing));
		fprintf(stderr, "' not found%s (list the markers with 'tracecast info %s')\n",
			after ? " after the first one" : "", path);
		code = 1;
	}
	return code;
}
