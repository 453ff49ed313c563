/* tracecast stats: the strace -c -w table of a recording's syscalls, the
 * slowest calls, the failed calls, and a short profile section. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_common.h"
#include "cli_window.h"
#include "commands.h"
#include "report/profile_summary.h"
#include "report/stats.h"

static const char st_usage_text[] =
	"usage: tracecast stats FILE [--sort time|calls|errors|name] [--by pid|tid|comm]\n"
	"                       [--from T] [--to T] [--between-markers A B] [--top N]\n"
	"                       [--errors] [--json] [--strict]\n"
	"Count the recorded syscalls (\"s\" events, rec --strace) as strace -c -w -f\n"
	"does: per syscall its calls, errors, total/average/max wall time, % of time.\n"
	"  --sort KEY             order of the rows (default time)\n"
	"  --by pid|tid|comm      one table per process, thread or command name\n"
	"  --from T, --to T       only calls whose line's time is from/until T:\n"
	"                         seconds (12.5), M:SS(.s), H:MM:SS or 'end'\n"
	"  --between-markers A B  only calls after the first marker A and before the\n"
	"                         first marker B after it\n"
	"  --top N                the N slowest single calls, with their start time\n"
	"                         in the recording (for dump --at, play --from)\n"
	"  --errors               the failed calls grouped by syscall and errno\n"
	"  --json                 everything as one JSON object\n"
	"  --strict               fail on a malformed line (default: report, skip)\n"
	"Exit: 0 ok, 1 no syscalls recorded or a read error, 2 usage.\n";

typedef struct st_cli {
	stats_t *stats;
	void *profile;          /* profile_summary state or NULL */
	const cast_header_t *hdr;
	stats_opts_t o;
	unsigned long s_events, s_in;
	bool window_done;
} st_cli_t;

static int st_on_header(void *user, const cast_header_t *hdr)
{
	st_cli_t *c = user;
	c->hdr = hdr;
	c->profile = profile_summary_new(hdr);
	return stats_new(&c->stats, hdr, &c->o);
}

static int st_on_event(void *user, const cast_event_t *ev, report_window_pos_t pos)
{
	st_cli_t *c = user;
	bool is_s = ev->code[0] == 's' && !ev->code[1];
	if (is_s)
		c->s_events++;
	if (pos == REPORT_WINDOW_DONE) {
		c->window_done = true;
		/* read on only to learn whether the file has syscalls at all */
		return c->s_events ? 1 : 0;
	}
	if (pos != REPORT_WINDOW_IN)
		return stats_follow(c->stats, ev); /* its threads and names */
	if (is_s)
		c->s_in++;
	if (c->profile && ev->code[0] == 'p' && !ev->code[1])
		profile_summary_event(c->profile, ev);
	return stats_event(c->stats, ev);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sort", required_argument, NULL, 'S' },
		{ "by", required_argument, NULL, 'b' },
		{ "top", required_argument, NULL, 'n' },
		{ "errors", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		CLI_WINDOW_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	st_cli_t c = { 0 };
	report_window_t w;
	bool json = false, strict = false;
	int opt, rc;

	report_window_init(&w);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'S':
			if (!strcmp(optarg, "time"))
				c.o.sort = STATS_SORT_TIME;
			else if (!strcmp(optarg, "calls"))
				c.o.sort = STATS_SORT_CALLS;
			else if (!strcmp(optarg, "errors"))
				c.o.sort = STATS_SORT_ERRORS;
			else if (!strcmp(optarg, "name"))
				c.o.sort = STATS_SORT_NAME;
			else
				return cli_usage_error("stats", "--sort is time, calls, errors or name");
			break;
		case 'b':
			if (!strcmp(optarg, "pid"))
				c.o.by = STATS_BY_PID;
			else if (!strcmp(optarg, "tid"))
				c.o.by = STATS_BY_TID;
			else if (!strcmp(optarg, "comm"))
				c.o.by = STATS_BY_COMM;
			else
				return cli_usage_error("stats", "--by is pid, tid or comm");
			break;
		case 'n': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 10000)
				return cli_usage_error("stats", "--top takes 1..10000, not '%s'", optarg);
			c.o.top = (unsigned)n;
			break;
		}
		case 'e':
			c.o.errors = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(st_usage_text, stdout);
			return 0;
		default:
			if ((rc = cli_window_option("stats", opt, argc, argv, &w, &strict)))
				return rc;
			break;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("stats", optind >= argc ? "no FILE given" : "one FILE only");
	if ((rc = cli_window_check("stats", &w)))
		return rc;
	const char *path = argv[optind];
	rc = cli_window_read("stats", path, &w, strict, st_on_header, st_on_event, &c);
	if (!rc && !c.s_events) {
		fprintf(stderr, "tracecast stats: %s: no syscalls recorded (record with --strace)\n", path);
		rc = 1;
	}
	if (!rc && json) {
		json_t *o = stats_json(c.stats);
		if (o && c.profile)
			json_object_set_new(o, "profile", profile_summary_json(c.profile));
		if (!o || json_dumpf(o, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) < 0) {
			fprintf(stderr, "tracecast stats: out of memory\n");
			rc = 1;
		}
		fputc('\n', stdout);
		json_decref(o);
	} else if (!rc) {
		if (!c.s_in)
			printf("no syscalls in the window (%lu in the recording)\n", c.s_events);
		else if (stats_print(c.stats, stdout) < 0)
			rc = 1;
		json_t *pj = c.profile ? profile_summary_json(c.profile) : NULL;
		if (pj && stats_print_profile(pj, stdout) < 0)
			rc = 1;
		json_decref(pj);
	}
	if (fflush(stdout) != 0 && !rc) {
		fprintf(stderr, "tracecast stats: stdout: %s\n", strerror(errno));
		rc = 1;
	}
	stats_free(c.stats);
	profile_summary_free(c.profile);
	return rc;
}
