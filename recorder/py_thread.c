/* py_thread: one thread's stack, read from outside and checked (see
 * the header). */
#include "py_thread.h"

#if PYO_OK

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "py_walk.h" /* PY_WALK_MAX_DEPTH */

#define PT_SEEN_CAP 4096         /* > 2 * PY_WALK_MAX_DEPTH */
#define PT_STACK_MAX (16 * 1024) /* bytes of a thread's frame stack read at once */
#define PT_WIN 8192              /* a window read under a frame met outside them */
#define PT_NWIN 4                /* windows per walk (>= PY_THREAD_GW) */

/* What the last walks of a thread state found: the next walk guesses one
 * of the last PT_CFG _PyCFrames (the C stack holds one per entry into the
 * eval loop: a thread that waits in different places moves between a
 * few) and the data-stack range up to the highest top seen in the chunk,
 * and reads them with the thread state in one call (a guess that proves
 * wrong is read again). */
#define PT_CFG 8
#define PT_STACK_SLACK 512      /* bytes read above the highest top seen */
#define PT_CSPAN 8192           /* bytes of C stack read around the recent _PyCFrames */
typedef struct pt_tsc {
	uint64_t ts, chunk, stop, smax;
	uint64_t cf[PT_CFG];        /* most recent first */
	uint64_t wlo[PY_THREAD_GW], whi[PY_THREAD_GW]; /* the windows of its last walk */
	size_t nw;
	unsigned long tid;          /* its native id then */
} pt_tsc_t;
#define PT_TSC 64

struct py_thread {
	pid_t pid;
	uint64_t code_type;
	py_names_t *names;          /* not owned */
	py_mem_frame_t *frames;
	uint64_t *seen;
	unsigned *seen_gen;
	unsigned gen;
	struct iovec *liov, *riov;
	unsigned char *verify;      /* the re-read of a chain */
	unsigned char *stack;       /* the top of the thread's frame stack */
	unsigned char *stack2;      /* the same range, read again in the same call */
	unsigned char *cspan;       /* the C stack around its recent _PyCFrames */
	uint64_t stack_lo, stack_hi; /* its addresses in the process */
	pt_tsc_t tsc[PT_TSC];
	unsigned char *win[PT_NWIN]; /* windows under frames met outside it */
	unsigned char *win2[PY_THREAD_GW]; /* the guessed ones, read again in the same call */
	uint64_t win_lo[PT_NWIN], win_hi[PT_NWIN];
	size_t n_win;
};

py_thread_t *py_thread_new(pid_t pid, uint64_t code_type, py_names_t *names)
{
	py_thread_t *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->pid = pid;
	w->code_type = code_type;
	w->names = names;
	w->frames = malloc(PY_WALK_MAX_DEPTH * sizeof *w->frames);
	w->seen = malloc(PT_SEEN_CAP * sizeof *w->seen);
	w->seen_gen = calloc(PT_SEEN_CAP, sizeof *w->seen_gen);
	w->liov = malloc((2 * PY_WALK_MAX_DEPTH + PT_NWIN + 4) * sizeof *w->liov);
	w->riov = malloc((2 * PY_WALK_MAX_DEPTH + PT_NWIN + 4) * sizeof *w->riov);
	w->verify = malloc(PT_STACK_MAX + PT_NWIN * PT_WIN + PY_WALK_MAX_DEPTH * PY_MEM_FR_BYTES);
	w->stack = malloc(PT_STACK_MAX);
	w->stack2 = malloc(PT_STACK_MAX);
	w->cspan = malloc(PT_CSPAN);
	bool ok = w->frames && w->seen && w->seen_gen && w->liov && w->riov && w->verify &&
		  w->stack && w->stack2 && w->cspan;
	for (size_t i = 0; i < PT_NWIN; i++)
		if (!(w->win[i] = malloc(PT_WIN)))
			ok = false;
	for (size_t i = 0; i < PY_THREAD_GW; i++)
		if (!(w->win2[i] = malloc(PT_WIN)))
			ok = false;
	if (!ok) {
		py_thread_free(w);
		return NULL;
	}
	return w;
}

void py_thread_free(py_thread_t *w)
{
	if (!w)
		return;
	free(w->frames);
	free(w->seen);
	free(w->seen_gen);
	free(w->liov);
	free(w->riov);
	free(w->verify);
	free(w->stack);
	free(w->stack2);
	free(w->cspan);
	for (size_t i = 0; i < PT_NWIN; i++)
		free(w->win[i]);
	for (size_t i = 0; i < PY_THREAD_GW; i++)
		free(w->win2[i]);
	free(w);
}

bool py_thread_known(const py_thread_t *w, uint64_t ts, unsigned long *tid)
{
	const pt_tsc_t *g = &w->tsc[(ts >> 4) % PT_TSC];
	*tid = g->tid;
	return g->ts == ts;
}

/* Has the chain walk met addr before? (adds it) */
static bool pt_seen(py_thread_t *w, uint64_t addr)
{
	size_t i = (size_t)((addr >> 3) * 0x9e3779b97f4a7c15ULL >> 40) & (PT_SEEN_CAP - 1);
	for (; w->seen_gen[i] == w->gen; i = (i + 1) & (PT_SEEN_CAP - 1))
		if (w->seen[i] == addr)
			return true;
	w->seen_gen[i] = w->gen;
	w->seen[i] = addr;
	return false;
}

/* Add the chain's code objects to the iovecs at *k. */
static void pt_add_codes(py_thread_t *w, size_t n, size_t *k)
{
	for (size_t i = 0; i < n; i++) {
		w->liov[*k] = (struct iovec){ w->frames[i].code, PY_MEM_CO_BYTES };
		w->riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)py_mem_rd64(w->frames[i].raw, PYO_FR_CODE),
						  PY_MEM_CO_BYTES };
	}
}

/* The code objects of the chain only, in one call (the chain is a
 * snapshot already: see the header). 0 or -errno (-EAGAIN: unreadable). */
static int pt_read_codes(py_thread_t *w, size_t n)
{
	size_t k = 0;
	pt_add_codes(w, n, &k);
	int r = k ? py_mem_readv(w->pid, w->liov, w->riov, k) : 0;
	return r == -EFAULT ? -EAGAIN : r;
}

/* Are two copies of a frame the same for the chain's purposes (its code,
 * globals, link and owner; for a caller, i > 0, its instruction too)? */
static bool pt_frame_same(const unsigned char *a, const unsigned char *b, size_t i)
{
	return py_mem_rd64(a, PYO_FR_CODE) == py_mem_rd64(b, PYO_FR_CODE) &&
	       py_mem_rd64(a, PYO_FR_GLOBALS) == py_mem_rd64(b, PYO_FR_GLOBALS) &&
	       py_mem_rd64(a, PYO_FR_PREVIOUS) == py_mem_rd64(b, PYO_FR_PREVIOUS) &&
	       (i == 0 || py_mem_rd64(a, PYO_FR_PREV_INSTR) == py_mem_rd64(b, PYO_FR_PREV_INSTR)) &&
	       a[PYO_FR_OWNER] == b[PYO_FR_OWNER];
}

/* Read the chain again in ONE call, framed by two reads of the thread's
 * _PyCFrame pointer: [tstate->cframe, cframe->current_frame, every frame,
 * tstate->cframe]. 0 when nothing changed, -EAGAIN when something did,
 * -errno. The _PyCFrame lives on the C stack, where a later activation
 * reuses its address and a finished one leaves a stale current_frame, so
 * it must be the thread's at both ends; the callers' prev_instr (fixed
 * while their callee runs) must be unchanged too, so a stack that was
 * unwound and built again in between is caught unless it came back to
 * the very same instructions. */
static int pt_verify(py_thread_t *w, uint64_t ts, uint64_t cframe, uint64_t top, size_t n,
		     bool codes)
{
	uint64_t cf0 = 0, cf1 = 0, now_top = 0;
	uint64_t lo[1 + PT_NWIN], hi[1 + PT_NWIN];
	size_t at[1 + PT_NWIN], k = 2, used = 0;
	w->liov[0] = (struct iovec){ &cf0, 8 };
	w->riov[0] = (struct iovec){ (void *)(uintptr_t)(ts + PYO_TS_CFRAME), 8 };
	w->liov[1] = (struct iovec){ &now_top, 8 };
	w->riov[1] = (struct iovec){ (void *)(uintptr_t)(cframe + PYO_CF_CURRENT_FRAME), 8 };
	/* frames read from one block are read again as one span of it (the
	 * kernel pins each range's pages: one range, not one per frame) */
	for (size_t j = 0; j <= PT_NWIN; j++)
		lo[j] = UINT64_MAX, hi[j] = 0;
	for (size_t i = 0; i < n; i++) {
		const py_mem_frame_t *f = &w->frames[i];
		if (f->where < 0)
			continue;
		if (f->addr < lo[f->where])
			lo[f->where] = f->addr;
		if (f->addr + PY_MEM_FR_BYTES > hi[f->where])
			hi[f->where] = f->addr + PY_MEM_FR_BYTES;
	}
	for (size_t j = 0; j <= PT_NWIN; j++) {
		if (!hi[j])
			continue;
		at[j] = used;
		w->liov[k] = (struct iovec){ w->verify + used, (size_t)(hi[j] - lo[j]) };
		w->riov[k++] = (struct iovec){ (void *)(uintptr_t)lo[j], (size_t)(hi[j] - lo[j]) };
		used += (size_t)(hi[j] - lo[j]);
	}
	for (size_t i = 0; i < n; i++) {
		py_mem_frame_t *f = &w->frames[i];
		if (f->where >= 0) {
			f->vat = at[f->where] + (size_t)(f->addr - lo[f->where]);
			continue;
		}
		f->vat = used;
		w->liov[k] = (struct iovec){ w->verify + used, PY_MEM_FR_BYTES };
		w->riov[k++] = (struct iovec){ (void *)(uintptr_t)f->addr, PY_MEM_FR_BYTES };
		used += PY_MEM_FR_BYTES;
	}
	/* the code objects too, after the frames that hold them: a frame
	 * unchanged at the check held its code, so what is read is that code */
	if (codes)
		pt_add_codes(w, n, &k);
	w->liov[k] = (struct iovec){ &cf1, 8 };
	w->riov[k++] = w->riov[0];
	int r = py_mem_readv(w->pid, w->liov, w->riov, k);
	if (r < 0)
		return r == -EFAULT ? -EAGAIN : r;
	if (cf0 != cframe || cf1 != cframe || now_top != top)
		return -EAGAIN;
	for (size_t i = 0; i < n; i++)
		if (!pt_frame_same(w->frames[i].raw, w->verify + w->frames[i].vat, i))
			return -EAGAIN;
	return 0;
}

/* Is the chain just walked a snapshot of the first call (see the
 * header)? q: that call's guess, got its bytes, cframe and top as read
 * in it, stack_from_guess: the walk's stack buffer is the guess (else
 * its frames were read later). */
static bool pt_snapshot(const py_thread_t *w, const py_thread_guess_t *q, size_t got,
			uint64_t cframe, uint64_t top, bool stack_from_guess, size_t n)
{
	if (!q->end_snap || got < q->end_snap || q->cf != cframe ||
	    q->cframe2 != cframe || q->top2 != top)
		return false;
	for (size_t i = 0; i < n; i++) {
		const py_mem_frame_t *f = &w->frames[i];
		size_t j = (size_t)(f->where - 1);
		const unsigned char *again;
		if (f->where == 0 && stack_from_guess)
			again = w->stack2 + (f->addr - q->glo);
		else if (f->where > 0 && j < q->nw) /* a window of the guess */
			again = w->win2[j] + (f->addr - q->wlo[j]);
		else
			return false; /* read alone, or by a window of its own */
		if (!pt_frame_same(f->raw, again, i))
			return false;
	}
	return true;
}

/* Append to text; -ENOMEM. */
static int pt_text(py_thread_text_t *text, const char *s, size_t n)
{
	if (text->len + n > text->cap) {
		size_t cap = text->cap ? text->cap : 4096;
		while (cap < text->len + n)
			cap *= 2;
		char *p = realloc(text->s, cap);
		if (!p)
			return -ENOMEM;
		text->s = p;
		text->cap = cap;
	}
	memcpy(text->s + text->len, s, n);
	text->len += n;
	return 0;
}

/* Read the frame at f into out: from the top chunk read at the start of
 * the walk, from a window read earlier in it, or else with a window of
 * its own: a frame's callers are below it in the same chunk (an older
 * chunk, a greenlet's), so the PT_WIN bytes that end with it are read in
 * one call (the window is cut to f's own page if that fails: the bytes
 * below may not be mapped). 0, or -errno. */
static int pt_frame_at(py_thread_t *w, uint64_t f, unsigned char *out, int *where)
{
	/* (f is what the process held: any value; no sum may wrap) */
	if (f >= w->stack_lo && f < w->stack_hi && w->stack_hi - f >= PY_MEM_FR_BYTES) {
		memcpy(out, w->stack + (f - w->stack_lo), PY_MEM_FR_BYTES);
		*where = 0;
		return 0;
	}
	for (size_t i = 0; i < w->n_win; i++)
		if (f >= w->win_lo[i] && f < w->win_hi[i] && w->win_hi[i] - f >= PY_MEM_FR_BYTES) {
			memcpy(out, w->win[i] + (f - w->win_lo[i]), PY_MEM_FR_BYTES);
			*where = 1 + (int)i;
			return 0;
		}
	*where = -1;
	if (w->n_win == PT_NWIN || f < PT_WIN || f > UINT64_MAX - PY_MEM_FR_BYTES)
		return py_mem_read(w->pid, f, out, PY_MEM_FR_BYTES);
	uint64_t hi = f + PY_MEM_FR_BYTES, lo = hi - PT_WIN;
	size_t k = w->n_win;
	if (py_mem_read(w->pid, lo, w->win[k], PT_WIN) < 0) {
		lo = f & ~(uint64_t)4095;
		if (py_mem_read(w->pid, lo, w->win[k], (size_t)(hi - lo)) < 0)
			return py_mem_read(w->pid, f, out, PY_MEM_FR_BYTES);
	}
	w->win_lo[k] = lo;
	w->win_hi[k] = hi;
	w->n_win++;
	memcpy(out, w->win[k] + (f - lo), PY_MEM_FR_BYTES);
	*where = 1 + (int)k;
	return 0;
}

bool py_thread_in_set(unsigned long tid, const unsigned long *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == tid)
			return true;
	return false;
}

/* The first read of ts, with its guesses (see the header). */
void py_thread_guess_add(py_thread_t *w, uint64_t ts, const unsigned long *same, size_t n_same,
			 py_thread_guess_t *q, struct iovec *liov, struct iovec *riov, size_t *k,
			 size_t *bytes)
{
	pt_tsc_t *g = &w->tsc[(ts >> 4) % PT_TSC];
	q->nw = 0;
	q->glo = q->ghi = q->clo = q->chi = 0;
	q->end_snap = 0;
	liov[*k] = (struct iovec){ q->h, sizeof q->h };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)ts, sizeof q->h };
	*bytes += sizeof q->h;
	q->end_h = *bytes;
	if (g->ts != ts || !g->cf[0] || py_thread_in_set(g->tid, same, n_same)) {
		q->end_stack = q->end_c = *bytes;
		return;
	}
	for (; q->nw < g->nw; q->nw++) {
		q->wlo[q->nw] = g->wlo[q->nw];
		q->whi[q->nw] = g->whi[q->nw];
		size_t n = (size_t)(g->whi[q->nw] - g->wlo[q->nw]);
		liov[*k] = (struct iovec){ w->win[q->nw], n };
		riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)g->wlo[q->nw], n };
		*bytes += n;
		q->end_w[q->nw] = *bytes;
	}
	/* the stack last (a read stops at its first range that fails): up to
	 * a little above the highest top seen, not past that top's page (the
	 * chunk may end there) */
	uint64_t ghi = g->smax + PT_STACK_SLACK, base = g->chunk + PYO_CHUNK_DATA;
	uint64_t page_end = (g->smax + 4095) & ~(uint64_t)4095;
	if (ghi > page_end)
		ghi = page_end;
	uint64_t glo = ghi - PT_STACK_MAX > base ? ghi - PT_STACK_MAX : base;
	if (g->chunk && g->smax > glo && ghi > glo) {
		q->glo = glo;
		q->ghi = ghi;
		liov[*k] = (struct iovec){ w->stack, (size_t)(ghi - glo) };
		riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)glo, (size_t)(ghi - glo) };
		*bytes += (size_t)(ghi - glo);
	}
	q->end_stack = *bytes;
	/* the C stack around the recent _PyCFrames (greenlets and calls from
	 * C put the current one at a new place each time, near the others):
	 * the span of the most recent ones that fits PT_CSPAN, last again */
	uint64_t clo = g->cf[0], chi = g->cf[0] + PYO_CF_SIZE;
	for (size_t j = 1; j < PT_CFG && g->cf[j]; j++) {
		uint64_t lo = g->cf[j] < clo ? g->cf[j] : clo;
		uint64_t hi = g->cf[j] + PYO_CF_SIZE > chi ? g->cf[j] + PYO_CF_SIZE : chi;
		if (hi - lo > PT_CSPAN)
			continue;
		clo = lo;
		chi = hi;
	}
	q->clo = clo;
	q->chi = chi;
	liov[*k] = (struct iovec){ w->cspan, (size_t)(chi - clo) };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)clo, (size_t)(chi - clo) };
	*bytes += (size_t)(chi - clo);
	q->end_c = *bytes;
	if (!q->ghi)
		return;
	/* the second look (see the header) */
	q->cf = g->cf[0];
	liov[*k] = (struct iovec){ w->stack2, (size_t)(q->ghi - q->glo) };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)q->glo, (size_t)(q->ghi - q->glo) };
	*bytes += (size_t)(q->ghi - q->glo);
	for (size_t j = 0; j < q->nw; j++) {
		size_t n = (size_t)(q->whi[j] - q->wlo[j]);
		liov[*k] = (struct iovec){ w->win2[j], n };
		riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)q->wlo[j], n };
		*bytes += n;
	}
	liov[*k] = (struct iovec){ &q->cframe2, 8 };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)(ts + PYO_TS_CFRAME), 8 };
	liov[*k] = (struct iovec){ &q->top2, 8 };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)(q->cf + PYO_CF_CURRENT_FRAME), 8 };
	*bytes += 16;
	q->end_snap = *bytes;
}

/* One try at thread state ts (see the header). */
int py_thread_try(py_thread_t *w, uint64_t ts, uint64_t interp, bool last,
		  const unsigned long *same, size_t n_same, py_thread_guess_t *pre, size_t got,
		  py_thread_text_t *text, unsigned long *tid, uint64_t *next, size_t *off,
		  size_t *len)
{
	py_thread_guess_t own, *q = pre ? pre : &own;
	pt_tsc_t *g = &w->tsc[(ts >> 4) % PT_TSC];
	int r;
	py_names_prefetch_drop(w->names); /* what the last walk read ahead is not this one's */
	if (!pre) {
		size_t k = 0, bytes = 0;
		py_thread_guess_add(w, ts, same, n_same, q, w->liov, w->riov, &k, &bytes);
		ssize_t n = process_vm_readv(w->pid, w->liov, k, w->riov, k, 0);
		if (n < 0 && errno != EFAULT)
			return -errno;
		got = n < 0 ? 0 : (size_t)n;
	}
	if (got < q->end_h)
		return -EAGAIN;
	if (g->ts != ts)
		*g = (pt_tsc_t){ .ts = ts };
	const unsigned char *h = q->h;
	bool have_c = q->chi && got >= q->end_c;
	bool have_stack = q->ghi && got >= q->end_stack;
	if (py_mem_rd64(h, PYO_TS_INTERP) != interp)
		return -EAGAIN; /* not (any more) a thread state of interp */
	*tid = (unsigned long)py_mem_rd64(h, PYO_TS_NATIVE_ID);
	*next = py_mem_rd64(h, PYO_TS_NEXT);
	*off = text->len;
	*len = 0;
	g->tid = *tid;
	if (py_thread_in_set(*tid, same, n_same))
		return PY_THREAD_SAME;
	uint64_t cframe = py_mem_rd64(h, PYO_TS_CFRAME), top = 0;
	uint64_t chunk = py_mem_rd64(h, PYO_TS_DATASTACK_CHUNK);
	uint64_t stop = py_mem_rd64(h, PYO_TS_DATASTACK_TOP);
	if (chunk != g->chunk)
		g->smax = 0;
	g->chunk = chunk;
	g->stop = stop;
	if (stop > g->smax)
		g->smax = stop;
	if (!cframe)
		return 0;
	size_t hit = PT_CFG;
	for (size_t j = 0; j < PT_CFG; j++)
		if (g->cf[j] == cframe)
			hit = j;
	/* cframe to the front of the recent ones */
	memmove(g->cf + 1, g->cf, (hit < PT_CFG ? hit : PT_CFG - 1) * sizeof g->cf[0]);
	g->cf[0] = cframe;
	if (have_c && cframe >= q->clo && cframe < q->chi && q->chi - cframe >= PYO_CF_SIZE)
		top = py_mem_rd64(w->cspan, (size_t)(cframe - q->clo) + PYO_CF_CURRENT_FRAME);
	else if ((r = py_mem_read(w->pid, cframe + PYO_CF_CURRENT_FRAME, &top, 8)) < 0)
		return r == -EFAULT ? -EAGAIN : r;
	/* The frames of plain calls live in the thread's data stack: its top
	 * chunk is read in one call (its last PT_STACK_MAX bytes), so most
	 * frames of the chain cost no call of their own; the others (a
	 * generator's, an older chunk's, a greenlet's) through windows
	 * (pt_frame_at), the last walk's read with the state. What these
	 * reads give is checked like the rest. */
	w->stack_lo = w->stack_hi = 0;
	w->n_win = 0;
	bool stack_from_guess = false;
	for (size_t j = 0; j < q->nw && got >= q->end_w[j]; j++) {
		w->win_lo[j] = q->wlo[j];
		w->win_hi[j] = q->whi[j];
		w->n_win++;
	}
	if (chunk && stop > chunk + PYO_CHUNK_DATA) {
		uint64_t lo = chunk + PYO_CHUNK_DATA;
		if (stop - lo > PT_STACK_MAX)
			lo = stop - PT_STACK_MAX;
		if (have_stack && stop <= q->ghi && stop > q->glo) {
			/* the guess: the frames above glo come from it, the
			 * others (a deeper stack) through windows */
			w->stack_lo = q->glo;
			w->stack_hi = stop;
			stack_from_guess = true;
		} else if (py_mem_read(w->pid, lo, w->stack, (size_t)(stop - lo)) == 0) {
			w->stack_lo = lo;
			w->stack_hi = stop;
		}
	}
	size_t n = 0;
	w->gen++;
	if (w->gen == 0) { /* wrapped: every stamp is stale */
		memset(w->seen_gen, 0, PT_SEEN_CAP * sizeof *w->seen_gen);
		w->gen = 1;
	}
	for (uint64_t f = top; f; f = py_mem_rd64(w->frames[n - 1].raw, PYO_FR_PREVIOUS)) {
		if (n == PY_WALK_MAX_DEPTH)
			return -E2BIG;
		if (pt_seen(w, f))
			return -ELOOP;
		w->frames[n].addr = f;
		if ((r = pt_frame_at(w, f, w->frames[n].raw, &w->frames[n].where)) < 0)
			return r == -EFAULT ? -EAGAIN : r;
		n++;
	}
	/* A generator's frame is linked to its caller only while it runs:
	 * CPython clears its previous after each yield, without a push or a
	 * pop, and the thread's _PyCFrame lives on the C stack, where a new
	 * run of the generator puts it at the same address. So a chain that
	 * ends in a generator frame was read across a yield (the caller's
	 * frames are missing), however stable it reads: torn. (A generator
	 * run from C with no Python frame under it is dropped too.) */
	if (n && w->frames[n - 1].raw[PYO_FR_OWNER] == PYO_FRAME_OWNED_BY_GENERATOR)
		return -EAGAIN;
	/* the check, and the code objects, in one call; or the code objects
	 * alone when the chain is a snapshot of the first call */
	bool snap = pt_snapshot(w, q, got, cframe, top, stack_from_guess, n);
	if ((r = snap ? pt_read_codes(w, n) : pt_verify(w, ts, cframe, top, n, true)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (py_mem_rd64(w->frames[i].code, PYO_OB_TYPE) != w->code_type)
			return -EAGAIN;
	bool missed = false, first = true;
	py_names_prefetch(w->names, w->frames, n);
	for (size_t i = n; i-- > 0;) { /* root first */
		const py_mem_frame_t *f = &w->frames[i];
		uint64_t code = py_mem_rd64(f->raw, PYO_FR_CODE);
		uint64_t start = code + PYO_CO_CODE_ADAPTIVE +
				 (uint64_t)py_mem_rd32(f->code, PYO_CO_FIRSTTRACEABLE) * PYO_CODEUNIT_SIZE;
		/* a frame still being set up (before its first instruction) is
		 * not shown, as sys._current_frames() does not show it */
		if (f->raw[PYO_FR_OWNER] != PYO_FRAME_OWNED_BY_GENERATOR &&
		    py_mem_rd64(f->raw, PYO_FR_PREV_INSTR) < start)
			continue;
		const char *name;
		size_t nl;
		if ((r = py_names_get(w->names, f, last, &missed, &name, &nl)) < 0)
			return r;
		if ((!first && pt_text(text, ";", 1) < 0) || pt_text(text, name, nl) < 0)
			return -ENOMEM;
		first = false;
	}
	py_names_prefetch_drop(w->names);
	/* names read now were read after the check: check again (a
	 * snapshot's frames held their code objects, and so their names) */
	if (missed && !snap && (r = pt_verify(w, ts, cframe, top, n, false)) < 0) {
		text->len = *off;
		return r;
	}
	*len = text->len - *off;
	/* the windows this walk read: read with the state next time */
	g->nw = 0;
	for (size_t j = 0; j < w->n_win && g->nw < PY_THREAD_GW; j++) {
		g->wlo[g->nw] = w->win_lo[j];
		g->whi[g->nw++] = w->win_hi[j];
	}
	return 0;
}

#else /* no CPython headers at build time */
typedef int py_thread_none_t; /* ISO C: a translation unit declares something */
#endif
