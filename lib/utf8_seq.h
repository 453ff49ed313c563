/* utf8_seq: the well-formedness check of one UTF-8 sequence (Unicode
 * Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF), shared
 * by lib/utf8.c (repair, validation) and lib/jstr.c (escape with check,
 * unescape). Internal to lib/. */
#ifndef TRACECAST_LIB_UTF8_SEQ_H
#define TRACECAST_LIB_UTF8_SEQ_H

#include <stddef.h>

/* Step result of utf8_seq(). */
enum { SEQ_INCOMPLETE = -1 };

/* Look at the sequence starting with a byte >= 0x80 at s[0..len).
 * Returns n > 0 with *valid set: the sequence is n valid bytes (copy them)
 * or an ill-formed maximal subpart of n bytes (one U+FFFD). Returns
 * SEQ_INCOMPLETE when s is a valid but unfinished prefix. */
static inline int utf8_seq(const unsigned char *s, size_t len, int *valid)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, k;

	*valid = 0;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0; /* no overlongs */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90; /* no overlongs */
		else if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		return 1; /* 80..C1, F5..FF: never a lead byte */
	}
	for (k = 1; k < need; k++) {
		if (k >= len)
			return SEQ_INCOMPLETE;
		if (s[k] < lo || s[k] > hi)
			return (int)k; /* the subpart s[0..k) */
		lo = 0x80;
		hi = 0xbf;
	}
	*valid = 1;
	return (int)need;
}

/* Length of the valid sequence (2-4 bytes) at s[0..len) starting with a
 * byte >= 0x80, or 0 if it is ill-formed or incomplete (as jansson's
 * utf8_check_first + utf8_check_full). */
static inline size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	int valid;
	int n = utf8_seq(s, len, &valid);

	return n > 0 && valid ? (size_t)n : 0;
}

#endif
