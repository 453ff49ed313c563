/* jstr: JSON string escaping (writer) and unescaping (reader fast path).
 *
 * Both scan a block at a time (16 bytes with SSE2, else an 8-byte word)
 * for bytes needing work; a block is stored to the output whole and the
 * output then advances past its clean bytes only (the lowest flagged byte
 * is exact, so ctz finds it). The unescaper mirrors jansson 2.14's
 * lex_scan_string()/stream_get(): same accepted set, same decoding. */
#include "tracecast/jstr.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "simd.h"
#include "utf8_seq.h"

/* Flags (bit k for byte k, lowest set bit exact) of the block at p: bytes
 * jstr_escape must rewrite, plus bytes >= 0x80 when with_high. */
static inline uint64_t block_escape_mask(const void *p, bool with_high)
{
#ifdef __SSE2__
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
	if (with_high) /* signed < 0x20: controls and 0x80..0xff */
		m = _mm_or_si128(m, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	else /* unsigned <= 0x1f */
		m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
	return (uint64_t)_mm_movemask_epi8(m);
#else
	uint64_t v;
	memcpy(&v, p, sizeof v);
	uint64_t m = word_control(v) | word_zero(v ^ ('"' * ONES)) |
		     word_zero(v ^ ('\\' * ONES)) | word_zero(v ^ (0x7f * ONES));
	if (with_high)
		m |= v & HIGHS;
	return m;
#endif
}

/* Flags of the block at p: bytes that do not unescape to themselves
 * (controls, '"', '\\', >= 0x80). */
static inline uint64_t block_unescape_mask(const void *p)
{
#ifdef __SSE2__
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	m = _mm_or_si128(m, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	return (uint64_t)_mm_movemask_epi8(m);
#else
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return (v & HIGHS) | word_control(v) | word_zero(v ^ ('"' * ONES)) |
	       word_zero(v ^ ('\\' * ONES));
#endif
}

/* What follows the backslash for bytes jstr_escape must rewrite (0: the
 * byte passes as it is): short forms, or 'u' for \u00xx. */
static const unsigned char escape_tab[256] = {
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',
	[0x05] = 'u', [0x06] = 'u', [0x07] = 'u', [0x08] = 'b', [0x09] = 't',
	[0x0a] = 'n', [0x0b] = 'u', [0x0c] = 'f', [0x0d] = 'r', [0x0e] = 'u',
	[0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
	[0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u',
	[0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
	[0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\', [0x7f] = 'u',
};

/* Emit the escape of c (escape_tab[c] != 0) at o; returns the new end. */
static inline char *escape_byte(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char e = escape_tab[c];

	if (e != 'u') {
		o[0] = '\\';
		o[1] = (char)e;
		return o + 2;
	}
	/* other C0 controls and DEL as \u00xx, as Python's json.dumps */
	memcpy(o, "\\u00", 4);
	o[4] = hex[c >> 4];
	o[5] = hex[c & 15];
	return o + 6;
}

/* The escapes of the bytes escape_tab flags, padded to 8 bytes, and their
 * lengths: one unconditional 8-byte store instead of branches. */
typedef struct escape_text {
	char s[8];
	unsigned char len;
} escape_text_t;

static const escape_text_t escape_texts[256] = {
	[0x00] = {"\\u0000", 6}, [0x01] = {"\\u0001", 6},
	[0x02] = {"\\u0002", 6}, [0x03] = {"\\u0003", 6},
	[0x04] = {"\\u0004", 6}, [0x05] = {"\\u0005", 6},
	[0x06] = {"\\u0006", 6}, [0x07] = {"\\u0007", 6}, [0x08] = {"\\b", 2},
	[0x09] = {"\\t", 2}, [0x0a] = {"\\n", 2}, [0x0b] = {"\\u000b", 6},
	[0x0c] = {"\\f", 2}, [0x0d] = {"\\r", 2}, [0x0e] = {"\\u000e", 6},
	[0x0f] = {"\\u000f", 6}, [0x10] = {"\\u0010", 6},
	[0x11] = {"\\u0011", 6}, [0x12] = {"\\u0012", 6},
	[0x13] = {"\\u0013", 6}, [0x14] = {"\\u0014", 6},
	[0x15] = {"\\u0015", 6}, [0x16] = {"\\u0016", 6},
	[0x17] = {"\\u0017", 6}, [0x18] = {"\\u0018", 6},
	[0x19] = {"\\u0019", 6}, [0x1a] = {"\\u001a", 6},
	[0x1b] = {"\\u001b", 6}, [0x1c] = {"\\u001c", 6},
	[0x1d] = {"\\u001d", 6}, [0x1e] = {"\\u001e", 6},
	[0x1f] = {"\\u001f", 6}, [0x22] = {"\\\"", 2}, [0x5c] = {"\\\\", 2},
	[0x7f] = {"\\u007f", 6},
};

/* The escaper; with check, non-ASCII is validated on the way and invalid
 * UTF-8 gives -1. The block store has room: after i input bytes at most
 * 6 * i were written, and i + BLOCK <= len. */
static inline long escape_impl(char *out, const char *in, size_t len, bool check)
{
	char *o = out;
	size_t i = 0;

	for (;;) {
		if (i + BLOCK <= len) {
			if (block_store(&o, in, &i, block_escape_mask(in + i, check)))
				continue;
		} else if (i == len) {
			break;
		}
		unsigned char c = (unsigned char)in[i];
		if (escape_tab[c]) {
			if (i + 2 <= len) { /* room for 8: at most 6 * (i + 2) - 4 used */
				memcpy(o, escape_texts[c].s, 8);
				o += escape_texts[c].len;
			} else {
				o = escape_byte(o, c);
			}
			i++;
		} else if (c < 0x80 || !check) {
			*o++ = (char)c;
			i++;
		} else {
			size_t n = utf8_seq_len((const unsigned char *)in + i, len - i);
			if (!n)
				return -1;
			if (i + 4 <= len)
				memcpy(o, in + i, 4);
			else
				memcpy(o, in + i, n);
			o += n;
			i += n;
		}
	}
	return (long)(o - out);
}

size_t jstr_escape(char *out, const char *in, size_t len)
{
	return (size_t)escape_impl(out, in, len, false);
}

long jstr_escape_valid(char *out, const char *in, size_t len)
{
	return escape_impl(out, in, len, true);
}

/* Value of 4 hex digits at p (all 4 must be present), or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)p[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Encode code point cp (valid, not a surrogate) as UTF-8 at o. */
static char *utf8_put(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

long jstr_unescape(char *out, const char *in, size_t len, size_t *bad_offset)
{
	char *o = out;
	size_t i = 0, bad = 0;

	/* The block store has room: out holds len + 1 and o - out <= i. */
	for (;;) {
		if (i + BLOCK <= len) {
			if (block_store(&o, in, &i, block_unescape_mask(in + i)))
				continue;
		} else if (i == len) {
			break;
		}
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_seq_len((const unsigned char *)in + i, len - i);
			if (!n) {
				bad = i;
				goto fail;
			}
			memcpy(o, in + i, n);
			o += n;
			i += n;
			continue;
		}
		if (c != '\\') { /* a control character or a bare quote */
			bad = i;
			goto fail;
		}
		bad = i;
		if (i + 1 >= len)
			goto fail;
		switch (in[i + 1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			long cp, lo;
			if (len - i < 6 || (cp = hex4(in + i + 2)) < 0)
				goto fail;
			i += 6;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto fail; /* lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (len - i < 6 || in[i] != '\\' || in[i + 1] != 'u' ||
				    (lo = hex4(in + i + 2)) < 0 || lo < 0xdc00 || lo > 0xdfff)
					goto fail; /* lone or ill-paired high surrogate */
				cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
				i += 6;
			}
			o = utf8_put(o, (unsigned long)cp);
			continue;
		}
		default:
			goto fail;
		}
		i += 2; /* a short escape: one byte written above */
	}
	*o = '\0';
	return (long)(o - out);
fail:
	if (bad_offset)
		*bad_offset = bad;
	*o = '\0';
	return -1;
}
