/* tracecast play: replay a recording in the viewer's terminal, drawn from
 * libvterm's cells, with the syscall panel, profile strip and timeline. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tracecast/cast_types.h"
#include "tracecast/tc_time.h"
#include "cli_common.h"
#include "commands.h"
#include "player/compose.h"
#include "player/play_ctl.h"
#include "player/sys_filter.h"
#include "player/timeline.h"

static void play_usage(FILE *fp)
{
	fputs("usage: tracecast play [OPTIONS] FILE\n"
	      "\n"
	      "Replay a recording, drawn from a terminal emulator's cells (never the\n"
	      "recording's raw bytes), with syscall and profile overlays.\n"
	      "  -s, --speed X              playback speed (default 1)\n"
	      "  -i, --idle-time-limit SECS cap pauses in the output (default: the header's)\n"
	      "  -l, --loop                 loop\n"
	      "  -m, --pause-on-markers     pause at each marker\n"
	      "      --from T, --to T       play only [T, T] (seconds or M:SS)\n"
	      "      --no-overlay           start with the panels off (o toggles)\n"
	      "      --filter EXPR          syscall panel filter: name=N,.. tid=N,.. failed\n"
	      "                             slow>D, then a regex (docs/usage-play.md)\n"
	      "      --slow MS              calls at least this slow are bold (default 10)\n"
	      "  -Q, --quit-at-end          quit at the end instead of pausing there\n"
	      "      --strict               stop at a malformed line\n"
	      "      --stats FILE           write frames drawn, bytes, wall and CPU seconds\n"
	      "                             to FILE at exit (benchmarks)\n"
	      "keys: space pause, . , step, Left/Right -5/+5 s, Shift-Left/Right -10/+10%,\n"
	      "      0-9 jump, [ ] markers, + - speed, o s p panels, / filter, e errors,\n"
	      "      f F failed calls, l L slow calls, t n N search, Tab panel, z screen,\n"
	      "      ? help, q quit.\n"
	      "Not a terminal? 'tracecast dump FILE --at T' prints screens.\n", fp);
}

/* The indexing pass of a big recording takes seconds: from 100 ms on, a
 * progress line on stderr (wiped when the pass ends). */
struct play_progress {
	const char *path;
	struct timespec start;
	bool shown;
};

static int play_progress(void *user, uint64_t done, uint64_t total)
{
	struct play_progress *pp = user;
	struct timespec now;

	if (done == total) {
		if (pp->shown)
			fputs("\r\x1b[K", stderr);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	double el = (double)(now.tv_sec - pp->start.tv_sec) + (now.tv_nsec - pp->start.tv_nsec) / 1e9;
	if (el < 0.1)
		return 0;
	pp->shown = true;
	if (total)
		fprintf(stderr, "\rtracecast play: indexing %s: %3.0f%% (%.0f of %.0f MB)\x1b[K",
			pp->path, 100.0 * (double)done / (double)total, (double)done / 1e6,
			(double)total / 1e6);
	else
		fprintf(stderr, "\rtracecast play: indexing %s: %.0f MB\x1b[K", pp->path,
			(double)done / 1e6);
	fflush(stderr);
	return 0;
}

int cmd_play(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_NO_OVERLAY, OPT_FILTER, OPT_SLOW, OPT_STRICT, OPT_STATS };
	static const struct option longopts[] = {
		{ "speed", required_argument, NULL, 's' },
		{ "idle-time-limit", required_argument, NULL, 'i' },
		{ "loop", no_argument, NULL, 'l' },
		{ "pause-on-markers", no_argument, NULL, 'm' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "no-overlay", no_argument, NULL, OPT_NO_OVERLAY },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "slow", required_argument, NULL, OPT_SLOW },
		{ "quit-at-end", no_argument, NULL, 'Q' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "stats", required_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	play_ctl_opts_t o;
	int c;
	char *end;

	setlocale(LC_CTYPE, "C.UTF-8");
	play_ctl_opts_defaults(&o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:i:lmQh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.speed = strtod(optarg, &end);
			if (*end || !(o.speed > 0) || o.speed > 1e6)
				return cli_usage_error("play", "--speed: '%s' is not a positive number", optarg);
			break;
		case 'i':
			o.idle_limit = strtod(optarg, &end);
			if (*end || o.idle_limit < 0)
				return cli_usage_error("play", "--idle-time-limit: '%s' is not seconds", optarg);
			o.has_idle_limit = true;
			break;
		case 'l':
			o.loop = true;
			break;
		case 'm':
			o.pause_on_markers = true;
			break;
		case OPT_FROM:
			if (tc_time_parse(optarg, TC_TIME_END, &o.from) < 0 || o.from == INT64_MAX)
				return cli_usage_error("play", "--from: '%s' is not a time", optarg);
			break;
		case OPT_TO:
			if (tc_time_parse(optarg, TC_TIME_END, &o.to) < 0)
				return cli_usage_error("play", "--to: '%s' is not a time", optarg);
			break;
		case OPT_NO_OVERLAY:
			o.compose.overlay = false;
			break;
		case OPT_FILTER:
			o.compose.filter = optarg;
			break;
		case OPT_SLOW:
			if (cli_parse_ms("play", "--slow", optarg, &o.compose.slow_ns))
				return 2;
			break;
		case 'Q':
			o.quit_at_end = true;
			break;
		case OPT_STRICT:
			o.strict = true;
			break;
		case OPT_STATS:
			o.stats_path = optarg;
			break;
		case 'h':
			play_usage(stdout);
			return 0;
		default:
			return cli_bad_option("play", argc, argv, c);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("play", "expected one FILE");
	if (!strcmp(argv[optind], "-"))
		return cli_usage_error("play", "cannot play stdin (it is the keyboard; seeking "
					       "re-reads the file): save the recording to a file");
	if (!cli_is_regular(argv[optind])) {
		fprintf(stderr, "tracecast play: %s: not a regular file (a pipe or a device is read once, "
			"and play reads it again to seek): save it to a file first\n", argv[optind]);
		return 1;
	}
	if (o.compose.filter) {
		sys_filter_t *sf;
		char msg[300];
		int frc = sys_filter_new(&sf, o.compose.filter, msg, sizeof(msg));
		if (frc == -EINVAL)
			return cli_usage_error("play", "--filter %s", msg);
		sys_filter_free(sf);
	}
	if (o.to <= o.from)
		return cli_usage_error("play", "--to must be later than --from");
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tracecast play: stdout is not a terminal; to print the screen "
				"at given times use 'tracecast dump %s --at T[,T...]' "
				"(--overlay --size COLSxROWS for the panels)\n", argv[optind]);
		return 1;
	}
	o.path = argv[optind];
	struct play_progress pp = { .path = o.path };
	clock_gettime(CLOCK_MONOTONIC, &pp.start);
	if (isatty(STDERR_FILENO)) {
		o.progress = play_progress;
		o.progress_user = &pp;
	}
	char err[700] = "";
	int rc = play_ctl_run(&o, err, sizeof err);
	if (err[0])
		fprintf(stderr, "tracecast play: %s\n", err);
	return rc;
}
