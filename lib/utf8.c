/* utf8: UTF-8 repair for byte streams (the recorder's hot path).
 *
 * ASCII is scanned a block at a time (16 bytes with SSE2, else an 8-byte
 * word); a block is stored to the output whole and the output advances
 * past its ASCII bytes only. A non-ASCII sequence is checked byte by byte
 * against the well-formed ranges of Unicode Table 3-7; an ill-formed one
 * gives one U+FFFD per maximal subpart (the bytes accepted so far, or the
 * single bad lead byte). */
#include "tracecast/utf8.h"

#include <stdint.h>
#include <string.h>

#include "simd.h"
#include "utf8_seq.h"

/* Length of the leading ASCII run of s[0..len). */
static size_t ascii_run(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i + BLOCK <= len) {
		uint64_t m = block_high(s + i);
		if (m)
			return i + mask_first(m);
		i += BLOCK;
	}
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

void utf8_carry_init(utf8_carry_t *c)
{
	c->len = 0;
}

static inline char *put_fffd(char *o)
{
	o[0] = (char)0xef;
	o[1] = (char)0xbf;
	o[2] = (char)0xbd;
	return o + 3;
}

/* Repair s[0..len) into o; an incomplete tail is left unconsumed.
 * Returns the bytes of s consumed; *op advances. The block and 4-byte
 * stores have room: the caller's out holds 3 * (len + 4), of which at most
 * 4 + 3 * i are used after i bytes, and i + BLOCK <= len (or i + 4 <= len). */
static size_t repair_run(const unsigned char *s, size_t len, char **op)
{
	char *o = *op;
	size_t i = 0;

	for (;;) {
		if (i + BLOCK <= len) {
			if (block_store(&o, (const char *)s, &i, block_high(s + i)))
				continue;
		} else if (i == len) {
			break;
		} else if (s[i] < 0x80) {
			*o++ = (char)s[i++];
			continue;
		}
		int valid;
		int n = utf8_seq(s + i, len - i, &valid);
		if (n == SEQ_INCOMPLETE)
			break;
		if (valid) {
			if (i + 4 <= len)
				memcpy(o, s + i, 4);
			else
				memcpy(o, s + i, (size_t)n);
			o += n;
		} else {
			o = put_fffd(o);
		}
		i += (size_t)n;
	}
	*op = o;
	return i;
}

size_t utf8_repair(utf8_carry_t *c, const void *in, size_t len, char *out, bool final)
{
	const unsigned char *s = in;
	char *o = out;
	size_t used = 0;

	if (len == 0) /* in may be NULL: touch nothing */
		goto out;
	/* Finish the sequence held from the previous chunk first. */
	while (c->len) {
		unsigned char tmp[8];
		size_t take = len - used < 4 ? len - used : 4;
		size_t have = c->len;
		memcpy(tmp, c->buf, have);
		memcpy(tmp + have, s + used, take);
		int valid;
		int n = utf8_seq(tmp, have + take, &valid);
		if (n == SEQ_INCOMPLETE) {
			/* All of the rest fits in the carry (< 4 bytes). */
			memcpy(c->buf + have, s + used, take);
			c->len = have + take;
			used += take;
			break;
		}
		if (valid) {
			memcpy(o, tmp, (size_t)n);
			o += n;
		} else {
			o = put_fffd(o);
		}
		/* n >= have: the carry is a valid prefix, so it fails no earlier. */
		used += (size_t)n - have;
		c->len = 0;
	}
	if (!c->len) {
		size_t n = repair_run(s + used, len - used, &o);
		used += n;
		if (used < len) { /* an incomplete tail, at most 3 bytes */
			memcpy(c->buf, s + used, len - used);
			c->len = len - used;
		}
	}
out:
	if (final && c->len) {
		o = put_fffd(o); /* an unfinished sequence is one maximal subpart */
		c->len = 0;
	}
	return (size_t)(o - out);
}

bool utf8_valid(const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i = 0;

	while (i < len) {
		i += ascii_run(p + i, len - i);
		if (i == len)
			break;
		int valid;
		int n = utf8_seq(p + i, len - i, &valid);
		if (n == SEQ_INCOMPLETE || !valid)
			return false;
		i += (size_t)n;
	}
	return true;
}
