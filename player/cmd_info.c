/* tracecast info: describe and validate a recording in one streaming pass.
 *
 * Memory is constant whatever the file size: per-event work is a counter
 * bump in a 256-entry table (single-byte codes) plus a short list for
 * longer codes; resizes and markers are listed up to INFO_LIST_MAX each,
 * errors and warnings up to INFO_DIAG_MAX each, and all are counted. */
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
#include "tracecast/cli_common.h"
#include "tracecast/commands.h"
#include "tracecast/profile_summary.h"
#include "tracecast/utf8.h"

#define INFO_LIST_MAX 1000 /* resizes and markers listed (all counted) */
#define INFO_DIAG_MAX 100  /* errors and warnings listed (all counted) */
#define INFO_LABEL_MAX 256 /* bytes of a marker label kept */
#define INFO_MULTI_MAX 32  /* distinct multi-byte codes counted by name */
#define INFO_CODE_MAX 16   /* bytes of a multi-byte code kept */

/* Summary sections: extra per-event summaries over chosen event codes.
 * HOOK: the profile summary of "p" events plugs in here, as one row of
 * info_sections[] below, e.g.
 *   { "profile", "p", profile_summary_new, profile_summary_event,
 *     profile_summary_print, profile_summary_json, profile_summary_free },
 * with those functions declared in the profile module's header. Only the
 * events whose (single-byte) code is in `codes` reach event(); the others
 * cost one table look-up. */
typedef struct info_section {
	const char *name;  /* JSON key and text heading */
	const char *codes; /* single-byte codes wanted, e.g. "p" */
	/* State for one file; NULL (out of memory) skips the section. */
	void *(*open)(const cast_header_t *hdr);
	void (*event)(void *state, const cast_event_t *ev);
	void (*print)(void *state, FILE *fp);    /* text report lines */
	json_t *(*to_json)(void *state);          /* new reference, --json */
	void (*close)(void *state);               /* free the state */
} info_section_t;

static const info_section_t info_sections[] = {
	{ "profile", "p", profile_summary_new, profile_summary_event,
	  profile_summary_print, profile_summary_json, profile_summary_free },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }, /* end */
};

#define INFO_SECTIONS_MAX 8

typedef struct info_resize {
	int64_t time_ns;
	unsigned cols, rows;
} info_resize_t;

typedef struct info_marker {
	int64_t time_ns;
	char *label; /* malloc'd, at most INFO_LABEL_MAX bytes */
	size_t len;
} info_marker_t;

typedef struct info_code {
	char code[INFO_CODE_MAX + 1];
	unsigned long count;
} info_code_t;

typedef struct info_diag {
	cast_error_t list[INFO_DIAG_MAX];
	unsigned long total;
} info_diag_t;

typedef struct info_ctx {
	const char *path;
	int gzip; /* 1 yes, 0 no, -1 unknown (a pipe) */
	cast_header_t hdr; /* copy; its json is held with a reference */
	bool have_hdr;
	unsigned long single[256]; /* counts of single-byte codes */
	info_code_t multi[INFO_MULTI_MAX];
	size_t n_multi;
	unsigned long other_codes; /* multi-byte codes beyond INFO_MULTI_MAX */
	unsigned long events;
	uint64_t out_bytes;
	int64_t last_ns;
	info_resize_t resizes[INFO_LIST_MAX];
	unsigned long n_resizes;
	info_marker_t markers[INFO_LIST_MAX];
	unsigned long n_markers;
	info_diag_t errors, warnings;
	bool truncated;
	uint64_t end_offset;
	unsigned char hooked[256]; /* code byte -> 1 + index into sec[] */
	const info_section_t *sec[INFO_SECTIONS_MAX];
	void *sec_state[INFO_SECTIONS_MAX];
	size_t n_sec;
} info_ctx_t;

static const char info_usage[] =
	"usage: tracecast info [--json] FILE\n"
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
	"  -h, --help  this text\n"
	"\n"
	"exit: 0 valid (a truncated last line and warnings allowed), 1 a malformed\n"
	"line or an unreadable file, 2 usage error.\n";

/* Keep a diagnostic (listed while there is room, always counted). */
static void info_diag_add(info_diag_t *d, const cast_error_t *e)
{
	if (d->total < INFO_DIAG_MAX)
		d->list[d->total] = *e;
	d->total++;
}

static void info_warn(void *user, const cast_error_t *w)
{
	info_diag_add(&((info_ctx_t *)user)->warnings, w);
}

/* Length of at most max bytes of s, not cutting a UTF-8 sequence. */
static size_t info_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Returns 0, or -1 for a nonsense size (not counted). */
static int info_on_resize(info_ctx_t *c, const cast_event_t *ev)
{
	unsigned cols, rows;

	if (cast_parse_size(ev->data, ev->data_len, &cols, &rows) < 0) {
		/* the reader drops these; kept as a safety net */
		cast_error_t w;

		cast_error_set(&w, c->path, ev->line, 0, "resize to a nonsense size ignored");
		info_diag_add(&c->warnings, &w);
		return -1;
	}
	if (c->n_resizes < INFO_LIST_MAX)
		c->resizes[c->n_resizes] = (info_resize_t){ ev->time_ns, cols, rows };
	c->n_resizes++;
	return 0;
}

static void info_on_marker(info_ctx_t *c, const cast_event_t *ev)
{
	if (c->n_markers < INFO_LIST_MAX) {
		info_marker_t *m = &c->markers[c->n_markers];
		size_t n = info_utf8_cut(ev->data, ev->data_len, INFO_LABEL_MAX);

		m->time_ns = ev->time_ns;
		m->label = malloc(n + 1);
		m->len = m->label ? n : 0;
		if (m->label) {
			memcpy(m->label, ev->data, n);
			m->label[n] = '\0';
		}
	}
	c->n_markers++;
}

static void info_on_multi(info_ctx_t *c, const cast_event_t *ev)
{
	size_t n = strlen(ev->code);

	for (size_t i = 0; i < c->n_multi; i++)
		if (!strncmp(c->multi[i].code, ev->code, INFO_CODE_MAX + 1) &&
		    n <= INFO_CODE_MAX) {
			c->multi[i].count++;
			return;
		}
	if (c->n_multi < INFO_MULTI_MAX && n <= INFO_CODE_MAX) {
		memcpy(c->multi[c->n_multi].code, ev->code, n + 1);
		c->multi[c->n_multi++].count = 1;
		return;
	}
	c->other_codes++;
}

/* The per-event work: keep it minimal. */
static void info_on_event(info_ctx_t *c, const cast_event_t *ev)
{
	unsigned char c0 = (unsigned char)ev->code[0];

	if (!c0 || ev->code[1]) {
		info_on_multi(c, ev);
	} else {
		switch (c0) {
		case 'o':
			c->out_bytes += ev->data_len;
			break;
		case 'r':
			if (info_on_resize(c, ev) < 0)
				return; /* a dropped resize is no event */
			break;
		case 'm':
			info_on_marker(c, ev);
			break;
		default:
			break;
		}
		c->single[c0]++;
		if (c->hooked[c0])
			c->sec[c->hooked[c0] - 1]->event(c->sec_state[c->hooked[c0] - 1], ev);
	}
	c->events++;
	if (ev->time_ns > c->last_ns)
		c->last_ns = ev->time_ns;
}

/* Open the summary sections for this file. */
static void info_sections_open(info_ctx_t *c)
{
	for (size_t i = 0; info_sections[i].name && c->n_sec < INFO_SECTIONS_MAX; i++) {
		void *st = info_sections[i].open(&c->hdr);

		if (!st)
			continue;
		c->sec[c->n_sec] = &info_sections[i];
		c->sec_state[c->n_sec] = st;
		c->n_sec++;
		for (const char *p = info_sections[i].codes; *p; p++)
			c->hooked[(unsigned char)*p] = (unsigned char)c->n_sec;
	}
}

/* 1 gzip, 0 plain, -1 unknown (not seekable): peeked without consuming. */
static int info_peek_gzip(int fd)
{
	unsigned char m[2];

	if (pread(fd, m, 2, 0) != 2)
		return -1;
	return m[0] == 0x1f && m[1] == 0x8b;
}

/* Read the whole recording. Returns 0, or 1 if it could not be opened. */
static int info_scan(info_ctx_t *c)
{
	cast_reader_t *r = NULL;
	cast_error_t err;
	cast_event_t ev;
	int fd, rc;

	if (!strcmp(c->path, "-")) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		fprintf(stderr, "tracecast: %s: %s\n", c->path, strerror(errno));
		return 1;
	}
	c->gzip = info_peek_gzip(fd);
	rc = cast_reader_open_fd(&r, fd, c->path, &err);
	if (rc < 0) {
		cast_error_print(stderr, NULL, &err);
		return 1;
	}
	cast_reader_set_warn(r, info_warn, c);
	c->hdr = *cast_reader_header(r);
	json_incref(c->hdr.json); /* title/command point into it */
	c->have_hdr = true;
	info_sections_open(c);
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == 1) {
			info_on_event(c, &ev);
		} else {
			info_diag_add(&c->errors, &err);
			if (rc != CAST_ERR_SYNTAX)
				break; /* I/O error: the reader is at its end */
		}
	}
	c->truncated = cast_reader_truncated(r);
	c->end_offset = cast_reader_offset(r);
	cast_reader_free(r);
	return 0;
}

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
	int64_t us = ns > 0 ? (ns + 500) / 1000 : 0;

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

static void info_text_header(FILE *o, const info_ctx_t *c)
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

static int info_report_text(const info_ctx_t *c)
{
	FILE *o = stdout;
	char t[32];

	fputs("file:        ", o);
	info_text_safe(o, c->path);
	fprintf(o, "\nformat:      asciicast v%d%s\n", c->hdr.version,
		c->gzip == 1 ? ", gzip" : c->gzip == 0 ? "" : " (gzip: unknown, not seekable)");
	fprintf(o, "terminal:    %ux%u\n", c->hdr.width, c->hdr.height);
	fprintf(o, "resizes:     %lu\n", c->n_resizes);
	for (unsigned long i = 0; i < c->n_resizes && i < INFO_LIST_MAX; i++) {
		cast_format_time(t, c->resizes[i].time_ns);
		fprintf(o, "  %12s  %ux%u\n", t, c->resizes[i].cols, c->resizes[i].rows);
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

static json_t *info_json_header(const info_ctx_t *c)
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

static int info_report_json(const info_ctx_t *c)
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
	ret = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
	json_decref(o);
	if (ret) {
		fprintf(stderr, "tracecast info: cannot write the JSON report\n");
		return 1;
	}
	return c->errors.total ? 1 : 0;
}

static void info_cleanup(info_ctx_t *c)
{
	for (unsigned long i = 0; i < c->n_markers && i < INFO_LIST_MAX; i++)
		free(c->markers[i].label);
	for (size_t i = 0; i < c->n_sec; i++)
		c->sec[i]->close(c->sec_state[i]);
	if (c->have_hdr)
		json_decref(c->hdr.json);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	info_ctx_t *c;
	bool json = false;
	int opt, ret;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(info_usage, stdout);
			return 0;
		default:
			return cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
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
	c->path = argv[optind];
	ret = info_scan(c);
	if (!ret) {
		ret = json ? info_report_json(c) : info_report_text(c);
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "tracecast info: writing to stdout: %s\n", strerror(errno));
			ret = 1;
		}
	}
	info_cleanup(c);
	free(c);
	return ret;
}
