/* strmap: a string-keyed table for report/'s tallies (stats rows, export
 * frames and stacks): items in insertion order, so output is stable, and an
 * open-addressing index on their keys (tc_hash).
 *
 * An item type begins with STRMAP_ITEM, which gives it the fields `key`
 * (NUL-terminated copy) and `keylen`; strmap allocates and frees items.
 * Private to report/. */
#ifndef TRACECAST_REPORT_STRMAP_H
#define TRACECAST_REPORT_STRMAP_H

#include <stddef.h>

typedef struct strmap_item {
	char *key;
	size_t keylen;
} strmap_item_t;

/* The first member of every item type. */
#define STRMAP_ITEM                                                                        \
	union {                                                                            \
		strmap_item_t item;                                                        \
		struct {                                                                   \
			char *key;                                                         \
			size_t keylen;                                                     \
		};                                                                         \
	}

typedef struct strmap {
	strmap_item_t **items; /* insertion order */
	size_t n, cap;
	size_t *tab;           /* item index + 1; 0 = empty */
	size_t tabcap;
} strmap_t;                    /* zero-initialised is empty */

/* The item keyed k[0..len) in *out, or a new zeroed one of size bytes (its
 * key copied) when there is none; *idx (when not NULL) its index in items.
 * Returns 1 when created, 0 when found, -ENOMEM (*out untouched). */
int strmap_get(strmap_t *m, const char *k, size_t len, size_t size, void **out, size_t *idx);

/* Free every item (item_free, when not NULL, first frees what an item
 * owns besides its key) and the table; m is empty after. */
void strmap_free(strmap_t *m, void (*item_free)(void *item));

#endif
