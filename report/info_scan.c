/* info_scan: the streaming pass behind `tracecast info` (see info_scan.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"
#include "tracecast/zio.h"
#include "info_scan.h"
#include "profile_summary.h"

/* Summary sections: extra per-event summaries over chosen event codes.
 * Only the events whose (single-byte) code is in `codes` reach event(); the
 * others cost one table look-up. */
static const info_section_t info_sections[] = {
	{ "profile", "p", profile_summary_new, profile_summary_event,
	  profile_summary_print, profile_summary_json, profile_summary_free,
	  profile_summary_set_idle },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }, /* end */
};

/* Keep a diagnostic (listed while there is room, always counted). */
static void info_diag_add(info_diag_t *d, const cast_error_t *e)
{
	if (d->total < INFO_DIAG_MAX)
		d->list[d->total] = *e;
	d->total++;
}

static void info_warn(void *user, const cast_error_t *w)
{
	info_diag_add(&((info_scan_t *)user)->warnings, w);
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
static int info_on_resize(info_scan_t *c, const cast_event_t *ev)
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

static void info_on_marker(info_scan_t *c, const cast_event_t *ev)
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

static void info_on_multi(info_scan_t *c, const cast_event_t *ev)
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
static void info_on_event(info_scan_t *c, const cast_event_t *ev)
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
	if (c->events && ev->time_ns < c->last_ns) {
		/* players play events in file order: this one plays early */
		cast_error_t w;
		cast_error_set(&w, c->path, ev->line, 0, "time %.6f s is before an earlier event's "
			       "%.6f s (players play events in file order)",
			       (double)ev->time_ns / 1e9, (double)c->last_ns / 1e9);
		info_diag_add(&c->warnings, &w);
	}
	c->events++;
	if (ev->time_ns > c->last_ns)
		c->last_ns = ev->time_ns;
}

/* Open the summary sections for this file. */
static void info_sections_open(info_scan_t *c)
{
	for (size_t i = 0; info_sections[i].name && c->n_sec < INFO_SECTIONS_MAX; i++) {
		void *st = info_sections[i].open(&c->hdr);

		if (!st)
			continue;
		if (info_sections[i].set_opts)
			info_sections[i].set_opts(st, c->idle);
		c->sec[c->n_sec] = &info_sections[i];
		c->sec_state[c->n_sec] = st;
		c->n_sec++;
		for (const char *p = info_sections[i].codes; *p; p++)
			c->hooked[(unsigned char)*p] = (unsigned char)c->n_sec;
	}
}

int info_scan_run(info_scan_t *c, const char *path, cast_error_t *err)
{
	cast_reader_t *r = NULL;
	cast_error_t e;
	cast_event_t ev;
	int fd, rc;

	c->path = path;
	if (!strcmp(c->path, "-")) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(c->path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		rc = -errno;
		cast_error_set(err, c->path, 0, 0, "%s", strerror(-rc));
		return rc;
	}
	rc = zio_fd_is_gzip(fd);
	c->gzip = rc < 0 ? -1 : rc; /* -1: a pipe, not known */
	rc = cast_reader_open_fd(&r, fd, c->path, err);
	if (rc < 0)
		return rc;
	cast_reader_set_warn(r, info_warn, c);
	c->hdr = *cast_reader_header(r);
	json_incref(c->hdr.json); /* title/command point into it */
	c->have_hdr = true;
	info_sections_open(c);
	while ((rc = cast_reader_next(r, &ev, &e)) != 0) {
		if (rc == 1) {
			info_on_event(c, &ev);
		} else {
			info_diag_add(&c->errors, &e);
			if (rc != CAST_ERR_SYNTAX)
				break; /* I/O error: the reader is at its end */
		}
	}
	c->truncated = cast_reader_truncated(r);
	c->end_offset = cast_reader_offset(r);
	cast_reader_free(r);
	return 0;
}

void info_scan_cleanup(info_scan_t *c)
{
	for (unsigned long i = 0; i < c->n_markers && i < INFO_LIST_MAX; i++)
		free(c->markers[i].label);
	for (size_t i = 0; i < c->n_sec; i++)
		c->sec[i]->close(c->sec_state[i]);
	if (c->have_hdr)
		json_decref(c->hdr.json);
}
