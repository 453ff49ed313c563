/* simd: block-at-a-time scanning shared by the format core's hot loops
 * (lib/jstr.c escaping/unescaping, lib/utf8.c repair). Internal to lib/.
 *
 * A block is 16 bytes with SSE2, else one 8-byte word. A block mask has
 * one flag per byte (bit k with SSE2, bit 8k+7 in a word) and its lowest
 * flag is exact, so ctz finds the first flagged byte. */
#ifndef TRACECAST_LIB_SIMD_H
#define TRACECAST_LIB_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#define BLOCK 16
#else
#define BLOCK 8
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Per byte: high bit set where the byte is zero (lowest one exact). */
static inline uint64_t word_zero(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}

/* Per byte: high bit set where the byte is < 0x20 (lowest one exact). */
static inline uint64_t word_control(uint64_t v)
{
	return (v - 0x20 * ONES) & ~v & HIGHS;
}
#endif

/* Flags of the non-ASCII bytes (>= 0x80) of the block at p. */
static inline uint64_t block_high(const void *p)
{
#ifdef __SSE2__
	return (uint64_t)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)p));
#else
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v & HIGHS;
#endif
}

/* Byte index of the lowest flag of a block mask (not 0). */
static inline size_t mask_first(uint64_t m)
{
#ifdef __SSE2__
	return (size_t)__builtin_ctzll(m);
#else
	return (size_t)__builtin_ctzll(m) >> 3;
#endif
}

/* One step of a block scan: store the block at in + *ip to *op whole, then
 * advance both past its clean bytes. Returns true when the block had no
 * flag (m, its mask, is 0: scan on), false when stopped at its first
 * flagged byte. *op needs BLOCK bytes of room (the callers' output bounds
 * give it). Use: if (i + BLOCK <= len) { if (block_store(&o, in, &i,
 * MASK(in + i))) continue; } else if (i == len) break; then handle in[i]
 * (that shape keeps the clean-block path the loop's fall-through). */
static inline bool block_store(char **op, const char *in, size_t *ip, uint64_t m)
{
	memcpy(*op, in + *ip, BLOCK);
	if (!m) {
		*op += BLOCK;
		*ip += BLOCK;
		return true;
	}
	size_t k = mask_first(m);
	*op += k;
	*ip += k;
	return false;
}

#endif
