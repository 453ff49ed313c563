/* tracecast info: describe and validate a recording (the pass itself is
 * report/info_scan.c; this file parses options and prints the report). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"
#include "tracecast/cast_writer.h"
#include "cli_common.h"
#include "commands.h"
#include "report/info_scan.h"
#include "tracecast/utf8.h"

static const char info_usage[] =
	"usage: tracecast info [--json] [--idle] FILE\n"
	"\n"
	"Describe and validate a recording (asciicast v1, v2 or v3, plain or gzip;\n"
	"\"-\" reads stdin) in one streaming pass, in constant memory: format, terminal\n"
	"size and every resize, duration (time of the last event), event counts per\n"
	"code, output bytes, markers, header metadata and the validation result\n"
	"(\"valid\", the malformed lines as FILE:LINE:COL, warnings, or \"truncated at\n"
	"byte N\" for a recording cut off mid-line). Up to 1000 resizes and markers\n"
	"and 100 errors and warnings are listed; all are counted.\n"
	"\n"
	"options:\n"
	"  --json      print one JSON object instead (keys: file, format, version,\n"
	"              gzip, width, height, duration, events, event_counts,\n"
	"              other_codes, output_bytes, resizes, resizes_total, markers,\n"
	"              markers_total, header{title, command, timestamp, date,\n"
	"              idle_time_limit, env, theme, term_type, term_version,\n"
	"              tracecast, other_keys}, validation{status, errors,\n"
	"              errors_total, warnings, warnings_total, truncated,\n"
	"              truncated_at}; times in seconds)\n"
	"  --idle      profile: count idle stack samples too (threads that neither\n"
	"              ran nor waited for a CPU); by default only on-CPU ones\n"
	"  -h, --help  this text\n"
	"\n"
	"exit: 0 valid (a truncated last line and warnings allowed), 1 a malformed\n"
	"line or an unreadable file, 2 usage error.\n";

/* Keys of the header that the report names; the others are listed. */
static bool info_known_key(const char *k)
{
	static const char *const known[] = {
		"version", "width", "height", "timestamp", "duration",
		"idle_time_limit", "command", "title", "env", "theme", "term",
		"tracecast", "stdout", NULL,
	};

	for (size_t i = 0; known[i]; i++)
		if (!strcmp(k, known[i]))
			return true;
	return false;
}

static const json_t *info_theme(const json_t *hj)
{
	const json_t *t = json_object_get(hj, "theme");

	if (!t)
		t = json_object_get(json_object_get(hj, "term"), "theme");
	return t;
}

/* "2017-10-27T08:10:18Z", or "" if out of range. */
static void info_date(char *buf, size_t size, int64_t unix_s)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	buf[0] = '\0';
	if (gmtime_r(&t, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Seconds rounded to the microsecond, as a JSON number. */
static json_t *info_json_time(int64_t ns)
{
	int64_t us = ns > 0 ? ns / 1000 + (ns % 1000 >= 500) : 0;

	return json_real((double)us / 1e6);
}

static void info_text_safe(FILE *o, const char *s)
{
	cli_print_safe(o, s, strlen(s));
}

static void info_text_diags(FILE *o, const info_diag_t *d)
{
	char buf[CAST_ERROR_SOURCE + CAST_ERROR_TEXT + 64];

	for (unsigned long i = 0; i < d->total && i < INFO_DIAG_MAX; i++) {
		fputs("  ", o);
		info_text_safe(o, cast_error_format(&d->list[i], buf, sizeof(buf)));
		fputc('\n', o);
	}
	if (d->total > INFO_DIAG_MAX)
		fprintf(o, "  ... and %lu more\n", d->total - INFO_DIAG_MAX);
}

static void info_text_header(FILE *o, const info_scan_t *c)
{
	const cast_header_t *h = &c->hdr;
	const json_t *hj = h->json, *env = json_object_get(hj, "env");
	const json_t *term = json_object_get(hj, "term"), *tc, *v;
	const char *k;
	char date[64];
	bool first = true;

	if (h->title) {
		fputs("title:       ", o);
		info_text_safe(o, h->title);
		fputc('\n', o);
	}
	if (h->command) {
		fputs("command:     ", o);
		info_text_safe(o, h->command);
		fputc('\n', o);
	}
	if (h->has_timestamp) {
		info_date(date, sizeof(date), h->timestamp);
		fprintf(o, "timestamp:   %" PRId64 " (%s)\n", h->timestamp, date);
	}
	if (h->has_idle_time_limit)
		fprintf(o, "idle limit:  %g s\n", h->idle_time_limit);
	if (json_is_object(env) && json_object_size(env)) {
		fputs("env:        ", o);
		json_object_foreach((json_t *)env, k, v) {
			fputc(' ', o);
			info_text_safe(o, k);
			fputc('=', o);
			if (json_is_string(v))
				cli_print_safe(o, json_string_value(v), json_string_length(v));
			else
				fputs("(null)", o);
		}
		fputc('\n', o);
	}
	fprintf(o, "theme:       %s\n", info_theme(hj) ? "present" : "none");
	v = json_object_get(term, "type");
	if (json_is_string(v)) {
		fputs("term type:   ", o);
		info_text_safe(o, json_string_value(v));
		fputc('\n', o);
	}
	v = json_object_get(term, "version");
	if (json_is_string(v)) {
		fputs("term version: ", o);
		info_text_safe(o, json_string_value(v));
		fputc('\n', o);
	}
	tc = json_object_get(hj, "tracecast");
	if (tc) {
		char *s = json_dumps(tc, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));

		fputs("tracecast:   ", o);
		if (s)
			info_text_safe(o, s);
		fputc('\n', o);
		free(s);
	}
	json_object_foreach((json_t *)hj, k, v) {
		if (info_known_key(k))
			continue;
		fputs(first ? "other keys:  " : ", ", o);
		info_text_safe(o, k);
		first = false;
	}
	if (!first)
		fputc('\n', o);
}

static int info_report_text(const info_scan_t *c)
{
	FILE *o = stdout;
	char t[32];

	fputs("file:        ", o);
	info_text_safe(o, c->path);
	fprintf(o, "\nformat:      asciicast v%d%s\n", c->hdr.version,
		c->gzip == 1 ? ", gzip" : c->gzip == 0 ? "" : " (gzip: unknown, not seekable)");
	fprintf(o, "terminal:    %ux%u", c->hdr.width, c->hdr.height);
	if (c->hdr.size_defaulted)
		fputs(" (the header says 0x0, as asciinema 2.2 writes without a terminal: read as 80x24)", o);
	if (c->hdr.width > CAST_MAX_COLS || c->hdr.height > CAST_MAX_ROWS)
		fprintf(o, " (larger than a player draws: drawn at most %ux%u)", CAST_MAX_COLS, CAST_MAX_ROWS);
	fputc('\n', o);
	fprintf(o, "resizes:     %lu\n", c->n_resizes);
	for (unsigned long i = 0; i < c->n_resizes && i < INFO_LIST_MAX; i++) {
		cast_format_time(t, c->resizes[i].time_ns);
		fprintf(o, "  %12s  %ux%u%s\n", t, c->resizes[i].cols, c->resizes[i].rows,
			c->resizes[i].cols > CAST_MAX_COLS || c->resizes[i].rows > CAST_MAX_ROWS
			? " (drawn at most " CAST_MAX_SIZE_TEXT ")" : "");
	}
	if (c->n_resizes > INFO_LIST_MAX)
		fprintf(o, "  ... and %lu more\n", c->n_resizes - INFO_LIST_MAX);
	cast_format_time(t, c->last_ns);
	fprintf(o, "duration:    %s s\n", t);
	fprintf(o, "events:      %lu\n", c->events);
	for (unsigned i = 0; i < 256; i++) {
		if (!c->single[i])
			continue;
		fputs("  ", o);
		cli_print_safe(o, (const char[]){ (char)i }, 1);
		fprintf(o, "  %lu\n", c->single[i]);
	}
	for (size_t i = 0; i < c->n_multi; i++) {
		fputs("  ", o);
		info_text_safe(o, c->multi[i].code[0] ? c->multi[i].code : "\"\"");
		fprintf(o, "  %lu\n", c->multi[i].count);
	}
	if (c->other_codes)
		fprintf(o, "  (other codes)  %lu\n", c->other_codes);
	fprintf(o, "output:      %" PRIu64 " bytes\n", c->out_bytes);
	fprintf(o, "markers:     %lu\n", c->n_markers);
	for (unsigned long i = 0; i < c->n_markers && i < INFO_LIST_MAX; i++) {
		cast_format_time(t, c->markers[i].time_ns);
		fprintf(o, "  %12s  ", t);
		cli_print_safe(o, c->markers[i].label ? c->markers[i].label : "", c->markers[i].len);
		fputc('\n', o);
	}
	if (c->n_markers > INFO_LIST_MAX)
		fprintf(o, "  ... and %lu more\n", c->n_markers - INFO_LIST_MAX);
	info_text_header(o, c);
	for (size_t i = 0; i < c->n_sec; i++) {
		fprintf(o, "%s:\n", c->sec[i]->name);
		c->sec[i]->print(c->sec_state[i], o);
	}
	fputs("validation:  ", o);
	if (c->errors.total)
		fprintf(o, "invalid: %lu malformed line%s%s", c->errors.total,
			c->errors.total == 1 ? "" : "s", c->truncated ? "; " : "");
	if (c->truncated)
		fprintf(o, "truncated at byte %" PRIu64 "%s (recorder killed?)", c->end_offset,
			c->gzip == 1 ? " of the decompressed data" : "");
	if (!c->errors.total && !c->truncated)
		fputs("valid", o);
	fputc('\n', o);
	info_text_diags(o, &c->errors);
	if (c->warnings.total) {
		fprintf(o, "warnings:    %lu\n", c->warnings.total);
		info_text_diags(o, &c->warnings);
	}
	return c->errors.total ? 1 : 0;
}

/* A JSON string of s; invalid UTF-8 (a file name, a quoted bad line) is
 * repaired with U+FFFD, so the value is never lost. */
static json_t *info_jstr(const char *s)
{
	size_t n = strlen(s), m;
	utf8_carry_t carry;
	char *buf;
	json_t *j;

	if (utf8_valid(s, n))
		return json_stringn(s, n);
	buf = malloc(UTF8_REPAIR_MAX(n));
	if (!buf)
		return json_null();
	utf8_carry_init(&carry);
	m = utf8_repair(&carry, s, n, buf, true);
	j = json_stringn(buf, m);
	free(buf);
	return j;
}

static json_t *info_json_diags(const info_diag_t *d)
{
	json_t *a = json_array();
	char buf[CAST_ERROR_SOURCE + CAST_ERROR_TEXT + 64];

	for (unsigned long i = 0; a && i < d->total && i < INFO_DIAG_MAX; i++) {
		const cast_error_t *e = &d->list[i];

		json_array_append_new(a, json_pack("{s:o, s:I, s:I, s:o, s:o}",
			"file", info_jstr(e->source), "line", (json_int_t)e->line,
			"column", (json_int_t)e->column, "message", info_jstr(e->text),
			"text", info_jstr(cast_error_format(e, buf, sizeof(buf)))));
	}
	return a;
}

static json_t *info_json_header(const info_scan_t *c)
{
	const cast_header_t *h = &c->hdr;
	const json_t *hj = h->json, *term = json_object_get(hj, "term"), *v;
	json_t *o = json_object(), *other = json_array();
	const char *k;
	char date[64];

	json_object_set_new(o, "title", h->title ? json_string(h->title) : json_null());
	json_object_set_new(o, "command", h->command ? json_string(h->command) : json_null());
	if (h->has_timestamp) {
		info_date(date, sizeof(date), h->timestamp);
		json_object_set_new(o, "timestamp", json_integer(h->timestamp));
		json_object_set_new(o, "date", json_string(date));
	} else {
		json_object_set_new(o, "timestamp", json_null());
		json_object_set_new(o, "date", json_null());
	}
	json_object_set_new(o, "idle_time_limit", h->has_idle_time_limit ?
			    json_real(h->idle_time_limit) : json_null());
	v = json_object_get(hj, "env");
	json_object_set_new(o, "env", v ? json_deep_copy(v) : json_null());
	json_object_set_new(o, "theme", json_boolean(info_theme(hj) != NULL));
	v = json_object_get(term, "type");
	json_object_set_new(o, "term_type", json_is_string(v) ? json_copy((json_t *)v) : json_null());
	v = json_object_get(term, "version");
	json_object_set_new(o, "term_version", json_is_string(v) ? json_copy((json_t *)v) : json_null());
	v = json_object_get(hj, "tracecast");
	json_object_set_new(o, "tracecast", v ? json_deep_copy(v) : json_null());
	json_object_foreach((json_t *)hj, k, v)
		if (!info_known_key(k))
			json_array_append_new(other, json_string(k));
	json_object_set_new(o, "other_keys", other);
	return o;
}

static int info_report_json(const info_scan_t *c)
{
	json_t *o = json_object(), *a, *counts = json_object(), *val = json_object();
	char code[2] = { 0, 0 };
	int ret;

	json_object_set_new(o, "file", info_jstr(c->path));
	json_object_set_new(o, "format", json_string("asciicast"));
	json_object_set_new(o, "version", json_integer(c->hdr.version));
	json_object_set_new(o, "gzip", c->gzip < 0 ? json_null() : json_boolean(c->gzip));
	json_object_set_new(o, "width", json_integer(c->hdr.width));
	json_object_set_new(o, "height", json_integer(c->hdr.height));
	json_object_set_new(o, "size_defaulted", json_boolean(c->hdr.size_defaulted));
	json_object_set_new(o, "max_drawn_size", json_pack("{s:i, s:i}", "cols", (int)CAST_MAX_COLS,
							   "rows", (int)CAST_MAX_ROWS));
	json_object_set_new(o, "duration", info_json_time(c->last_ns));
	json_object_set_new(o, "events", json_integer((json_int_t)c->events));
	for (unsigned i = 1; i < 256; i++) {
		code[0] = (char)i;
		if (c->single[i])
			json_object_set_new(counts, code, json_integer((json_int_t)c->single[i]));
	}
	for (size_t i = 0; i < c->n_multi; i++)
		json_object_set_new(counts, c->multi[i].code, json_integer((json_int_t)c->multi[i].count));
	json_object_set_new(o, "event_counts", counts);
	json_object_set_new(o, "other_codes", json_integer((json_int_t)c->other_codes));
	json_object_set_new(o, "output_bytes", json_integer((json_int_t)c->out_bytes));
	a = json_array();
	for (unsigned long i = 0; i < c->n_resizes && i < INFO_LIST_MAX; i++)
		json_array_append_new(a, json_pack("{s:o, s:i, s:i}",
			"time", info_json_time(c->resizes[i].time_ns),
			"cols", (int)c->resizes[i].cols, "rows", (int)c->resizes[i].rows));
	json_object_set_new(o, "resizes", a);
	json_object_set_new(o, "resizes_total", json_integer((json_int_t)c->n_resizes));
	a = json_array();
	for (unsigned long i = 0; i < c->n_markers && i < INFO_LIST_MAX; i++)
		json_array_append_new(a, json_pack("{s:o, s:s%}",
			"time", info_json_time(c->markers[i].time_ns),
			"label", c->markers[i].label ? c->markers[i].label : "",
			c->markers[i].len));
	json_object_set_new(o, "markers", a);
	json_object_set_new(o, "markers_total", json_integer((json_int_t)c->n_markers));
	json_object_set_new(o, "header", info_json_header(c));
	for (size_t i = 0; i < c->n_sec; i++)
		json_object_set_new(o, c->sec[i]->name, c->sec[i]->to_json(c->sec_state[i]));
	json_object_set_new(val, "status", json_string(c->errors.total ? "invalid" :
						       c->truncated ? "truncated" : "valid"));
	json_object_set_new(val, "errors", info_json_diags(&c->errors));
	json_object_set_new(val, "errors_total", json_integer((json_int_t)c->errors.total));
	json_object_set_new(val, "warnings", info_json_diags(&c->warnings));
	json_object_set_new(val, "warnings_total", json_integer((json_int_t)c->warnings.total));
	json_object_set_new(val, "truncated", json_boolean(c->truncated));
	json_object_set_new(val, "truncated_at", c->truncated ?
			    json_integer((json_int_t)c->end_offset) : json_null());
	json_object_set_new(o, "validation", val);
	/* jansson writes U+0080..U+009F as UTF-8, which a terminal may act on
	 * (8-bit OSC, CSI): written as \u escapes, the same JSON */
	char *js = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	ret = js ? 0 : -1;
	for (const char *q = js; q && *q; q++) {
		if ((unsigned char)q[0] == 0xc2 && (unsigned char)q[1] >= 0x80 &&
		    (unsigned char)q[1] <= 0x9f) {
			printf("\\u%04x", (unsigned char)q[1]);
			q++;
		} else {
			putchar(*q);
		}
	}
	free(js);
	fputc('\n', stdout);
	json_decref(o);
	if (ret) {
		fprintf(stderr, "tracecast info: cannot write the JSON report\n");
		return 1;
	}
	return c->errors.total ? 1 : 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "idle", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	info_scan_t *c;
	cast_error_t err;
	bool json = false, idle = false;
	int opt, ret;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'I':
			idle = true;
			break;
		case 'h':
			fputs(info_usage, stdout);
			return 0;
		default:
			return cli_bad_option("info", argc, argv, opt);
		}
	}
	if (optind >= argc)
		return cli_usage_error("info", "no FILE given");
	if (argc - optind > 1)
		return cli_usage_error("info", "one FILE at a time (got %d)", argc - optind);

	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "tracecast info: out of memory\n");
		return 1;
	}
	c->idle = idle;
	ret = info_scan_run(c, argv[optind], &err) < 0;
	if (ret) {
		cli_error("info", &err);
	} else {
		ret = json ? info_report_json(c) : info_report_text(c);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "tracecast info: writing to stdout: %s\n", strerror(errno));
			ret = 1;
		}
	}
	info_scan_cleanup(c);
	free(c);
	return ret;
}
