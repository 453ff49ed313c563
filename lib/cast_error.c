/* cast_error: diagnostics that name their place ("FILE:LINE:COL: text"). */
#include "tracecast/cast_error.h"

#include <string.h>

void cast_error_set(cast_error_t *err, const char *source, unsigned long line,
		    unsigned long column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	snprintf(err->source, sizeof err->source, "%s", source ? source : "");
	err->line = line;
	err->column = line ? column : 0;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof err->text, fmt, ap);
	va_end(ap);
}

/* "SOURCE:LINE:COL: " (parts not known left out) into buf; returns length. */
static size_t cast_error_place(const cast_error_t *err, char *buf, size_t size)
{
	int n;

	if (!size)
		return 0;
	if (err->source[0] && err->line && err->column)
		n = snprintf(buf, size, "%s:%lu:%lu: ", err->source, err->line, err->column);
	else if (err->source[0] && err->line)
		n = snprintf(buf, size, "%s:%lu: ", err->source, err->line);
	else if (err->source[0])
		n = snprintf(buf, size, "%s: ", err->source);
	else if (err->line && err->column)
		n = snprintf(buf, size, "%lu:%lu: ", err->line, err->column);
	else if (err->line)
		n = snprintf(buf, size, "%lu: ", err->line);
	else
		n = snprintf(buf, size, "%s", "");
	if (n < 0)
		n = 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

const char *cast_error_format(const cast_error_t *err, char *buf, size_t size)
{
	size_t n;

	if (!size)
		return buf;
	n = cast_error_place(err, buf, size);
	snprintf(buf + n, size - n, "%s", err->text);
	return buf;
}

void cast_error_print(FILE *fp, const char *prefix, const cast_error_t *err)
{
	char place[CAST_ERROR_SOURCE + 64];

	cast_error_place(err, place, sizeof place);
	if (prefix && *prefix)
		fprintf(fp, "tracecast: %s%s: %s\n", place, prefix, err->text);
	else
		fprintf(fp, "tracecast: %s%s\n", place, err->text);
}
