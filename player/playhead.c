/* playhead: the screen at a time T (see playhead.h). */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "tracecast/cast_reader.h"
#include "playhead.h"

struct playhead {
	char *path;
	playhead_opts_t opts;
	cast_reader_t *r;
	screen_t *screen;
	unsigned width, height;     /* the header's size */
	int64_t at;                 /* time the playhead is at */
	/* the first event later than `at`, held back (copied) */
	bool has_pending;
	bool at_end;
	int64_t pending_t;
	char pending_code[8];
	char *pending_data;
	size_t pending_len, pending_cap;
	unsigned long warned_line;  /* malformed lines up to here were reported */
	unsigned long restarts;
};

/* (Re)open the file and reset the screen to the header's size. */
static int playhead_rewind(playhead_t *p, cast_error_t *err)
{
	cast_reader_free(p->r);
	p->r = NULL;
	int rc = cast_reader_open(&p->r, p->path, err);
	if (rc < 0)
		return rc;
	const cast_header_t *h = cast_reader_header(p->r);
	p->width = h->width ? h->width : 80;
	p->height = h->height ? h->height : 24;
	if (!p->screen) {
		p->screen = screen_new(p->width, p->height);
		if (!p->screen)
			return -ENOMEM;
	} else if ((rc = screen_reset(p->screen, p->width, p->height)) < 0) {
		return rc;
	}
	p->has_pending = false;
	p->at_end = false;
	p->at = INT64_MIN;
	return 0;
}

int playhead_new(playhead_t **out, const char *path, const playhead_opts_t *opts,
		 cast_error_t *err)
{
	playhead_t *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	if (opts)
		p->opts = *opts;
	p->path = strdup(path);
	if (!p->path) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = playhead_rewind(p, err);
	if (rc < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	playhead_free(p);
	return rc;
}

void playhead_free(playhead_t *p)
{
	if (!p)
		return;
	cast_reader_free(p->r);
	screen_free(p->screen);
	free(p->pending_data);
	free(p->path);
	free(p);
}

/* Apply one event to the screen. */
static void playhead_apply(playhead_t *p, const char *code, const char *data, size_t len)
{
	if (code[0] == 'o' && !code[1]) {
		screen_feed(p->screen, data, len);
	} else if (code[0] == 'r' && !code[1]) {
		unsigned cols, rows;
		if (cast_parse_size(data, len, &cols, &rows) == 0) {
			screen_resize(p->screen, cols, rows);
		}
	}
}

/* Keep ev as the pending event (only "o"/"r" matter to the screen; others
 * are kept by time only). */
static int playhead_hold(playhead_t *p, const cast_event_t *ev)
{
	bool screen_ev = (ev->code[0] == 'o' || ev->code[0] == 'r') && !ev->code[1];
	size_t len = screen_ev ? ev->data_len : 0;

	if (len + 1 > p->pending_cap) {
		size_t cap = len + 1 > 4096 ? len + 1 : 4096;
		char *d = realloc(p->pending_data, cap);
		if (!d)
			return -ENOMEM;
		p->pending_data = d;
		p->pending_cap = cap;
	}
	if (len)
		memcpy(p->pending_data, ev->data, len);
	p->pending_data[len] = '\0';
	p->pending_len = len;
	p->pending_t = ev->time_ns;
	snprintf(p->pending_code, sizeof(p->pending_code), "%s", screen_ev ? ev->code : "-");
	p->has_pending = true;
	return 0;
}

int playhead_seek(playhead_t *p, int64_t t, cast_error_t *err)
{
	return playhead_advance(p, t, 0, err);
}

int playhead_advance(playhead_t *p, int64_t t, size_t budget, cast_error_t *err)
{
	cast_event_t ev;
	cast_error_t e;
	size_t fed = 0;
	int rc;

	if (t < p->at) {
		rc = playhead_rewind(p, err);
		if (rc < 0)
			return rc;
		p->restarts++;
	}
	if (p->has_pending) {
		if (p->pending_t > t) {
			p->at = t;
			return 0;
		}
		playhead_apply(p, p->pending_code, p->pending_data, p->pending_len);
		p->has_pending = false;
	}
	while (!p->at_end) {
		rc = cast_reader_next(p->r, &ev, &e);
		if (rc == 0) {
			p->at_end = true;
			break;
		}
		if (rc == CAST_ERR_SYNTAX) {
			if (p->opts.strict) {
				if (err)
					*err = e;
				return rc;
			}
			if (e.line > p->warned_line) {
				p->warned_line = e.line;
				if (!p->opts.quiet)
					cast_error_print(stderr, "warning: skipped", &e);
			}
			continue;
		}
		if (rc < 0) {
			if (err)
				*err = e;
			p->at_end = true;
			return rc;
		}
		if (ev.time_ns > t) {
			rc = playhead_hold(p, &ev);
			if (rc < 0) {
				cast_error_set(err, p->path, ev.line, 0, "out of memory");
				return rc;
			}
			break;
		}
		playhead_apply(p, ev.code, ev.data, ev.data_len);
		fed += ev.data_len + 16;
		if (budget && fed >= budget) {
			/* not there yet: the screen is at this event's time */
			p->at = ev.time_ns;
			return 1;
		}
	}
	p->at = t;
	return 0;
}

const screen_t *playhead_screen(const playhead_t *p)
{
	return p->screen;
}

int64_t playhead_next_time(const playhead_t *p)
{
	return p->has_pending ? p->pending_t : INT64_MAX;
}

unsigned long playhead_restarts(const playhead_t *p)
{
	return p->restarts;
}
