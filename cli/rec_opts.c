/* rec_opts: command-line parsing and help of `tracecast rec`. */
#include "rec_opts.h"

#include "cli_common.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rec_opts_usage(FILE *fp)
{
	fputs(
"usage: tracecast rec [OPTIONS] FILE [-- COMMAND [ARG...]]\n"
"\n"
"Record COMMAND (default: $SHELL, then /bin/sh) in a pseudo-terminal into\n"
"FILE, an asciicast v2 recording that asciinema plays. FILE '-' writes to\n"
"stdout; a name ending in .gz is written gzip-compressed. The file is made\n"
"with mode 0600 (recordings hold secrets) and flushed every --flush-ms.\n"
"\n"
"  -c, --command CMD     run CMD with /bin/sh -c instead of COMMAND\n"
"      --overwrite       replace FILE if it exists (default: refuse, exit 2)\n"
"  -a, --append          continue FILE (plain v2 only): times go on after its\n"
"                        last event; a new terminal size is recorded as 'r'\n"
"  -t, --title TITLE     title stored in the header\n"
"  -i, --idle-time-limit SECS  stored in the header for players\n"
"  -e, --env VARS        environment variables stored in the header\n"
"                        (comma list, default SHELL,TERM)\n"
"      --cols N, --rows N  terminal size (default: the terminal's, or 80x24)\n"
"  -I, --stdin           also record what you type as 'i' events. Off by\n"
"                        default: typed input includes passwords, which the\n"
"                        terminal does not echo and so are otherwise not kept\n"
"  -q, --quiet           no start and end notices on stderr\n"
"      --headless        no terminal: stdin is forwarded to the command, EOT\n"
"                        (^D) is sent once at its end (automatic when stdin\n"
"                        is not a terminal)\n"
"      --flush-ms N      write the file out at least every N ms (default 100;\n"
"                        a kill -9 of the recorder loses at most that much)\n"
"      --prefix-key KEY  the prefix key (default C-\\; 'none'): alone, or then\n"
"                        p, pauses/resumes the capture (as asciinema's pause\n"
"                        key: paused time is left out, a marker says where);\n"
"                        then m adds a marker; twice sends the prefix\n"
"      --redact REGEX    replace matches (POSIX ERE) in output, input,\n"
"                        syscall lines and markers with [REDACTED] (repeatable;\n"
"                        see docs/usage-rec.md for what is covered); the data\n"
"                        of read/write-like syscalls is then kept as its length\n"
"      --redact-keep-buffers  with --redact, keep read/write data (redacted)\n"
"      --strace[=ARGS]   trace the command's syscalls with strace (extra\n"
"                        strace ARGS, e.g. --strace='-e trace=file')\n"
"      --strace-pid PID  also attach strace to a running PID (repeatable)\n"
"      --no-auto-markers no automatic markers (exec, fatal signal, exit)\n"
"      --profile[=SPEC]  sample the process tree: SPEC is SOURCE[:HZ],...\n"
"                        with proc (default, 20 Hz), perf, python\n"
"      --reorder-ms N    window merging the sources by time (default 100)\n"
"  -f, --output-format FORMAT  asciicast-v2 (default), asciicast-v3, raw (the\n"
"                        output as written) or txt (the session as plain\n"
"                        text): FILE is asciicast v2 while recording and is\n"
"                        converted at the end (not with FILE '-' or -a)\n"
"  -h, --help            this text\n"
"\n"
"asciinema 3's spellings work too: --window-size COLSxROWS (= --cols, --rows),\n"
"--capture-input (= -I), --capture-env VARS (= -e). Like asciinema, -a on a\n"
"FILE that does not exist yet starts a new recording.\n"
"\n"
"Inside the session: TRACECAST=1, TRACECAST_FILE and TRACECAST_CTL are set;\n"
"`tracecast mark LABEL` adds a marker.\n"
"\n"
"Exit status: the command's (128+N when killed by signal N); 1 when the\n"
"recording could not start; 2 for a usage error or an existing FILE; 74\n"
"when writing FILE failed during the session (disk full, I/O error): the\n"
"command still ran to its end, the file holds everything up to the error.\n",
	      fp);
}

int rec_opts_parse_key(const char *s)
{
	const char *k = NULL;

	if (!strcmp(s, "none") || !*s)
		return -1;
	if (!strncmp(s, "C-", 2))
		k = s + 2;
	else if (!strncasecmp(s, "Ctrl-", 5))
		k = s + 5;
	else if (s[0] == '^' && s[1])
		k = s + 1;
	if (!k)
		return s[1] ? -2 : (unsigned char)s[0];
	if (!k[0] || k[1])
		return -2;
	if (k[0] == '?')
		return 0x7f;
	int c = toupper((unsigned char)k[0]);
	if (c < '@' || c > '_')
		return -2;
	return c ^ 0x40;
}

const char *rec_opts_key_name(int key, char *buf, size_t size)
{
	if (key < 0)
		snprintf(buf, size, "none");
	else if (key == 0x7f)
		snprintf(buf, size, "Ctrl-?");
	else if (key < 0x20)
		snprintf(buf, size, "Ctrl-%c", key ^ 0x40);
	else
		snprintf(buf, size, "%c", key);
	return buf;
}

/* Parse a non-negative integer option value. */
static int rec_opts_uint(const char *name, const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max) {
		cli_usage_error("rec", "%s: '%s' is not a number from 0 to %ld", name, s, max);
		return -1;
	}
	*out = v;
	return 0;
}

enum {
	OPT_OVERWRITE = 256, OPT_COLS, OPT_ROWS, OPT_HEADLESS, OPT_FLUSH,
	OPT_PREFIX, OPT_REDACT, OPT_REDACT_KEEP, OPT_STRACE, OPT_STRACE_PID, OPT_NO_AUTO,
	OPT_PROFILE, OPT_REORDER, OPT_WINSIZE,
};

/* --window-size COLSxROWS (asciinema 3), also COLSx or xROWS. */
static int rec_opts_winsize(rec_opts_t *o, const char *s)
{
	unsigned long c = 0, r = 0;
	const char *x = strchr(s, 'x');
	char *end;

	if (!x || strchr(x + 1, 'x') || x[1] == '+' || x[1] == '-' || s[0] == '+' || s[0] == '-')
		goto bad;
	if (x != s) {
		c = strtoul(s, &end, 10);
		if (end != x || c < 1 || c > 65535)
			goto bad;
	}
	if (x[1]) {
		r = strtoul(x + 1, &end, 10);
		if (*end || r < 1 || r > 65535)
			goto bad;
	}
	if (!c && !r)
		goto bad;
	if (c)
		o->cols = (unsigned)c;
	if (r)
		o->rows = (unsigned)r;
	return 0;
bad:
	cli_usage_error("rec", "--window-size: '%s' is not COLSxROWS (e.g. 120x40)", s);
	return -1;
}

int rec_opts_parse(rec_opts_t *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
		{ "append", no_argument, NULL, 'a' },
		{ "title", required_argument, NULL, 't' },
		{ "idle-time-limit", required_argument, NULL, 'i' },
		{ "env", required_argument, NULL, 'e' },
		{ "cols", required_argument, NULL, OPT_COLS },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "stdin", no_argument, NULL, 'I' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "headless", no_argument, NULL, OPT_HEADLESS },
		{ "flush-ms", required_argument, NULL, OPT_FLUSH },
		{ "prefix-key", required_argument, NULL, OPT_PREFIX },
		{ "redact", required_argument, NULL, OPT_REDACT },
		{ "redact-keep-buffers", no_argument, NULL, OPT_REDACT_KEEP },
		{ "strace", optional_argument, NULL, OPT_STRACE },
		{ "strace-pid", required_argument, NULL, OPT_STRACE_PID },
		{ "no-auto-markers", no_argument, NULL, OPT_NO_AUTO },
		{ "profile", optional_argument, NULL, OPT_PROFILE },
		{ "reorder-ms", required_argument, NULL, OPT_REORDER },
		{ "help", no_argument, NULL, 'h' },
		/* asciinema 3's spellings */
		{ "window-size", required_argument, NULL, OPT_WINSIZE },
		{ "capture-input", no_argument, NULL, 'I' },
		{ "capture-env", required_argument, NULL, 'e' },
		{ "output-format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int end_opts = argc; /* argv[end_opts] is the first "--", or argc */
	long v;
	int c;
	char *end;

	memset(o, 0, sizeof *o);
	strv_init(&o->redact);
	o->env_vars = "SHELL,TERM";
	o->flush_ms = 100;
	o->reorder_ms = 100;
	o->prefix_key = 0x1c;
	/* Nothing after "--" is FILE or an option: getopt only sees what is
	 * before it. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			end_opts = i;
			break;
		}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(end_opts, argv, ":c:at:i:e:If:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->shell_cmd = optarg; break;
		case OPT_OVERWRITE: o->overwrite = true; break;
		case 'a': o->append = true; break;
		case 't': o->title = optarg; break;
		case 'i':
			errno = 0;
			o->idle_time_limit = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->idle_time_limit > 0)) {
				return cli_usage_error("rec", "--idle-time-limit: '%s' is not a positive number of seconds", optarg);
			}
			o->has_idle = true;
			break;
		case 'e': o->env_vars = optarg; break;
		case OPT_COLS:
		case OPT_ROWS:
			if (rec_opts_uint(c == OPT_COLS ? "--cols" : "--rows", optarg, 65535, &v) < 0)
				return 2;
			if (!v) {
				return cli_usage_error("rec", "the size must be at least 1");
			}
			if (c == OPT_COLS)
				o->cols = (unsigned)v;
			else
				o->rows = (unsigned)v;
			break;
		case 'I': o->capture_stdin = true; break;
		case 'q': o->quiet = true; break;
		case OPT_HEADLESS: o->headless = true; break;
		case OPT_FLUSH:
		case OPT_REORDER:
			if (rec_opts_uint(c == OPT_FLUSH ? "--flush-ms" : "--reorder-ms", optarg, 600000, &v) < 0)
				return 2;
			if (c == OPT_FLUSH)
				o->flush_ms = (int)v;
			else
				o->reorder_ms = (int)v;
			break;
		case OPT_PREFIX:
			o->prefix_key = rec_opts_parse_key(optarg);
			if (o->prefix_key == -2) {
				return cli_usage_error("rec", "--prefix-key: '%s' is not a key (use C-x, ^x, one character, or none)", optarg);
			}
			break;
		case OPT_REDACT:
			if (strv_push(&o->redact, optarg) < 0)
				return 2;
			break;
		case OPT_REDACT_KEEP:
			o->redact_keep_buffers = true;
			break;
		case OPT_STRACE:
			o->strace = true;
			o->strace_args = optarg;
			break;
		case OPT_STRACE_PID: {
			if (rec_opts_uint("--strace-pid", optarg, INT_MAX, &v) < 0 || v < 1)
				return 2;
			pid_t *p = realloc(o->strace_pids, (o->n_strace_pids + 1) * sizeof *p);
			if (!p)
				return 2;
			o->strace_pids = p;
			p[o->n_strace_pids++] = (pid_t)v;
			break;
		}
		case OPT_NO_AUTO: o->no_auto_markers = true; break;
		case OPT_PROFILE:
			o->profile = true;
			o->profile_spec = optarg;
			break;
		case OPT_WINSIZE:
			if (rec_opts_winsize(o, optarg) < 0)
				return 2;
			break;
		case 'f':
			o->format = cli_parse_format(optarg);
			if (o->format < 0)
				return cli_usage_error("rec", "--output-format: '%s' is not asciicast-v2, "
						       "asciicast-v3, raw or txt", optarg);
			break;
		case 'h':
			rec_opts_usage(stdout);
			return 1;
		default:
			return cli_bad_option("rec", end_opts, argv, c);
		}
	}
	if (optind >= end_opts)
		return cli_usage_error("rec", "FILE is missing (where should the recording go?)%s",
				       end_opts < argc ? "; nothing after '--' is FILE" : "");
	o->file = argv[optind++];
	if (end_opts < argc) {
		if (optind < end_opts)
			return cli_usage_error("rec", "'%s' after FILE: the command goes after '--'",
					       argv[optind]);
		if (end_opts + 1 < argc)
			o->command = argv + end_opts + 1;
	} else if (optind < argc) {
		o->command = argv + optind;
	}
	if (o->command && o->shell_cmd)
		return cli_usage_error("rec", "give either -c CMD or -- COMMAND, not both");
	if (o->append && o->overwrite)
		return cli_usage_error("rec", "--append and --overwrite exclude each other");
	if (o->format != CLI_FMT_V2 && !strcmp(o->file, "-"))
		return cli_usage_error("rec", "--output-format other than asciicast-v2 needs a "
				       "FILE (not '-')");
	if (o->format != CLI_FMT_V2 && o->append)
		return cli_usage_error("rec", "--append writes asciicast v2 only");
	/* asciinema's -a on a file that does not exist yet: a new recording */
	if (o->append && strcmp(o->file, "-") && access(o->file, F_OK) < 0 && errno == ENOENT)
		o->append = false;
	return 0;
}

void rec_opts_cleanup(rec_opts_t *o)
{
	strv_cleanup(&o->redact);
	free(o->strace_pids);
	o->strace_pids = NULL;
}
