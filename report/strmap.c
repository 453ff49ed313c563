/* strmap: a string-keyed table in insertion order (see strmap.h). */
#include "strmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/tc_hash.h"

/* Rebuild the index with room for twice the items. -ENOMEM on failure. */
static int strmap_grow(strmap_t *m)
{
	size_t nc = m->tabcap ? m->tabcap * 2 : 64;
	size_t *nt = calloc(nc, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		size_t j = tc_hash(m->items[i]->key, m->items[i]->keylen) & (nc - 1);
		while (nt[j])
			j = (j + 1) & (nc - 1);
		nt[j] = i + 1;
	}
	free(m->tab);
	m->tab = nt;
	m->tabcap = nc;
	return 0;
}

int strmap_get(strmap_t *m, const char *k, size_t len, size_t size, void **out, size_t *idx)
{
	if ((m->n + 1) * 2 > m->tabcap && strmap_grow(m) < 0)
		return -ENOMEM;
	size_t j = tc_hash(k, len) & (m->tabcap - 1);
	for (; m->tab[j]; j = (j + 1) & (m->tabcap - 1)) {
		strmap_item_t *it = m->items[m->tab[j] - 1];
		if (it->keylen == len && memcmp(it->key, k, len) == 0) {
			if (idx)
				*idx = m->tab[j] - 1;
			*out = it;
			return 0;
		}
	}
	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 32;
		strmap_item_t **ni = realloc(m->items, nc * sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		m->items = ni;
		m->cap = nc;
	}
	strmap_item_t *it = calloc(1, size < sizeof(*it) ? sizeof(*it) : size);
	if (!it || !(it->key = malloc(len + 1))) {
		free(it);
		return -ENOMEM;
	}
	memcpy(it->key, k, len);
	it->key[len] = '\0';
	it->keylen = len;
	m->items[m->n++] = it;
	m->tab[j] = m->n;
	if (idx)
		*idx = m->n - 1;
	*out = it;
	return 1;
}

void strmap_free(strmap_t *m, void (*item_free)(void *item))
{
	for (size_t i = 0; i < m->n; i++) {
		if (item_free)
			item_free(m->items[i]);
		free(m->items[i]->key);
		free(m->items[i]);
	}
	free(m->items);
	free(m->tab);
	memset(m, 0, sizeof(*m));
}
