/* snap_pack: word-run packing of snapshot images (see snap_pack.h). */
#include "snap_pack.h"

#include <stdint.h>
#include <string.h>

enum { SP_ZERO = 0, SP_REPEAT = 1, SP_LITERAL = 2 };
#define SP_MAX_COUNT ((1u << 30) - 1)

static inline uint64_t word_at(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

static inline unsigned char *put_head(unsigned char *o, unsigned kind, size_t count)
{
	uint32_t h = (uint32_t)kind << 30 | (uint32_t)count;
	memcpy(o, &h, sizeof h);
	return o + sizeof h;
}

size_t snap_pack_bound(size_t n)
{
	/* all literal: one header per SP_MAX_COUNT words, plus the tail */
	return n + 4 * (n / 8 / SP_MAX_COUNT + 2) + 8;
}

/* Bytes put_literal writes for c words. */
static size_t literal_size(size_t c)
{
	return c ? c * 8 + 4 * ((c + SP_MAX_COUNT - 1) / SP_MAX_COUNT) : 0;
}

/* Emit the literal words [from, to) (word indexes). */
static unsigned char *put_literal(unsigned char *o, const unsigned char *in, size_t from,
				  size_t to)
{
	while (from < to) {
		size_t c = to - from > SP_MAX_COUNT ? SP_MAX_COUNT : to - from;
		o = put_head(o, SP_LITERAL, c);
		memcpy(o, in + from * 8, c * 8);
		o += c * 8;
		from += c;
	}
	return o;
}

/* The packer; out NULL: only count the bytes it would write. */
static size_t pack_impl(unsigned char *out, const unsigned char *in, size_t n)
{
	size_t nw = n / 8, i = 0, lit = 0, size = 0;
	unsigned char *o = out;

	while (i < nw) {
		uint64_t w = word_at(in + i * 8);
		size_t j = i + 1;
		while (j < nw && j - i < SP_MAX_COUNT && word_at(in + j * 8) == w)
			j++;
		/* a run pays from 2 words (zero) or 3 (repeat): shorter ones
		 * stay in the literal stretch */
		if (j - i >= (w ? 3u : 2u)) {
			if (out) {
				o = put_literal(o, in, lit, i);
				o = put_head(o, w ? SP_REPEAT : SP_ZERO, j - i);
				if (w) {
					memcpy(o, &w, 8);
					o += 8;
				}
			} else {
				size += literal_size(i - lit) + 4 + (w ? 8 : 0);
			}
			lit = j;
		}
		i = j;
	}
	if (!out)
		return size + literal_size(nw - lit) + (n - nw * 8);
	o = put_literal(o, in, lit, nw);
	memcpy(o, in + nw * 8, n - nw * 8);
	return (size_t)(o - out) + (n - nw * 8);
}

size_t snap_pack_size(const unsigned char *in, size_t n)
{
	return pack_impl(NULL, in, n);
}

size_t snap_pack(unsigned char *out, const unsigned char *in, size_t n)
{
	return pack_impl(out, in, n);
}

int snap_unpack(unsigned char *out, size_t n, const unsigned char *packed, size_t plen)
{
	const unsigned char *p = packed, *end = packed + plen;
	size_t nw = n / 8, w = 0;

	while (w < nw) {
		uint32_t h;
		if (end - p < 4)
			return -1;
		memcpy(&h, p, 4);
		p += 4;
		size_t c = h & SP_MAX_COUNT;
		unsigned kind = h >> 30;
		if (c > nw - w)
			return -1;
		if (kind == SP_ZERO) {
			memset(out + w * 8, 0, c * 8);
		} else if (kind == SP_REPEAT) {
			if (end - p < 8)
				return -1;
			for (size_t k = 0; k < c; k++)
				memcpy(out + (w + k) * 8, p, 8);
			p += 8;
		} else if (kind == SP_LITERAL) {
			if ((size_t)(end - p) < c * 8)
				return -1;
			memcpy(out + w * 8, p, c * 8);
			p += c * 8;
		} else {
			return -1;
		}
		w += c;
	}
	if ((size_t)(end - p) != n - nw * 8)
		return -1;
	memcpy(out + nw * 8, p, n - nw * 8);
	return 0;
}
