/* tl_sysline: strace lines of "s" events parsed without decoding their
 * arguments (see tl_sysline.h). */
#include "tl_sysline.h"

#include <stddef.h>
#include <string.h>

#include "tracecast/jstr.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Bytes that need a look while walking escaped arguments outside strings. */
static const unsigned char raw_special[256] = {
	['\\'] = 1, ['('] = 1, ['['] = 1, ['{'] = 1, [')'] = 1, [']'] = 1, ['}'] = 1,
};

/* The first byte at or after p that raw_special flags, or end: 16 bytes at
 * a time where SSE2 is (the walk over the arguments is most of the work). */
static inline const char *skip_plain(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i bs = _mm_set1_epi8('\\'), lp = _mm_set1_epi8(')'),
		      lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}'), sp = _mm_set1_epi8(0x20),
		      one = _mm_set1_epi8(1);
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i o = _mm_or_si128(v, sp); /* '[' -> '{', ']' -> '}' */
		__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, bs),
					 _mm_cmpeq_epi8(_mm_or_si128(v, one), lp)); /* ( ) */
		m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(o, lb), _mm_cmpeq_epi8(o, rb)));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
#endif
	while (p < end && !raw_special[(unsigned char)*p])
		p++;
	return p;
}

/* True when [p, end) holds "\\u" (a \u escape, or an escaped backslash
 * before a 'u': either way the caller decodes instead). */
static bool has_u_escape(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i bs = _mm_set1_epi8('\\'), u = _mm_set1_epi8('u');
	while (end - p >= 17) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
		if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, bs), _mm_cmpeq_epi8(b, u))))
			return true;
		p += 16;
	}
#endif
	for (; end - p >= 2; p++)
		if (p[0] == '\\' && p[1] == 'u')
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The decoded character of the escape at *pp (a backslash), advancing
 * past it: an ASCII byte, 0x100 for anything that is not ASCII, -1 for a
 * bad escape. */
static int raw_escape(const char **pp, const char *end)
{
	const char *p = *pp;

	if (end - p < 2)
		return -1;
	switch (p[1]) {
	case '"': case '\\': case '/':
		*pp = p + 2;
		return p[1];
	case 'b': *pp = p + 2; return '\b';
	case 'f': *pp = p + 2; return '\f';
	case 'n': *pp = p + 2; return '\n';
	case 'r': *pp = p + 2; return '\r';
	case 't': *pp = p + 2; return '\t';
	case 'u': {
		int v = 0;
		if (end - p < 6)
			return -1;
		for (int k = 2; k < 6; k++) {
			int h = hexval(p[k]);
			if (h < 0)
				return -1;
			v = v * 16 + h;
		}
		*pp = p + 6;
		return v < 0x80 ? v : 0x100;
	}
	default:
		return -1;
	}
}

/* The next decoded character at *pp (see raw_escape). */
static inline int raw_next(const char **pp, const char *end)
{
	if (**pp == '\\')
		return raw_escape(pp, end);
	return (unsigned char)*(*pp)++;
}

/* strace_line.c's find_close over escaped text: from p (just inside the
 * opening parenthesis) to the raw offset of the bracket that closes it,
 * skipping strace's quoted strings. NULL when the text ends first; *bad
 * set for an escape that does not decode. */
static const char *raw_find_close(const char *p, const char *end, bool *bad)
{
	int depth = 1;

	while (p < end) {
		p = skip_plain(p, end);
		if (p == end)
			break;
		const char *at = p;
		int c = raw_next(&p, end);
		if (c < 0) {
			*bad = true;
			return NULL;
		}
		switch (c) {
		case '"': {
			/* to the closing quote. In the raw text every byte '"'
			 * is escaped (a backslash before it); it is strace's
			 * closing quote when the decoded backslashes before it
			 * are even: a run of k raw backslashes with k % 4 == 1.
			 * A quote or backslash spelled \u0022 / \u005c would
			 * not be seen so: such a string is decoded instead. */
			const char *s0 = p, *q;
			for (;;) {
				q = memchr(p, '"', (size_t)(end - p));
				if (!q)
					return NULL;
				size_t k = 0;
				while (q - k > s0 && q[-(ptrdiff_t)k - 1] == '\\')
					k++;
				p = q + 1;
				if (k % 4 == 1)
					break;
				if (k % 2 == 0) { /* an unescaped quote: not JSON */
					*bad = true;
					return NULL;
				}
			}
			if (has_u_escape(s0, q)) {
				*bad = true;
				return NULL;
			}
			break;
		}
		case '(': case '[': case '{':
			depth++;
			break;
		case ')': case ']': case '}':
			if (--depth == 0)
				return at;
			break;
		default:
			break;
		}
	}
	return NULL;
}

int tl_sysline_decode(const char *text, size_t len, sbuf_t *out)
{
	sbuf_reset(out);
	sbuf_add(out, "", 0);
	if (out->cap < len + 1) {
		sbuf_add(out, text, len); /* grow */
		sbuf_reset(out);
	}
	long n = jstr_unescape(out->data, text, len, NULL);
	if (n < 0) {
		sbuf_reset(out);
		sbuf_add(out, text, len);
		return -1;
	}
	out->len = (size_t)n;
	out->data[n] = '\0';
	return 0;
}

/* Parse the decoded text of a raw line (the slow way). */
static void parse_decoded(const char *text, size_t len, sbuf_t *scratch, strace_line_t *out)
{
	tl_sysline_decode(text, len, scratch);
	strace_line_parse(scratch->data, scratch->len, out);
}

void tl_sysline_parse(const char *text, size_t len, bool raw, bool want_args, sbuf_t *scratch,
		      strace_line_t *out)
{
	const char *end = text + len, *p = text, *a, *e;
	bool bad = false;

	if (!raw) {
		strace_line_parse(text, len, out);
		return;
	}
	if (want_args) {
		parse_decoded(text, len, scratch, out);
		return;
	}
	/* the head: [@PID ][TID ]NAME( or [@PID ][TID ]<... NAME resumed>;
	 * other shapes (signals, exits, oddities) are short: decode them */
	if (p < end && *p == '@')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			;
	while (p < end && ((*p >= '0' && *p <= '9') || *p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 5 && !memcmp(p, "<... ", 5)) {
		a = memchr(p, '>', (size_t)(end - p));
		if (!a || a - p < 13 || memcmp(a - 8, " resumed", 8))
			goto slow;
		for (const char *q = p + 5; q < a - 8; q++)
			if (*q == '\\')
				goto slow;
		a++;
	} else {
		while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				   (*p >= '0' && *p <= '9') || *p == '_'))
			p++;
		if (p >= end || *p != '(')
			goto slow;
		a = p + 1;
		/* "<unfinished ...>" at the end: nothing to walk */
		e = end;
		while (e > a && e[-1] == ' ')
			e--;
		if (e - a >= 16 && !memcmp(e - 16, "<unfinished ...>", 16)) {
			sbuf_reset(scratch);
			sbuf_add(scratch, text, (size_t)(a - text));
			sbuf_adds(scratch, "<unfinished ...>");
			strace_line_parse(scratch->data, scratch->len, out);
			return;
		}
	}
	const char *close = raw_find_close(a, end, &bad);
	if (bad)
		goto slow;
	if (!close || memchr(close, '\\', (size_t)(end - close))) {
		/* no closing parenthesis (a cut line), or escapes in the
		 * tail: rare */
		goto slow;
	}
	sbuf_reset(scratch);
	sbuf_add(scratch, text, (size_t)(a - text));
	sbuf_add(scratch, close, (size_t)(end - close));
	strace_line_parse(scratch->data, scratch->len, out);
	return;
slow:
	parse_decoded(text, len, scratch, out);
}
