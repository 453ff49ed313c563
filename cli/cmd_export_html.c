/* tracecast export --format html: the front-end of report/export_html.c
 * (options, messages, the output file). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"
#include "tracecast/tc_time.h"
#include "cli_common.h"
#include "commands.h"
#include "report/export_html.h"
#include "player/timeline.h"

static const char exh_usage_text[] =
	"usage: tracecast export FILE --format html [-o OUT.html] [--from T] [--to T]\n"
	"                        [--between-markers A B]\n"
	"Write one self-contained HTML page that plays the recording in any browser,\n"
	"offline: the terminal in asciinema-player, beside it the syscall panel, the\n"
	"CPU/RSS strip per process, a flame graph of the stack samples and the\n"
	"syscall table of 'tracecast stats'.\n"
	"  -o OUT                 the page (default: FILE without .cast[.gz], + .html;\n"
	"                         '-' for stdout)\n"
	"  --from T, --to T       only that range: seconds (12.5) or M:SS.s\n"
	"  --between-markers A B  from the first marker A to the first marker B after it\n";

/* FILE.cast.gz -> FILE.html (malloc'd). */
static char *exh_default_out(const char *in)
{
	static const char *const ext[] = { ".cast.gz", ".cast", ".gz", ".json" };
	size_t n = strlen(in);
	char *out = malloc(n + 6);

	if (!out)
		return NULL;
	memcpy(out, in, n + 1);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t m = strlen(ext[i]);
		if (n > m && !strcmp(in + n - m, ext[i])) {
			out[n - m] = '\0';
			break;
		}
	}
	strcat(out, ".html");
	return out;
}

static int exh_parse_time(const char *s, int64_t *ns)
{
	return tc_time_parse(s, TC_TIME_END, ns) < 0 || *ns == INT64_MAX ? -1 : 0;
}

int cmd_export_html(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "between-markers", required_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	export_html_opts_t o = { .from_ns = -1, .to_ns = -1 };
	export_html_stats_t st;
	cast_error_t err = { .text = "" };
	const char *out = NULL;
	char *def_out = NULL;
	int opt, rc;

	setlocale(LC_CTYPE, "C.UTF-8"); /* wcwidth() as dump's frames use it */
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "html") != 0)
				return cli_usage_error("export", "--format html here, not '%s'", optarg);
			break;
		case 'F':
		case 'T':
			if (exh_parse_time(optarg, opt == 'F' ? &o.from_ns : &o.to_ns) < 0)
				return cli_usage_error("export", "bad time '%s' (seconds, e.g. 12.5, "
						       "or M:SS)", optarg);
			break;
		case 'B':
			if (optind >= argc)
				return cli_usage_error("export", "--between-markers needs two labels");
			o.mark_a = optarg;
			o.mark_b = argv[optind++];
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(exh_usage_text, stdout);
			return 0;
		default:
			return cli_bad_option("export", argc, argv, opt);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("export", optind >= argc ? "no FILE given" : "one FILE only");
	if (o.from_ns >= 0 && o.to_ns >= 0 && o.to_ns < o.from_ns)
		return cli_usage_error("export", "--to is before --from");
	const char *in = argv[optind];
	if (!out) {
		if (!strcmp(in, "-"))
			return cli_usage_error("export", "reading stdin: say where the page goes with -o");
		out = def_out = exh_default_out(in);
		if (!out) {
			fputs("tracecast export: out of memory\n", stderr);
			return 1;
		}
	}
	/* a temporary file beside OUT, renamed over it at the end: a failed
	 * export never leaves half a page nor destroys an older OUT */
	bool to_stdout = !strcmp(out, "-");
	char *tmp = NULL;
	FILE *fp = stdout;
	if (!to_stdout) {
		int fd = -1;
		if (asprintf(&tmp, "%s.tmp.XXXXXX", out) < 0) {
			tmp = NULL;
		} else if ((fd = mkostemp(tmp, O_CLOEXEC)) >= 0) {
			mode_t um = umask(0);
			umask(um);
			fchmod(fd, 0666 & ~um); /* a page to share, not a secret recording */
			fp = fdopen(fd, "w");
		}
		if (!tmp || fd < 0 || !fp) {
			fprintf(stderr, "tracecast export: %s: %s\n", out, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(tmp);
			}
			free(tmp);
			free(def_out);
			return 1;
		}
	}
	rc = export_html_write(in, fp, &o, &st, &err);
	if (fflush(fp) != 0 && rc == 0)
		rc = -errno;
	if (!to_stdout && fclose(fp) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && tmp && rename(tmp, out) != 0)
		rc = -errno;
	if (rc < 0) {
		if (err.text[0])
			cli_error("export", &err);
		else
			fprintf(stderr, "tracecast export: %s: %s\n", out, strerror(-rc));
		if (tmp)
			unlink(tmp);
		free(tmp);
		free(def_out);
		return 1;
	}
	free(tmp);
	if (st.malformed)
		fprintf(stderr, "tracecast export: %s: %lu malformed lines skipped "
			"('tracecast info %s' names them)\n", in, st.malformed, in);
	if (!to_stdout)
		fprintf(stderr, "tracecast export: wrote %s (%.1f MB: %lu terminal events, "
			"%lu syscalls, %lu proc and %lu stack samples, %lu markers)\n", out,
			(double)st.page_bytes / 1e6, st.n_term, st.n_sys, st.n_proc, st.n_py,
			st.n_markers);
	if (st.page_bytes > EXPORT_HTML_WARN_BYTES)
		fprintf(stderr, "tracecast export: warning: the page is %.0f MB; browsers get slow "
			"above %u MB (see docs/usage-export.md): cut it with --from T --to T or "
			"--between-markers A B\n", (double)st.page_bytes / 1e6,
			EXPORT_HTML_WARN_BYTES / (1024 * 1024));
	free(def_out);
	return 0;
}
