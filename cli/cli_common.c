/* cli_common: helpers shared by the reading commands (see cli_common.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_common.h"

void cli_warn_print(void *user, const cast_error_t *warning)
{
	cli_warn_state_t *st = user;

	if (st && st->limit && st->printed >= st->limit) {
		st->dropped++;
		return;
	}
	cast_error_print(stderr, "warning", warning);
	if (st)
		st->printed++;
}

/* The first line of each command's --help (kept in step by
 * tests/e2e/cli_voice.py). */
static const struct {
	const char *cmd, *usage;
} cli_usages[] = {
	{ "rec", "tracecast rec [OPTIONS] FILE [-- COMMAND [ARG...]]" },
	{ "play", "tracecast play [OPTIONS] FILE" },
	{ "cat", "tracecast cat [--strict] FILE..." },
	{ "info", "tracecast info [--json] [--idle] FILE" },
	{ "dump", "tracecast dump FILE [--at T[,T...]|end] [--format text|ansi]" },
	{ "convert", "tracecast convert [-f FORMAT] [--strip] [--overwrite] IN OUT" },
	{ "stats", "tracecast stats FILE [--by pid|tid|comm] [--top N] [--errors] [--json]" },
	{ "export", "tracecast export FILE --format folded|callgrind|speedscope|chrome|strace|html [-o OUT] [OPTIONS]" },
	{ "mark", "tracecast mark [LABEL...]" },
};

const char *cli_short_usage(const char *cmd)
{
	for (size_t i = 0; i < sizeof cli_usages / sizeof cli_usages[0]; i++)
		if (!strcmp(cli_usages[i].cmd, cmd))
			return cli_usages[i].usage;
	return NULL;
}

int cli_parse_format(const char *s)
{
	static const struct {
		const char *name;
		int fmt;
	} names[] = {
		{ "asciicast-v2", CLI_FMT_V2 }, { "v2", CLI_FMT_V2 }, { "2", CLI_FMT_V2 },
		{ "asciicast-v3", CLI_FMT_V3 }, { "v3", CLI_FMT_V3 }, { "3", CLI_FMT_V3 },
		{ "raw", CLI_FMT_RAW }, { "txt", CLI_FMT_TXT },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name))
			return names[i].fmt;
	return -1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	const char *u = cli_short_usage(cmd);
	va_list ap;

	fprintf(stderr, "tracecast %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (u)
		fprintf(stderr, "\nusage: %s", u);
	fprintf(stderr, "\nTry 'tracecast %s --help'.\n", cmd);
	return 2;
}

int cli_bad_option(const char *cmd, int argc, char **argv, int opt)
{
	const char *arg = optind - 1 < argc && optind >= 1 ? argv[optind - 1] : "?";
	char shortopt[3] = { '-', (char)optopt, 0 };

	/* for a short option in a cluster (-xq) argv[optind-1] is the cluster */
	if (optopt > 0 && optopt < 128 && strncmp(arg, "--", 2))
		arg = shortopt;
	if (opt == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", arg);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

void cli_error(const char *cmd, const cast_error_t *err)
{
	char buf[CAST_ERROR_SOURCE + CAST_ERROR_TEXT + 64];

	fprintf(stderr, "tracecast %s: %s\n", cmd, cast_error_format(err, buf, sizeof buf));
}

int cli_parse_ms(const char *cmd, const char *opt, const char *arg, int64_t *ns)
{
	char *end;
	double ms = strtod(arg, &end);

	/* !(ms >= 0) also refuses NaN; 9e12 ms keeps ms * 1e6 in int64 */
	if (*end || !(ms >= 0) || ms > 9e12)
		return cli_usage_error(cmd, "%s: '%s' is not milliseconds", opt, arg);
	*ns = (int64_t)(ms * 1e6);
	return 0;
}

void cli_print_safe(FILE *fp, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i++) {
		unsigned c = p[i];

		if (c == '\n') {
			fputs("\\n", fp);
		} else if (c == '\r') {
			fputs("\\r", fp);
		} else if (c == '\t') {
			fputs("\\t", fp);
		} else if (c == '\\') {
			fputs("\\\\", fp);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\u%04x", c);
		} else if (c == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
			/* C1 control in UTF-8: a terminal may act on it */
			fprintf(fp, "\\u%04x", (unsigned)p[i + 1]);
			i++;
		} else {
			fputc((int)c, fp);
		}
	}
}


bool cli_is_regular(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return false;
	return stat(path, &st) < 0 || S_ISREG(st.st_mode); /* a missing file: open says so */
}
