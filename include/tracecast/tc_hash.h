/* tc_hash: the one string hash of the index and report tables. */
#ifndef TRACECAST_TC_HASH_H
#define TRACECAST_TC_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over p[0..n): fast, good enough for open-addressing tables of
 * names, stacks and keys (not for anything adversarial). */
static inline uint64_t tc_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

#endif
