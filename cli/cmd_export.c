/* tracecast export: a recording's data for other tools (folded stacks,
 * callgrind, speedscope, Chrome trace events, a strace log), for a window;
 * the formats are written by report/export.c. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_common.h"
#include "cli_output.h"
#include "cli_window.h"
#include "commands.h"
#include "report/export.h"
#include "tracecast/cast_reader.h"

static const char ex_usage_text[] =
	"usage: tracecast export FILE --format F [-o OUT] [--force] [--raw]\n"
	"                        [--from T] [--to T] [--between-markers A B]\n"
	"                        [--src perf|py] [--idle] [--strict]\n"
	"Write a recording's data in a format other tools read:\n"
	"  --format folded        stack samples as \"frame;frame;leaf COUNT\" lines\n"
	"                         (flamegraph.pl, inferno, speedscope)\n"
	"  --format callgrind     stack samples for KCacheGrind/QCacheGrind and\n"
	"                         callgrind_annotate\n"
	"  --format speedscope    stack samples as speedscope JSON, one profile per\n"
	"                         process/thread\n"
	"  --format chrome        Chrome trace events (Perfetto UI, chrome://tracing):\n"
	"                         syscalls, markers, output bursts, CPU/RSS counters\n"
	"  --format strace        the syscalls as a strace -f -ttt -T log\n"
	"  --format html          one self-contained page to share: the terminal in\n"
	"                         asciinema-player, the syscalls, samples and a flame\n"
	"                         graph beside it (see --format html --help)\n"
	"  --from T, --to T       only events from/until T: seconds (12.5), M:SS(.s),\n"
	"                         H:MM:SS or 'end'\n"
	"  --between-markers A B  only events after the first marker A and before the\n"
	"                         first marker B after it\n"
	"  --src perf|py          stack samples of that source only (default: both)\n"
	"  --idle                 idle samples too (threads that neither ran nor waited\n"
	"                         for a CPU); by default on-CPU samples only. Samples\n"
	"                         the samplers lost count as the frame \"[lost]\"\n"
	"  -o OUT                 write OUT (mode 0600, via a temporary file and\n"
	"                         rename) instead of stdout\n"
	"  --force                replace OUT if it exists (default: refuse, exit 2)\n"
	"  --raw                  on a terminal, write recorded text as is (default:\n"
	"                         control characters shown as cat -v does)\n"
	"  --strict               fail on a malformed line (default: report, skip)\n";

typedef struct ex_cli {
	export_opts_t o;
	export_t *x;
	FILE *fp;
} ex_cli_t;

static int ex_on_header(void *user, const cast_header_t *hdr)
{
	ex_cli_t *c = user;
	return c->x ? 0 : export_new(&c->x, hdr, &c->o, c->fp);
}

static int ex_on_event(void *user, const cast_event_t *ev, report_window_pos_t pos)
{
	ex_cli_t *c = user;
	if (pos == REPORT_WINDOW_DONE)
		return 1;
	return pos == REPORT_WINDOW_IN ? export_event(c->x, ev) : export_follow(c->x, ev);
}

/* The chrome format's first pass (see export_follow): the whole file, when
 * it is a regular file, read quietly (the second pass reports its bad
 * lines). Returns 0, or 1 after a message. */
static int ex_first_pass(ex_cli_t *c, const char *path)
{
	struct stat st;
	cast_reader_t *r;
	cast_error_t err;
	cast_event_t ev;
	int rc;

	if (strcmp(path, "-") == 0 || stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    cast_reader_open(&r, path, &err) < 0)
		return 0; /* the one pass says what is wrong */
	rc = export_new(&c->x, cast_reader_header(r), &c->o, c->fp);
	int got;
	while (!rc && (got = cast_reader_next(r, &ev, &err)) != 0) {
		if (got < 0 && got != CAST_ERR_SYNTAX)
			break; /* an I/O error: met again, and reported, by the second pass */
		if (got > 0)
			rc = export_follow(c->x, &ev);
	}
	cast_reader_free(r);
	if (rc < 0) { /* out of memory */
		fprintf(stderr, "tracecast export: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "src", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "raw", no_argument, NULL, 'r' },
		{ "idle", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		CLI_WINDOW_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	ex_cli_t c = { 0 };
	report_window_t w;
	const char *format = NULL, *out = NULL;
	bool strict = false, force = false, raw = false;
	int opt, rc;

	for (int i = 1; i < argc; i++) /* the HTML page has its own front-end */
		if ((!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "html")) ||
		    !strcmp(argv[i], "--format=html"))
			return cmd_export_html(argc, argv);
	report_window_init(&w);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 's':
			if (strcmp(optarg, "perf") != 0 && strcmp(optarg, "py") != 0)
				return cli_usage_error("export", "--src is perf or py, not '%s'", optarg);
			c.o.src = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'F':
			force = true;
			break;
		case 'r':
			raw = true;
			break;
		case 'I':
			c.o.idle = true;
			break;
		case 'h':
			fputs(ex_usage_text, stdout);
			return 0;
		default:
			if ((rc = cli_window_option("export", opt, argc, argv, &w, &strict)))
				return rc;
			break;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("export", optind >= argc ? "no FILE given" : "one FILE only");
	if (!format)
		return cli_usage_error("export", "--format is required: --format folded, callgrind, "
				       "speedscope, chrome or strace");
	if (export_format_parse(format, &c.o.format) < 0)
		return cli_usage_error("export", "unknown format '%s' (folded, callgrind, "
				       "speedscope, chrome or strace)", format);
	if ((rc = cli_window_check("export", &w)))
		return rc;
	const char *path = argv[optind];
	const char *base = strrchr(path, '/');
	c.o.name = base ? base + 1 : path;

	cli_output_t o;
	if ((rc = cli_output_open(&o, "export", out, force, raw)))
		return rc;
	c.fp = o.fp;
	rc = c.o.format == EXPORT_CHROME ? ex_first_pass(&c, path) : 0;
	if (!rc)
		rc = cli_window_read("export", path, &w, strict, ex_on_header, ex_on_event, &c);
	if (!rc && c.x) {
		int e = export_finish(c.x);
		if (e < 0) {
			fprintf(stderr, "tracecast export: %s: %s\n", out ? out : "stdout", strerror(-e));
			rc = 1;
		}
	}
	if (cli_output_close(&o, "export", rc == 0) && !rc)
		rc = 1;
	if (!rc && c.x && export_idle_skipped(c.x))
		fprintf(stderr, "tracecast export: on-CPU samples only: %lu idle samples left "
			"out (--idle includes them)\n", export_idle_skipped(c.x));
	if (!rc && c.x && export_count(c.x) == 0) {
		if (export_format_is_profile(c.o.format))
			fprintf(stderr, "tracecast export: %s: no %s stack samples in the range "
				"(record them with --profile=perf or --profile=python)\n", path,
				c.o.src ? c.o.src : "perf or py");
		else if (c.o.format == EXPORT_STRACE)
			fprintf(stderr, "tracecast export: %s: no syscalls in the range "
				"(record with --strace)\n", path);
	}
	export_free(c.x);
	return rc;
}
