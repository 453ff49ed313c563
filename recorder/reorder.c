/* reorder: merge events of all sources by time within a window of W ns.
 *
 * Held events live in one array kept sorted by time (stable: equal times
 * keep their arrival order), consumed from `head`. Events arrive almost in
 * order, so insertion scans from the back and rarely moves anything.
 *
 * Their data is copied into slabs (RQ_SLAB bytes, filled in arrival order)
 * rather than one malloc per event: a strace line is ~100 bytes, 20,000 a
 * second, and malloc/free of each was ~15% of the recorder's CPU. A slab
 * counts its live events and is recycled when the last one is out. */
#include "reorder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REORDER_DEFAULT_MAX (4u << 20)
#define RQ_SLAB (64u << 10)   /* bytes of data per slab */
#define RQ_BIG (RQ_SLAB / 4)  /* bigger events get a slab of their own */

typedef struct rq_slab {
	size_t used, cap;
	size_t live;           /* events whose data is here */
	char data[];
} rq_slab_t;

typedef struct rq_event {
	int64_t t;
	char code[8];
	char *data;
	size_t len;
	rq_slab_t *slab;
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
	rq_slab_t *cur;       /* the slab being filled */
	rq_slab_t *spare;     /* one empty RQ_SLAB slab kept for reuse */
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

static rq_slab_t *rq_slab_new(size_t cap)
{
	rq_slab_t *b = malloc(sizeof *b + cap);

	if (b) {
		b->used = b->live = 0;
		b->cap = cap;
	}
	return b;
}

/* Copy len bytes into a slab; *slab_out is where they live. */
static char *rq_store(reorder_t *r, const char *data, size_t len, rq_slab_t **slab_out)
{
	rq_slab_t *b;

	if (len > RQ_BIG) {
		b = rq_slab_new(len);
	} else {
		b = r->cur;
		if (!b || b->cap - b->used < len) {
			b = r->spare;
			if (b)
				r->spare = NULL;
			else
				b = rq_slab_new(RQ_SLAB);
			if (!b)
				return NULL;
			r->cur = b; /* the old one goes when its last event does */
		}
	}
	if (!b)
		return NULL;
	char *p = b->data + b->used;
	if (len)
		memcpy(p, data, len);
	b->used += len;
	b->live++;
	*slab_out = b;
	return p;
}

/* One event of slab b is out: recycle b once it holds none. */
static void rq_release(reorder_t *r, rq_slab_t *b)
{
	if (--b->live)
		return;
	if (b == r->cur) {
		b->used = 0; /* empty: fill it again from the start */
		return;
	}
	if (b->cap == RQ_SLAB && !r->spare) {
		b->used = 0;
		r->spare = b;
	} else {
		free(b);
	}
}

/* Hand out the oldest held event and release it. */
static int rq_pop(reorder_t *r)
{
	rq_event_t *e = &r->ev[r->head++];
	int ret = rq_emit(r, e->t, e->code, e->data, e->len);

	r->bytes -= e->len;
	rq_release(r, e->slab);
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
	e.data = rq_store(r, data, len, &e.slab);
	if (!e.data)
		return -ENOMEM;
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
	/* every slab with live events is referenced by one of them */
	for (size_t i = r->head; i < r->n; i++) {
		rq_slab_t *b = r->ev[i].slab;
		if (b && b != r->cur && --b->live == 0)
			free(b);
	}
	free(r->cur);
	free(r->spare);
	free(r->ev);
	free(r);
}
