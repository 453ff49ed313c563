/* playhead: the screen at a time T (see playhead.h). */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "tracecast/cast_reader.h"
#include "cast_tail.h"
#include "playhead.h"

/* bytes of output between snapshots: at most this is replayed after a
 * restore (512 KiB gave a worst seek of 53-74 ms on a loaded machine, over
 * the 50 ms; 256 KiB 18 ms, for twice the snapshots) */
#define SNAP_EVERY ((size_t)256 << 10)
#define SNAP_BUDGET ((size_t)64 << 20)   /* snapshot memory before thinning */

/* A saved screen: the state after every screen event before off. */
typedef struct ph_snap {
	uint64_t off;               /* file offset of the next line */
	int64_t t;                  /* time of the last event applied */
	int64_t tmax;               /* latest time among the events applied */
	int64_t clock;              /* time of the last line read (v3) */
	size_t scr_i;               /* position in the screen-event index */
	screen_snap_t *snap;
} ph_snap_t;

struct playhead {
	char *path;
	playhead_opts_t opts;
	cast_reader_t *r;           /* v1 files, and the header of the others */
	cast_tail_t *tail;          /* v2/v3: the event lines, seekable */
	uint64_t data_off;          /* offset of the first line after the header */
	screen_t *screen;
	unsigned width, height;     /* the header's size */
	int64_t at;                 /* time the playhead is at */
	int64_t tmax;               /* latest time among the events applied */
	/* the first screen event later than `at`, held back (copied) */
	bool has_pending;
	bool at_end;
	int64_t pending_t;
	char pending_code[8];
	char *pending_data;
	size_t pending_len, pending_cap;
	uint64_t pending_off;       /* offset after the pending line */
	int64_t last_clock;         /* time of the last line read (v3) */
	unsigned long warned_line;  /* malformed lines up to here were reported */
	unsigned long restarts;
	unsigned long restores;
	/* the timeline's screen-event offsets (v2), to skip other lines */
	const uint64_t *scr;
	size_t n_scr, scr_i;
	/* snapshots, by offset */
	bool snapshots;
	ph_snap_t *snaps;
	size_t n_snaps, cap_snaps;
	size_t snap_bytes;          /* memory they hold */
	size_t snap_every;          /* output bytes between two */
	size_t fed_since;           /* output bytes fed since the last one passed */
	size_t snap_next;           /* first snapshot beyond the position */
};

/* (Re)open the file and reset the screen to the header's size. */
static int playhead_rewind(playhead_t *p, cast_error_t *err)
{
	int rc;

	if (!p->tail) {
		cast_reader_free(p->r);
		p->r = NULL;
		rc = cast_reader_open(&p->r, p->path, err);
		if (rc < 0)
			return rc;
		const cast_header_t *h = cast_reader_header(p->r);
		p->width = h->width ? h->width : 80;
		p->height = h->height ? h->height : 24;
		if (h->version != 1 && strcmp(p->path, "-") &&
		    cast_tail_open(&p->tail, p->path, h->version) == 0) {
			p->data_off = cast_reader_offset(p->r);
			cast_reader_free(p->r);
			p->r = NULL;
		}
	}
	if (p->tail && (rc = cast_tail_seek(p->tail, p->data_off, 0)) < 0) {
		cast_error_set(err, p->path, 0, 0, "%s", strerror(-rc));
		return rc;
	}
	if (!p->screen) {
		p->screen = p->snapshots ? screen_new_snap(p->width, p->height)
					 : screen_new(p->width, p->height);
		if (!p->screen)
			return -ENOMEM;
	} else if ((rc = screen_reset(p->screen, p->width, p->height)) < 0) {
		return rc;
	}
	p->has_pending = false;
	p->at_end = false;
	p->at = INT64_MIN;
	p->tmax = INT64_MIN;
	p->scr_i = 0;
	p->last_clock = 0;
	p->fed_since = 0;
	p->snap_next = 0;
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
	p->snapshots = !p->opts.no_snapshots;
	p->snap_every = p->opts.snap_every ? p->opts.snap_every : SNAP_EVERY;
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
	for (size_t k = 0; k < p->n_snaps; k++)
		screen_snap_free(p->snaps[k].snap);
	free(p->snaps);
	cast_reader_free(p->r);
	cast_tail_free(p->tail);
	screen_free(p->screen);
	free(p->pending_data);
	free(p->path);
	free(p);
}

void playhead_use_index(playhead_t *p, const uint64_t *offs, size_t n)
{
	p->scr = p->tail && !cast_tail_is_gzip(p->tail) ? offs : NULL;
	p->n_scr = p->scr ? n : 0;
	p->scr_i = 0;
	if (p->scr && cast_tail_offset(p->tail) > p->data_off)
		p->scr = NULL, p->n_scr = 0; /* only from the start */
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

/* Keep ev as the pending event. */
static int playhead_hold(playhead_t *p, const cast_event_t *ev)
{
	size_t len = ev->data_len;

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
	p->pending_off = p->tail ? cast_tail_offset(p->tail) : 0;
	snprintf(p->pending_code, sizeof(p->pending_code), "%s", ev->code);
	p->has_pending = true;
	return 0;
}

static bool playhead_screen_event(const cast_event_t *ev)
{
	return (ev->code[0] == 'o' || ev->code[0] == 'r') && !ev->code[1];
}

/* The next screen event ("o" or "r"): 1, 0 at the end, CAST_ERR_SYNTAX
 * (cast_reader only) or -errno. */
static int playhead_next(playhead_t *p, cast_event_t *ev, cast_error_t *e)
{
	int rc;

	for (;;) {
		if (!p->tail) {
			rc = cast_reader_next(p->r, ev, e);
		} else {
			if (p->scr) {
				uint64_t cur = cast_tail_offset(p->tail);
				while (p->scr_i < p->n_scr && p->scr[p->scr_i] < cur)
					p->scr_i++;
				if (p->scr_i == p->n_scr)
					return 0;
				if (p->scr[p->scr_i] > cur &&
				    (rc = cast_tail_seek(p->tail, p->scr[p->scr_i], 0)) < 0)
					goto io;
			}
			rc = cast_tail_next(p->tail, ev);
			if (rc < 0)
				goto io;
			if (rc > 0)
				p->last_clock = ev->time_ns;
		}
		if (rc <= 0 || playhead_screen_event(ev))
			return rc;
	}
io:
	cast_error_set(e, p->path, 0, 0, "reading again: %s", strerror(-rc));
	return rc;
}

/* Take a snapshot at the current position (after the last applied event,
 * nothing pending), when the last one is far enough behind. */
static void playhead_snap_maybe(playhead_t *p, int64_t last_t)
{
	if (!p->snapshots || !p->tail || p->has_pending || p->fed_since < p->snap_every)
		return;
	uint64_t off = cast_tail_offset(p->tail);
	if (p->n_snaps && p->snaps[p->n_snaps - 1].off >= off)
		return; /* passing again over snapshots taken before */
	if (p->n_snaps == p->cap_snaps) {
		size_t nc = p->cap_snaps ? p->cap_snaps * 2 : 64;
		ph_snap_t *ns = realloc(p->snaps, nc * sizeof(*ns));
		if (!ns)
			return;
		p->snaps = ns;
		p->cap_snaps = nc;
	}
	screen_snap_t *sn = screen_snap_save(p->screen);
	if (!sn) {
		p->snapshots = false; /* no arena, or OOM: replay instead */
		return;
	}
	p->snaps[p->n_snaps++] = (ph_snap_t){ off, last_t, p->tmax, p->last_clock, p->scr_i, sn };
	p->snap_next = p->n_snaps;
	p->snap_bytes += screen_snap_size(sn);
	p->fed_since = 0;
	if (p->snap_bytes > SNAP_BUDGET) {
		/* thin out: keep every other one, twice the distance from now on */
		size_t k = 0;
		for (size_t i = 0; i < p->n_snaps; i++) {
			if (i % 2 == 1 || i == p->n_snaps - 1) {
				p->snaps[k++] = p->snaps[i];
			} else {
				p->snap_bytes -= screen_snap_size(p->snaps[i].snap);
				screen_snap_free(p->snaps[i].snap);
			}
		}
		p->n_snaps = k;
		p->snap_next = k;
		p->snap_every *= 2;
	}
}

/* The latest snapshot usable for t (every event it holds at or before t),
 * or SIZE_MAX. */
static size_t playhead_snap_for(const playhead_t *p, int64_t t)
{
	size_t lo = 0, hi = p->n_snaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->snaps[mid].tmax <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : SIZE_MAX;
}

/* Put the screen and the file position back at snapshot k. */
static int playhead_restore(playhead_t *p, size_t k)
{
	const ph_snap_t *s = &p->snaps[k];
	int rc = screen_snap_restore(p->screen, s->snap);

	if (rc < 0)
		return rc;
	if ((rc = cast_tail_seek(p->tail, s->off, s->clock)) < 0)
		return rc;
	p->has_pending = false;
	p->at_end = false;
	p->at = s->t;
	p->tmax = s->tmax;
	p->last_clock = s->clock;
	p->scr_i = s->scr_i;
	p->fed_since = 0;
	p->snap_next = k + 1;
	p->restores++;
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

	/* a snapshot beats replaying: backward always, forward when it is
	 * past the position */
	size_t k = p->snapshots ? playhead_snap_for(p, t) : SIZE_MAX;
	uint64_t pos = p->tail ? (p->has_pending ? p->pending_off : cast_tail_offset(p->tail)) : 0;
	if (k != SIZE_MAX && (t < p->at || p->snaps[k].off > pos) &&
	    !(t >= p->at && p->has_pending && p->pending_t > t)) {
		if (playhead_restore(p, k) == 0)
			goto go;
	}
	if (t < p->at) {
		rc = playhead_rewind(p, err);
		if (rc < 0)
			return rc;
		p->restarts++;
	}
go:
	if (p->has_pending) {
		if (p->pending_t > t) {
			p->at = t;
			return 0;
		}
		playhead_apply(p, p->pending_code, p->pending_data, p->pending_len);
		p->fed_since += p->pending_len;
		if (p->pending_t > p->tmax)
			p->tmax = p->pending_t;
		p->has_pending = false;
		playhead_snap_maybe(p, p->pending_t);
	}
	while (!p->at_end) {
		rc = playhead_next(p, &ev, &e);
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
				if (!p->opts.quiet && p->opts.warn)
					p->opts.warn(p->opts.warn_user, &e);
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
		if (ev.time_ns > p->tmax)
			p->tmax = ev.time_ns;
		fed += ev.data_len + 16;
		p->fed_since += ev.data_len;
		playhead_snap_maybe(p, ev.time_ns);
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

int64_t playhead_last_time(const playhead_t *p)
{
	return p->tmax > 0 ? p->tmax : 0;
}

unsigned long playhead_restores(const playhead_t *p)
{
	return p->restores;
}

size_t playhead_snapshots(const playhead_t *p, size_t *bytes)
{
	if (bytes)
		*bytes = p->snap_bytes;
	return p->n_snaps;
}
