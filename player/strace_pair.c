/* strace_pair: unfinished/resumed pairing per thread (see strace_pair.h).
 *
 * An open-addressing hash table keyed by (attach, tid), linear probing,
 * deletion by backward shift (no tombstones), so a long recording whose
 * threads come and go never fills it with dead slots. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strace_pair.h"

#define PAIR_NAME_MAX 32  /* syscall names are shorter; longer never pair */

typedef struct pair_slot {
	long attach, tid;
	long idx;               /* -1: empty */
	unsigned char name_len;
	char name[PAIR_NAME_MAX];
} pair_slot_t;

struct strace_pair {
	pair_slot_t *slot;
	size_t cap;             /* a power of two */
	size_t n;
};

static size_t pair_hash(long attach, long tid)
{
	uint64_t h = (uint64_t)tid * 0x9e3779b97f4a7c15ULL ^ (uint64_t)attach * 0xff51afd7ed558ccdULL;
	return (size_t)(h ^ (h >> 29));
}

int strace_pair_new(strace_pair_t **out)
{
	strace_pair_t *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->cap = 16;
	p->slot = malloc(p->cap * sizeof(*p->slot));
	if (!p->slot) {
		free(p);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->cap; i++)
		p->slot[i].idx = -1;
	*out = p;
	return 0;
}

/* The slot of (attach, tid), or the empty slot where it would go. */
static pair_slot_t *pair_find(const strace_pair_t *p, long attach, long tid)
{
	size_t mask = p->cap - 1;
	for (size_t i = pair_hash(attach, tid) & mask;; i = (i + 1) & mask) {
		pair_slot_t *s = &p->slot[i];
		if (s->idx < 0 || (s->tid == tid && s->attach == attach))
			return s;
	}
}

/* Double the table (kept at most half full). */
static int pair_grow(strace_pair_t *p)
{
	size_t cap = p->cap * 2;
	pair_slot_t *old = p->slot, *ns = malloc(cap * sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < cap; i++)
		ns[i].idx = -1;
	p->slot = ns;
	size_t oc = p->cap;
	p->cap = cap;
	for (size_t i = 0; i < oc; i++)
		if (old[i].idx >= 0)
			*pair_find(p, old[i].attach, old[i].tid) = old[i];
	free(old);
	return 0;
}

/* Empty slot s, moving later entries of its probe run back. */
static void pair_remove(strace_pair_t *p, pair_slot_t *s)
{
	size_t mask = p->cap - 1, i = (size_t)(s - p->slot), j = i;

	p->slot[i].idx = -1;
	p->n--;
	for (;;) {
		j = (j + 1) & mask;
		if (p->slot[j].idx < 0)
			return;
		size_t home = pair_hash(p->slot[j].attach, p->slot[j].tid) & mask;
		/* j's entry may move to i only if its home is not in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		p->slot[i] = p->slot[j];
		p->slot[j].idx = -1;
		i = j;
	}
}

int strace_pair_unfinished(strace_pair_t *p, long attach, long tid, const char *name,
			   size_t len, long idx)
{
	if (idx < 0)
		return 0;
	if (2 * (p->n + 1) > p->cap && pair_grow(p) < 0) {
		strace_pair_forget(p, attach, tid);
		return -ENOMEM;
	}
	pair_slot_t *s = pair_find(p, attach, tid);
	if (s->idx < 0)
		p->n++;
	s->attach = attach;
	s->tid = tid;
	s->idx = idx;
	/* a name too long to keep never pairs (no syscall has one) */
	s->name_len = (unsigned char)(len <= PAIR_NAME_MAX ? len : PAIR_NAME_MAX + 1);
	if (len <= PAIR_NAME_MAX)
		memcpy(s->name, name, len);
	return 0;
}

long strace_pair_resumed(strace_pair_t *p, long attach, long tid, const char *name,
			 size_t len)
{
	pair_slot_t *s = pair_find(p, attach, tid);

	if (s->idx < 0 || len > PAIR_NAME_MAX || len != s->name_len ||
	    memcmp(s->name, name, len) != 0)
		return -1;
	long idx = s->idx;
	pair_remove(p, s);
	return idx;
}

void strace_pair_forget(strace_pair_t *p, long attach, long tid)
{
	pair_slot_t *s = pair_find(p, attach, tid);

	if (s->idx >= 0)
		pair_remove(p, s);
}

size_t strace_pair_pending(const strace_pair_t *p)
{
	return p->n;
}

void strace_pair_free(strace_pair_t *p)
{
	if (!p)
		return;
	free(p->slot);
	free(p);
}
