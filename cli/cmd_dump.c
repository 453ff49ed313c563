/* tracecast dump: the screen at given times, as text or ANSI (headless). */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/cast_reader.h"
#include "tracecast/tc_time.h"
#include "tracecast/cast_types.h"
#include "tracecast/term.h"
#include "cli_common.h"
#include "commands.h"
#include "player/compose.h"
#include "player/frame.h"
#include "player/playhead.h"
#include "player/sys_filter.h"
#include "player/sbuf.h"
#include "player/timeline.h"

#define DUMP_MAX_TIMES 1024

static void dump_usage(FILE *fp)
{
	fputs("usage: tracecast dump FILE [--at T[,T...]|end] [--format text|ansi]\n"
	      "                      [--overlay --size COLSxROWS] [--strict]\n"
	      "                      [--filter EXPR] [--errors-only] [--slow MS]\n"
	      "\n"
	      "Print the recorded screen at each time T (seconds, M:SS, or 'end'; default\n"
	      "end), exactly ROWS lines each, visited in the order given by one player;\n"
	      "several screens are separated by a line holding a form feed.\n"
	      "  --format text   the characters, trailing spaces removed (default)\n"
	      "  --format ansi   the same with SGR colours and attributes\n"
	      "  --overlay       the whole frame a viewer of --size sees: screen,\n"
	      "                  syscall panel, profile strip, timeline, status line\n"
	      "                  (a still frame: no play symbol, no key help)\n"
	      "  --size COLSxROWS  the viewer's size for --overlay (default: the\n"
	      "                  terminal's, or 80x24 without one)\n"
	      "  --filter REGEX  only syscalls matching REGEX in the panel (ERE)\n"
	      "  --errors-only   only failed syscalls in the panel\n"
	      "  --slow MS       syscalls slower than MS are marked (default 10)\n"
	      "  --strict        stop at a malformed line (default: warn and skip)\n"
	      "  -h, --help      this text\n"
	      "A time past the end shows the last screen, and says so on stderr.\n", fp);
}

typedef struct dump_ctx {
	const char *path;
	int64_t times[DUMP_MAX_TIMES];
	size_t n_times;
	bool ansi;
	bool overlay;
	unsigned cols, rows;
	bool strict;
	compose_opts_t copts;
	char *filter;
} dump_ctx_t;

static int dump_parse_times(dump_ctx_t *d, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (d->n_times == DUMP_MAX_TIMES || tc_time_parse(tok, TC_TIME_END, &d->times[d->n_times]) < 0) {
			rc = -EINVAL;
			break;
		}
		d->n_times++;
	}
	free(copy);
	return rc;
}

/* Print one frame as exactly f->rows lines. */
static int dump_frame(const frame_t *f, bool ansi, sbuf_t *line)
{
	for (unsigned r = 0; r < f->rows; r++) {
		sbuf_reset(line);
		if (ansi)
			frame_row_ansi(f, (int)r, true, line);
		else
			frame_row_text(f, (int)r, line);
		sbuf_addc(line, '\n');
		if (fwrite(line->data, 1, line->len, stdout) != line->len)
			return -EIO;
	}
	return 0;
}

/* The time of the last event (the recording's end), read from the file. */
static int dump_duration(const char *path, int64_t *dur)
{
	cast_reader_t *r = NULL;
	cast_event_t ev;
	cast_error_t err;
	int rc;

	*dur = 0;
	if (cast_reader_open(&r, path, &err) < 0)
		return -1;
	while ((rc = cast_reader_next(r, &ev, &err)) != 0)
		if (rc == 1 && ev.time_ns > *dur)
			*dur = ev.time_ns;
	cast_reader_free(r);
	return 0;
}

/* --at T past the end: the last screen is shown; say so on stderr. */
static void dump_past_end(dump_ctx_t *d, playhead_t *ph, const timeline_t *tl, int64_t t,
			  int64_t *dur)
{
	if (t == INT64_MAX || playhead_next_time(ph) != INT64_MAX)
		return;
	if (*dur < 0) {
		if (tl)
			*dur = timeline_duration(tl);
		else if (dump_duration(d->path, dur) < 0)
			return;
	}
	if (t > *dur)
		fprintf(stderr, "tracecast dump: --at %.3f s is past the end of %s (%.3f s): "
			"showing the screen at the end\n", (double)t / 1e9, d->path,
			(double)*dur / 1e9);
}

/* A malformed line the screen or the index skipped. */
static void dump_warn_skipped(void *user, const cast_error_t *e)
{
	(void)user;
	cast_error_print(stderr, "warning: skipped", e);
}

static int dump_run(dump_ctx_t *d)
{
	int64_t dur = -1;
	playhead_t *ph = NULL;
	timeline_t *tl = NULL;
	frame_t *f = frame_new(1, 1);
	compose_t *comp = NULL;
	/* snapshots pay off only when a later time is before an earlier one */
	playhead_opts_t po = { .strict = d->strict, .no_snapshots = d->n_times < 2,
			       .warn = dump_warn_skipped };
	cast_error_t err;
	sbuf_t line;
	int rc, ret = 1;

	sbuf_init(&line);
	if (!f)
		goto out;
	/* the index pass warns about malformed lines (or stops, --strict)
	 * and gives the playhead the offsets of the screen's lines; the
	 * playhead re-reads the file and stays quiet. stdin is read once. */
	if (d->overlay || strcmp(d->path, "-")) {
		timeline_opts_t to = { .strict = d->strict, .quiet = false,
				       .warn = dump_warn_skipped };
		po.quiet = true;
		rc = timeline_load(&tl, d->path, &to, &err);
		if (rc < 0) {
			cli_error("dump", &err);
			goto out;
		}
	}
	if (d->overlay) {
		comp = compose_new(tl, &d->copts);
		if (!comp) {
			fputs("tracecast dump: out of memory\n", stderr);
			goto out;
		}
	}
	rc = playhead_new(&ph, d->path, &po, &err);
	if (rc < 0) {
		cli_error("dump", &err);
		goto out;
	}
	if (tl) {
		size_t n;
		const uint64_t *offs = timeline_screen_offsets(tl, &n);
		playhead_use_index(ph, offs, n);
	}
	for (size_t i = 0; i < d->n_times; i++) {
		rc = playhead_seek(ph, d->times[i], &err);
		if (rc < 0) {
			cli_error("dump", &err);
			goto out;
		}
		dump_past_end(d, ph, tl, d->times[i], &dur);
		if (i > 0)
			fputs("\f\n", stdout);
		if (d->overlay) {
			int64_t t = d->times[i] == INT64_MAX ? timeline_duration(tl) : d->times[i];
			if (frame_resize(f, d->cols, d->rows) < 0)
				goto out;
			compose_draw(comp, f, playhead_screen(ph), t);
		} else if (screen_to_frame(playhead_screen(ph), f) < 0) {
			goto out;
		}
		if (dump_frame(f, d->ansi, &line) < 0)
			goto out;
	}
	if (fflush(stdout) != 0) {
		perror("tracecast dump: stdout");
		goto out;
	}
	ret = 0;
out:
	sbuf_cleanup(&line);
	compose_free(comp);
	playhead_free(ph);
	timeline_free(tl);
	frame_free(f);
	return ret;
}

int cmd_dump(int argc, char **argv)
{
	enum { OPT_STRICT = 256, OPT_SLOW, OPT_FILTER };
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "overlay", no_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 'S' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "errors-only", no_argument, NULL, 'e' },
		{ "slow", required_argument, NULL, OPT_SLOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	dump_ctx_t d = { 0 };
	int c;

	setlocale(LC_CTYPE, "C.UTF-8");
	compose_opts_defaults(&d.copts);
	d.copts.still = true; /* nothing plays: no play symbol, no key help */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:f:oS:eh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (dump_parse_times(&d, optarg) < 0)
				return cli_usage_error("dump", "--at: bad time list '%s' (seconds, M:SS or 'end', comma-separated)", optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				d.ansi = false;
			else if (!strcmp(optarg, "ansi"))
				d.ansi = true;
			else
				return cli_usage_error("dump", "--format: '%s' is not text or ansi", optarg);
			break;
		case 'o':
			d.overlay = true;
			break;
		case 'S':
			if (cast_parse_size(optarg, strlen(optarg), &d.cols, &d.rows) < 0)
				return cli_usage_error("dump", "--size: '%s' is not COLSxROWS", optarg);
			break;
		case OPT_STRICT:
			d.strict = true;
			break;
		case OPT_FILTER:
			d.copts.filter = optarg;
			break;
		case 'e':
			d.copts.errors_only = true;
			break;
		case OPT_SLOW:
			if (cli_parse_ms("dump", "--slow", optarg, &d.copts.slow_ns))
				return 2;
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		default:
			return cli_bad_option("dump", argc, argv, c);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("dump", "expected one FILE");
	d.path = argv[optind];
	if (!d.n_times)
		d.times[d.n_times++] = INT64_MAX;
	if (!strcmp(d.path, "-") && (d.overlay || d.n_times > 1))
		return cli_usage_error("dump", "stdin can be read once: one --at time and no --overlay "
					       "(save the recording to a file for more)");
	bool backward = false;
	for (size_t i = 1; i < d.n_times; i++)
		backward |= d.times[i] < d.times[i - 1];
	if ((d.overlay || backward) && !cli_is_regular(d.path)) {
		fprintf(stderr, "tracecast dump: %s: not a regular file (a pipe or a device is read once): "
			"--overlay and a backward --at read it again; plain dump with increasing --at "
			"times works, or save it to a file first\n", d.path);
		return 1;
	}
	if (d.overlay && !d.cols) { /* the terminal's size, or 80x24 */
		if (term_size(1, &d.cols, &d.rows) < 0 && term_size(2, &d.cols, &d.rows) < 0 &&
		    term_size(0, &d.cols, &d.rows) < 0) {
			d.cols = 80;
			d.rows = 24;
		}
	}
	if (d.copts.filter) {
		sys_filter_t *sf;
		char msg[300];
		int frc = sys_filter_new(&sf, d.copts.filter, msg, sizeof(msg));
		if (frc == -EINVAL)
			return cli_usage_error("dump", "--filter %s", msg);
		sys_filter_free(sf);
	}
	if (!d.overlay && d.cols)
		return cli_usage_error("dump", "--size only applies with --overlay");
	return dump_run(&d);
}
