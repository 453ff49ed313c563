/* vt_arena: libvterm's memory in one range (see vt_arena.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vt_arena.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_REDZONE 32
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_REDZONE 0
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* 4096 x 4096 cells of about 40 bytes, two buffers, twice during a
 * resize, plus slack: address space only */
#define ARENA_RESERVE ((size_t)8 << 30)
#define ARENA_ALIGN 16

typedef struct arena_head {
	size_t brk;            /* bytes in use from the base, this header included */
	size_t pad;
} arena_head_t;

typedef struct arena_blk {
	size_t size;           /* bytes, header included */
	size_t used;           /* 0 when free, else the bytes asked for + 1 */
} arena_blk_t;

struct vt_arena {
	char *base;
	size_t cap;
};

vt_arena_t *vt_arena_new(void)
{
	vt_arena_t *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->cap = ARENA_RESERVE;
	void *p = mmap(NULL, a->cap, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		free(a);
		return NULL;
	}
	a->base = p;
	vt_arena_reset(a);
	return a;
}

void vt_arena_free(vt_arena_t *a)
{
	if (!a)
		return;
	munmap(a->base, a->cap);
	free(a);
}

void vt_arena_reset(vt_arena_t *a)
{
	arena_head_t *h = (arena_head_t *)a->base;
	h->brk = sizeof(arena_head_t);
}

static size_t arena_round(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

/* Poison a block's header, its slack and redzone (used) or all of it. */
static void arena_poison_blk(arena_blk_t *b)
{
	if (b->used)
		ARENA_POISON((char *)(b + 1) + (b->used - 1), b->size - sizeof(*b) - (b->used - 1));
	else
		ARENA_POISON(b + 1, b->size - sizeof(*b));
}

static void *arena_malloc(size_t size, void *user)
{
	vt_arena_t *a = user;
	arena_head_t *h = (arena_head_t *)a->base;
	size_t need = arena_round(size + ARENA_REDZONE) + sizeof(arena_blk_t);
	arena_blk_t *b;

	if (size > a->cap)
		return NULL;
	for (size_t off = sizeof(*h); off < h->brk; off += b->size) {
		b = (arena_blk_t *)(a->base + off);
		if (b->used || b->size < need)
			continue;
		if (b->size - need >= 4 * sizeof(arena_blk_t) + ARENA_REDZONE) {
			arena_blk_t *rest = (arena_blk_t *)((char *)b + need);
			ARENA_UNPOISON(rest, sizeof(*rest));
			rest->size = b->size - need;
			rest->used = 0;
			arena_poison_blk(rest);
			b->size = need;
		}
		b->used = size + 1;
		ARENA_UNPOISON(b + 1, size);
		memset(b + 1, 0, size);
		arena_poison_blk(b);
		return b + 1;
	}
	if (need > a->cap - h->brk)
		return NULL;
	b = (arena_blk_t *)(a->base + h->brk);
	ARENA_UNPOISON(b, sizeof(*b)); /* may lie in a freed, poisoned tail */
	b->size = need;
	b->used = size + 1;
	h->brk += need;
	ARENA_UNPOISON(b + 1, size);
	memset(b + 1, 0, size);
	arena_poison_blk(b);
	return b + 1;
}

static void arena_free(void *ptr, void *user)
{
	vt_arena_t *a = user;
	arena_head_t *h = (arena_head_t *)a->base;
	size_t tail = SIZE_MAX;    /* start of the free run that ends at brk */
	arena_blk_t *b;

	if (!ptr)
		return;
	b = (arena_blk_t *)ptr - 1;
	b->used = 0;
	arena_poison_blk(b);
	/* merge free neighbours, then give a free end back to the break */
	for (size_t off = sizeof(*h); off < h->brk; off += b->size) {
		b = (arena_blk_t *)(a->base + off);
		if (b->used) {
			tail = SIZE_MAX;
			continue;
		}
		while (off + b->size < h->brk) {
			arena_blk_t *n = (arena_blk_t *)((char *)b + b->size);
			if (n->used)
				break;
			b->size += n->size;
		}
		tail = off;
	}
	if (tail != SIZE_MAX)
		h->brk = tail;
}

void vt_arena_unpoison(vt_arena_t *a)
{
	ARENA_UNPOISON(a->base, vt_arena_used(a));
}

void vt_arena_repoison(vt_arena_t *a)
{
	arena_head_t *h = (arena_head_t *)a->base;
	arena_blk_t *b;

	for (size_t off = sizeof(*h); off < h->brk; off += b->size) {
		b = (arena_blk_t *)(a->base + off);
		arena_poison_blk(b);
	}
}

static VTermAllocatorFunctions arena_funcs = {
	.malloc = arena_malloc,
	.free = arena_free,
};

VTermAllocatorFunctions *vt_arena_funcs(void)
{
	return &arena_funcs;
}

void *vt_arena_base(const vt_arena_t *a)
{
	return a->base;
}

size_t vt_arena_used(const vt_arena_t *a)
{
	return ((const arena_head_t *)a->base)->brk;
}

int vt_arena_prepare(vt_arena_t *a, size_t n)
{
	if (n > a->cap)
		return -ENOMEM;
	size_t used = vt_arena_used(a);
	ARENA_UNPOISON(a->base, n > used ? n : used); /* the image is copied in */
	return 0;
}
