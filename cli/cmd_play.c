/* tracecast play: replay a recording in the viewer's terminal, drawn from
 * libvterm's cells, with the syscall panel, profile strip and timeline. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecast/cast_types.h"
#include "cli_common.h"
#include "commands.h"
#include "player/compose.h"
#include "player/play_ctl.h"
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
	      "      --filter REGEX         syscall panel filter (extended regex)\n"
	      "      --slow MS              calls at least this slow are bold (default 10)\n"
	      "  -Q, --quit-at-end          quit at the end instead of pausing there\n"
	      "      --strict               stop at a malformed line\n"
	      "      --stats FILE           write frames drawn, bytes, wall and CPU seconds\n"
	      "                             to FILE at exit (benchmarks)\n"
	      "keys: space pause, . , step, Left/Right -5/+5 s, Shift-Left/Right -10/+10%,\n"
	      "      0-9 jump, [ ] markers, + - speed, o s p panels, / filter, e errors,\n"
	      "      ? help, q quit.\n"
	      "Not a terminal? 'tracecast dump FILE --at T' prints screens.\n", fp);
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
	while ((c = getopt_long(argc, argv, "s:i:lmQh", longopts, NULL)) != -1) {
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
			if (timeline_parse_time(optarg, &o.from) < 0 || o.from == INT64_MAX)
				return cli_usage_error("play", "--from: '%s' is not a time", optarg);
			break;
		case OPT_TO:
			if (timeline_parse_time(optarg, &o.to) < 0)
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
			return cli_usage_error("play", "unknown option");
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
	if (o.to <= o.from)
		return cli_usage_error("play", "--to must be later than --from");
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tracecast play: stdout is not a terminal; to print the screen "
				"at given times use 'tracecast dump %s --at T[,T...]' "
				"(--overlay --size COLSxROWS for the panels)\n", argv[optind]);
		return 1;
	}
	o.path = argv[optind];
	return play_ctl_run(&o);
}
