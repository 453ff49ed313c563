/* cli_common: helpers shared by the reading commands (see cli_common.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tracecast %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tracecast %s --help'.\n", cmd);
	return 2;
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
