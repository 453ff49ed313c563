/* rec_pipe: the event pipeline from the session and sources to the file
 * (see rec_pipe.h). */
#include "rec_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec_header.h"
#include "redact.h"
#include "reorder.h"
#include "tracecast/cast_writer.h"
#include "tracecast/tc_clock.h"
#include "tracecast/utf8.h"

struct rec_pipe {
	rec_pipe_opts_t o;
	rec_file_t *f;
	cast_writer_t *w;
	reorder_t *rq;
	redact_t *rd;
	redact_stream_t *rs_o, *rs_i;
	utf8_carry_t carry_o, carry_i;
	char *ubuf;                 /* UTF-8 repair output of one read */
	int64_t t0;                 /* CLOCK_MONOTONIC of time 0 */
	int64_t offset;             /* append: time of the file's last event */
	bool dirty;                 /* written since the last flush */
	int64_t next_flush;
	int werr;                   /* first write error (recording stopped) */
	int64_t werr_t;             /* when, since time 0 */
	bool count_room;            /* the header has room for the count */
	rec_emit_t emit;
	/* pause (the prefix key alone, or prefix p): spans of CLOCK_MONOTONIC
	 * left out of the recording, the last one open (end INT64_MAX) while
	 * paused */
	struct rec_pipe_pause { int64_t start, end; } *pauses;
	size_t n_pauses;
	/* the oldest event a source still holds back (perf while a library's
	 * symbols load), INT64_MAX for none: nothing at or after it is
	 * written meanwhile, so it is not late when it comes */
	int64_t hold;
};

/* a + b for times, saturated at the latest time a reader takes
 * (CAST_TIME_MAX_NS: an appended file's last event may be close to it). */
static int64_t rec_pipe_time_add(int64_t a, int64_t b)
{
	int64_t s;

	if (__builtin_add_overflow(a, b, &s) || s > CAST_TIME_MAX_NS)
		return b > 0 ? CAST_TIME_MAX_NS : INT64_MIN;
	return s;
}

/* The writer failed: keep the session going, stop writing. */
static void rec_pipe_failed(rec_pipe_t *p, int err, int64_t t)
{
	if (p->werr)
		return;
	p->werr = err;
	p->werr_t = t;
}

/* The monotonic time mono_ns with the paused spans left out; *drop when
 * it falls inside one (an exit, a count, a marker or a resize is kept, at
 * the pause's start, instead). */
static int64_t rec_pipe_unpaused(const rec_pipe_t *p, int64_t mono_ns, const char *code,
				 bool *drop)
{
	int64_t shift = 0;

	*drop = false;
	for (size_t i = 0; i < p->n_pauses; i++) {
		const struct rec_pipe_pause *s = &p->pauses[i];
		if (mono_ns >= s->end) {
			shift += s->end - s->start;
		} else if (mono_ns >= s->start) {
			*drop = !strchr("xtmr", code[0]) || code[1];
			return s->start - shift;
		}
	}
	return mono_ns - shift;
}

/* Output of the reorder window: one event to the writer. */
static int rec_pipe_write(void *user, int64_t mono_ns, const char *code,
			  const char *data, size_t len)
{
	rec_pipe_t *p = user;
	bool drop;
	int64_t t = rec_pipe_unpaused(p, mono_ns, code, &drop) - p->t0;
	int ret;

	if (p->werr || drop)
		return 0;
	ret = cast_writer_event(p->w, rec_pipe_time_add(p->offset, t), code, data, len);
	if (ret < 0) {
		rec_pipe_failed(p, ret, t);
		return 0;
	}
	if (!p->dirty) {
		p->dirty = true;
		p->next_flush = tc_clock_mono_ns() + (int64_t)p->o.flush_ms * 1000000;
	}
	return 0;
}

/* Into the reorder window. */
static void rec_pipe_put(rec_pipe_t *p, int64_t mono_ns, const char *code, const char *data,
			 size_t len)
{
	if (reorder_push(p->rq, mono_ns, code, data, len) == -ENOMEM)
		rec_pipe_failed(p, -ENOMEM, mono_ns - p->t0);
}

static void rec_pipe_put_o(void *user, int64_t t, const char *data, size_t len)
{
	rec_pipe_put(user, t, "o", data, len);
}

static void rec_pipe_put_i(void *user, int64_t t, const char *data, size_t len)
{
	rec_pipe_put(user, t, "i", data, len);
}

/* A byte stream (o or i): repair, redact, reorder. (Skipping the repair
 * copy for reads found valid by utf8_valid() was measured: no faster.) */
static void rec_pipe_stream(rec_pipe_t *p, int64_t now, const char *buf, size_t len,
			    bool final, utf8_carry_t *carry, redact_stream_t *rs,
			    redact_emit_fn put)
{
	size_t n = utf8_repair(carry, buf, len, p->ubuf, final);

	if (rs)
		redact_stream_feed(rs, now, p->ubuf, n, final, put, p);
	else if (n)
		put(p, now, p->ubuf, n);
}

static void rec_pipe_on_output(void *user, int64_t now, const char *buf, size_t len)
{
	rec_pipe_t *p = user;

	rec_pipe_stream(p, now, buf, len, false, &p->carry_o, p->rs_o, rec_pipe_put_o);
}

static void rec_pipe_on_input(void *user, int64_t now, const char *buf, size_t len)
{
	rec_pipe_t *p = user;

	if (p->o.capture_stdin)
		rec_pipe_stream(p, now, buf, len, false, &p->carry_i, p->rs_i, rec_pipe_put_i);
}

static void rec_pipe_on_marker(void *user, int64_t now)
{
	rec_pipe_put(user, now, "m", "", 0);
}

static void rec_pipe_on_resize(void *user, int64_t now, unsigned cols, unsigned rows)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ux%u", cols, rows);

	rec_pipe_put(user, now, "r", buf, (size_t)n);
}

void rec_pipe_resize(rec_pipe_t *p, int64_t mono_ns, unsigned cols, unsigned rows)
{
	rec_pipe_on_resize(p, mono_ns, cols, rows);
}

/* Events of the sources (strace, profilers, control socket). */
static void rec_pipe_on_source(void *user, int64_t mono_ns, const char *code,
			       const char *data, size_t len)
{
	rec_pipe_t *p = user;
	char *fixed = NULL, *red = NULL;
	size_t n;

	if (!utf8_valid(data, len)) {
		utf8_carry_t c;
		utf8_carry_init(&c);
		fixed = malloc(UTF8_REPAIR_MAX(len));
		if (!fixed)
			return;
		len = utf8_repair(&c, data, len, fixed, true);
		data = fixed;
	}
	if (p->rd) {
		red = code[0] == 's' && !code[1]
			? redact_strace(p->rd, data, len, p->o.redact_keep_buffers, &n)
			: redact_apply(p->rd, data, len, &n);
		if (!red) {
			free(fixed);
			return; /* never write it unfiltered */
		}
		data = red;
		len = n;
	}
	rec_pipe_put(p, mono_ns, code, data, len);
	free(red);
	free(fixed);
}

/* When the loop must wake at the latest. The reorder window's events are
 * due one by one, and the writer's flush at its own time, but tick runs
 * after every wake-up and does all that is due then; so the loop's own
 * wake-up for them is put off to the next point of the batch grid
 * (REC_BATCH_NS): at most 20 wake-ups a second, not one per event time
 * (the python sampler stamps 100 a second), shared with the control
 * socket's batch reads and the proc sampler's ticks. An event is written,
 * and the file flushed, at most REC_BATCH_NS after it is due. */
static int64_t rec_pipe_deadline(void *user)
{
	rec_pipe_t *p = user;
	int64_t d = reorder_deadline(p->rq);

	/* held redaction bytes go out when they are a window old */
	for (int k = 0; k < 2; k++) {
		int64_t h = redact_stream_held_since(k ? p->rs_i : p->rs_o);
		if (h != INT64_MAX && h + p->o.window < d)
			d = h + p->o.window;
	}
	/* held back by a source: its release (the source's own wake-up)
	 * is the next chance */
	if (d != INT64_MAX && p->hold != INT64_MAX && d - p->o.window >= p->hold)
		d = INT64_MAX;
	if (p->dirty && p->next_flush < d)
		d = p->next_flush;
	/* the first grid point at or after d */
	return d == INT64_MAX ? d : rec_batch_next(d - 1, REC_BATCH_NS);
}

static void rec_pipe_tick(void *user, int64_t now)
{
	rec_pipe_t *p = user;

	/* first what redaction held a window long, stamped with its read
	 * times: not late for the drain that follows */
	if (p->rs_o)
		redact_stream_expire(p->rs_o, now, p->o.window, rec_pipe_put_o, p);
	if (p->rs_i)
		redact_stream_expire(p->rs_i, now, p->o.window, rec_pipe_put_i, p);
	int64_t lim = now;
	if (p->hold != INT64_MAX && p->hold - 1 + p->o.window < lim)
		lim = p->hold - 1 + p->o.window; /* events before the hold only */
	reorder_drain(p->rq, lim);
	if (p->dirty && now >= p->next_flush) {
		p->dirty = false;
		if (!p->werr) {
			int ret = cast_writer_flush(p->w);
			/* --overwrite: the new recording takes the old one's
			 * place once it has something in it */
			if (ret == 0)
				ret = rec_file_commit(p->f, p->o.notes);
			if (ret < 0)
				rec_pipe_failed(p, ret, now - p->t0);
		}
	}
}

int rec_pipe_new(rec_pipe_t **out, const rec_pipe_opts_t *o, char *err, size_t errsize)
{
	rec_pipe_t *p = calloc(1, sizeof *p);
	int ret = -ENOMEM;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->o = *o;
	p->f = o->file;
	p->hold = INT64_MAX;
	utf8_carry_init(&p->carry_o);
	utf8_carry_init(&p->carry_i);
	p->emit = (rec_emit_t){ .emit = rec_pipe_on_source, .user = p };
	if (!(p->ubuf = malloc(UTF8_REPAIR_MAX(REC_SESSION_READ))))
		goto fail;
	if (o->n_redact) {
		ret = redact_new(&p->rd, o->redact, o->n_redact, err, errsize);
		if (ret < 0)
			goto fail;
		ret = -ENOMEM;
		p->rs_o = redact_stream_new(p->rd);
		p->rs_i = redact_stream_new(p->rd);
		if (!p->rs_o || !p->rs_i)
			goto fail;
	}
	if (reorder_new(&p->rq, o->window, 0, rec_pipe_write, p) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	rec_pipe_free(p);
	return ret;
}

int rec_pipe_pause(rec_pipe_t *p, int64_t now, bool paused)
{
	char label[64];

	if (paused) {
		struct rec_pipe_pause *s = realloc(p->pauses, (p->n_pauses + 1) * sizeof *s);
		if (!s)
			return -ENOMEM;
		p->pauses = s;
		s[p->n_pauses++] = (struct rec_pipe_pause){ now, INT64_MAX };
	} else if (p->n_pauses && p->pauses[p->n_pauses - 1].end == INT64_MAX) {
		struct rec_pipe_pause *s = &p->pauses[p->n_pauses - 1];
		s->end = now;
		/* where the cut is: a marker at the resume (= the pause's start
		 * in the recording's time) */
		int n = snprintf(label, sizeof label, "paused %.1f s", (double)(now - s->start) / 1e9);
		rec_pipe_put(p, now, "m", label, (size_t)n);
	}
	return 0;
}

static void rec_pipe_on_pause(void *user, int64_t now, bool paused)
{
	rec_pipe_t *p = user;

	if (rec_pipe_pause(p, now, paused) == 0 && p->o.paused)
		p->o.paused(p->o.paused_user, paused);
}

static void rec_pipe_hold(void *user, int64_t oldest_ns)
{
	rec_pipe_t *p = user;

	p->hold = oldest_ns;
}

void rec_pipe_callbacks(rec_pipe_t *p, rec_session_cbs_t *cbs)
{
	(void)p;
	*cbs = (rec_session_cbs_t){
		.output = rec_pipe_on_output, .input = rec_pipe_on_input,
		.marker = rec_pipe_on_marker, .pause = rec_pipe_on_pause,
		.resize = rec_pipe_on_resize,
		.deadline = rec_pipe_deadline, .tick = rec_pipe_tick,
		.hold = rec_pipe_hold,
	};
}

const rec_emit_t *rec_pipe_emit(rec_pipe_t *p)
{
	return &p->emit;
}

/* Open the writer; in append mode the header goes to /dev/null and the
 * file is put under the writer's fd afterwards (the writer always starts
 * with a header). */
static int rec_pipe_writer(rec_pipe_t *p, json_t *header)
{
	cast_writer_opts_t wo = { .version = 2, .gzip = p->f->gzip };
	int ret, fd = p->f->fd;

	if (p->f->appending) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		wo.close_fd = true;
	}
	ret = cast_writer_open_fd(&p->w, fd, &wo);
	if (ret < 0) {
		if (p->f->appending)
			close(fd);
		return ret;
	}
	ret = cast_writer_header(p->w, header);
	if (ret < 0 || !p->f->appending)
		return ret;
	if (dup3(p->f->fd, fd, O_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int rec_pipe_start(rec_pipe_t *p, json_t *header, int64_t t0)
{
	int ret;

	p->t0 = t0;
	if (p->f->appending)
		p->offset = p->f->last_ns;
	/* (appending, the header goes nowhere: nothing to redact or count) */
	if (p->rd && !p->f->appending && (ret = rec_header_redact(header, p->rd)) < 0)
		return ret;
	if ((ret = rec_pipe_writer(p, header)) < 0)
		return ret;
	/* Room for the redaction count: after a fresh header, or in the
	 * header of the recording appended to (from an earlier --redact). */
	if (p->rd && p->f->patchable)
		p->count_room = p->f->appending || rec_file_pad_header(p->f->fd) == 0;
	return 0;
}

void rec_pipe_finish(rec_pipe_t *p, int code)
{
	int64_t end = tc_clock_mono_ns();
	char buf[64];
	int ret, n;

	rec_pipe_stream(p, end, "", 0, true, &p->carry_o, p->rs_o, rec_pipe_put_o);
	if (p->o.capture_stdin)
		rec_pipe_stream(p, end, "", 0, true, &p->carry_i, p->rs_i, rec_pipe_put_i);
	reorder_flush(p->rq);
	if (p->rd && !p->werr) {
		/* The count goes into the header's reserved room, or else into a
		 * "t" event before the last one. */
		unsigned long count = redact_count(p->rd);
		bool patched = p->count_room &&
			(count == 0 || rec_file_patch_count(p->f->fd, count) == 0);
		if (!patched) {
			n = snprintf(buf, sizeof buf, "{\"redactions\":%lu}", count);
			rec_pipe_write(p, end, "t", buf, (size_t)n);
		}
	}
	n = snprintf(buf, sizeof buf, "%d", code);
	rec_pipe_write(p, end, "x", buf, (size_t)n);
	ret = cast_writer_close(p->w);
	if (ret == 0 || p->werr)
		ret = rec_file_commit(p->f, p->o.notes);
	if (ret < 0)
		rec_pipe_failed(p, ret, end - p->t0);
}

int rec_pipe_write_error(const rec_pipe_t *p, int64_t *when_ns)
{
	if (when_ns)
		*when_ns = p->werr_t;
	return p->werr;
}

unsigned long rec_pipe_redacted(const rec_pipe_t *p)
{
	return p->rd ? redact_count(p->rd) : 0;
}

unsigned long rec_pipe_late(const rec_pipe_t *p)
{
	return reorder_late(p->rq);
}

int64_t rec_pipe_max_late(const rec_pipe_t *p)
{
	return reorder_max_late(p->rq);
}

bool rec_pipe_redacting(const rec_pipe_t *p)
{
	return p->rd != NULL;
}

void rec_pipe_free(rec_pipe_t *p)
{
	if (!p)
		return;
	cast_writer_free(p->w);
	reorder_free(p->rq);
	redact_stream_free(p->rs_o);
	redact_stream_free(p->rs_i);
	redact_free(p->rd);
	free(p->pauses);
	free(p->ubuf);
	free(p);
}
