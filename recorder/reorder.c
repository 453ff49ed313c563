/* reorder: merge events of all sources by time within a window of W ns.
 *
 * Held events live in one array kept sorted by time (stable: equal times
 * keep their arrival order), consumed from `head`. Events arrive almost in
 * order, so insertion scans from the back and rarely moves anything. */
#include "reorder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REORDER_DEFAULT_MAX (4u << 20)

typedef struct rq_event {
	int64_t t;
	char code[8];
	char *data;
	size_t len;
} rq_event_t;

struct reorder {
	int64_t window;
	size_t max_bytes;
	reorder_out_fn out;
	void *user;
	rq_event_t *ev;
	size_t head, n, cap;  /* live events are ev[head..n) */
	size_t bytes;         /* data bytes held */
	int64_t last;         /* time of the last event handed out */
	unsigned long late;
	int64_t max_late;     /* the largest clamp, ns */
	int err;              /* first output error */
};

int reorder_new(reorder_t **out, int64_t window_ns, size_t max_bytes,
		reorder_out_fn fn, void *user)
{
	reorder_t *r = calloc(1, sizeof *r);

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->window = window_ns < 0 ? 0 : window_ns;
	r->max_bytes = max_bytes ? max_bytes : REORDER_DEFAULT_MAX;
	r->out = fn;
	r->user = user;
	r->last = INT64_MIN;
	*out = r;
	return 0;
}

/* Hand one event to the output, clamping it to the last time out. */
static int rq_emit(reorder_t *r, int64_t t, const char *code, const char *data,
		   size_t len)
{
	int ret;

	if (t < r->last)
		t = r->last;
	r->last = t;
	ret = r->out(r->user, t, code, data, len);
	if (ret < 0 && !r->err)
		r->err = ret;
	return ret;
}

/* Hand out the oldest held event and release it. */
static int rq_pop(reorder_t *r)
{
	rq_event_t *e = &r->ev[r->head++];
	int ret = rq_emit(r, e->t, e->code, e->data, e->len);

	r->bytes -= e->len;
	free(e->data);
	if (r->head == r->n)
		r->head = r->n = 0;
	return ret;
}

/* Room for one more event at the end of the array. */
static int rq_grow(reorder_t *r)
{
	if (r->head > 0 && r->head >= r->cap / 2) {
		memmove(r->ev, r->ev + r->head, (r->n - r->head) * sizeof *r->ev);
		r->n -= r->head;
		r->head = 0;
	}
	if (r->n < r->cap)
		return 0;
	size_t cap = r->cap ? 2 * r->cap : 64;
	rq_event_t *ev = realloc(r->ev, cap * sizeof *ev);
	if (!ev)
		return -ENOMEM;
	r->ev = ev;
	r->cap = cap;
	return 0;
}

int reorder_push(reorder_t *r, int64_t time_ns, const char *code,
		 const char *data, size_t len)
{
	size_t i, clen = strlen(code);
	int ret;

	if (clen >= sizeof r->ev[0].code)
		return -EINVAL;
	if (time_ns < r->last) {
		if (r->last - time_ns > r->max_late)
			r->max_late = r->last - time_ns;
		time_ns = r->last;
		r->late++;
	}
	if (r->window == 0 && r->head == r->n)
		return rq_emit(r, time_ns, code, data, len);
	if ((ret = rq_grow(r)) < 0)
		return ret;
	rq_event_t e = { .t = time_ns, .len = len };
	memcpy(e.code, code, clen + 1);
	e.data = malloc(len ? len : 1);
	if (!e.data)
		return -ENOMEM;
	if (len)
		memcpy(e.data, data, len);
	/* Insert after every event with a time <= ours. */
	for (i = r->n; i > r->head && r->ev[i - 1].t > time_ns; i--)
		;
	memmove(r->ev + i + 1, r->ev + i, (r->n - i) * sizeof *r->ev);
	r->ev[i] = e;
	r->n++;
	r->bytes += len;
	while (r->bytes > r->max_bytes && r->head < r->n)
		rq_pop(r);
	return r->err;
}

int reorder_drain(reorder_t *r, int64_t now_ns)
{
	int64_t limit = now_ns - r->window;

	while (r->head < r->n && r->ev[r->head].t <= limit)
		rq_pop(r);
	return r->err;
}

int64_t reorder_deadline(const reorder_t *r)
{
	if (r->head == r->n)
		return INT64_MAX;
	return r->ev[r->head].t + r->window;
}

int reorder_flush(reorder_t *r)
{
	while (r->head < r->n)
		rq_pop(r);
	return r->err;
}

unsigned long reorder_late(const reorder_t *r)
{
	return r->late;
}

int64_t reorder_max_late(const reorder_t *r)
{
	return r->max_late;
}

size_t reorder_held(const reorder_t *r)
{
	return r->n - r->head;
}

size_t reorder_held_bytes(const reorder_t *r)
{
	return r->bytes;
}

void reorder_free(reorder_t *r)
{
	if (!r)
		return;
	for (size_t i = r->head; i < r->n; i++)
		free(r->ev[i].data);
	free(r->ev);
	free(r);
}
