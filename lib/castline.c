/* castline: the fast path for ordinary event lines [TIME, "CODE", "DATA"].
 *
 * The scanner accepts only that exact shape (JSON whitespace between the
 * tokens) and declines everything else, so jansson decides every odd case.
 * String insides are decoded by jstr_unescape(), which accepts exactly what
 * jansson accepts; times are converted from their decimal text, never
 * through a double, by castline_parse_time(), which the reader also uses
 * for lines jansson parses, so both paths give the same nanoseconds. */
#include "tracecast/castline.h"

#include <stdbool.h>
#include <string.h>

#include "tracecast/jstr.h"

/* Exponents beyond this are clamped: any non-zero value is then out of
 * range or rounds to zero, whatever the exact exponent. */
#define EXP_CLAMP 100000L

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digit k of the significand whose integer part is a[0..na) and whose
 * fraction is b[0..). */
static inline int sig_digit(const char *a, size_t na, const char *b, size_t k)
{
	return k < na ? a[k] - '0' : b[k - na] - '0';
}

/* The common case, exact without rounding: up to 10 integer digits and up
 * to 9 fraction digits, no sign, no exponent. Returns 1 when it applies. */
static int parse_time_fast(const char *tok, size_t len, int64_t *ns)
{
	static const uint32_t scale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
					   10000, 1000, 100, 10, 1};
	uint64_t sec = 0;
	uint32_t frac = 0;
	size_t i = 0, f;

	if (len == 0 || !is_digit(tok[0]))
		return 0;
	if (tok[0] == '0') {
		i = 1;
	} else {
		while (i < len && i < 10 && is_digit(tok[i]))
			sec = sec * 10 + (uint64_t)(tok[i++] - '0');
	}
	if (i < len && is_digit(tok[i]))
		return 0; /* a leading zero or more than 10 digits */
	if (i < len) {
		if (tok[i] != '.')
			return 0;
		f = ++i;
		while (i < len && i - f < 9 && is_digit(tok[i]))
			frac = frac * 10 + (uint32_t)(tok[i++] - '0');
		if (i == f || i != len)
			return 0;
		frac *= scale[i - f];
	}
	if (sec > (uint64_t)INT64_MAX / 1000000000 - 1)
		return 0;
	*ns = (int64_t)(sec * 1000000000 + frac);
	return 1;
}

/* The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * The value is rounded to the nearest nanosecond, ties away from zero.
 * Negative values (other than zero written as -0...) and values of
 * INT64_MAX ns or more are refused with -1. */
int castline_parse_time(const char *tok, size_t len, int64_t *ns)
{
	size_t i = 0, ni, nf = 0, total, z, n;
	const char *ip, *fp = NULL;
	bool neg = false;
	long exp = 0;
	long long e, m;
	uint64_t v = 0;

	if (parse_time_fast(tok, len, ns))
		return 0;
	if (i < len && tok[i] == '-') {
		neg = true;
		i++;
	}
	if (i >= len || !is_digit(tok[i]))
		return -1;
	ip = tok + i;
	if (tok[i] == '0') {
		i++;
		if (i < len && is_digit(tok[i]))
			return -1; /* JSON forbids leading zeros */
	} else {
		while (i < len && is_digit(tok[i]))
			i++;
	}
	ni = (size_t)(tok + i - ip);
	if (i < len && tok[i] == '.') {
		i++;
		fp = tok + i;
		while (i < len && is_digit(tok[i]))
			i++;
		nf = (size_t)(tok + i - fp);
		if (!nf)
			return -1;
	}
	if (i < len && (tok[i] == 'e' || tok[i] == 'E')) {
		bool eneg = false;
		i++;
		if (i < len && (tok[i] == '+' || tok[i] == '-'))
			eneg = tok[i++] == '-';
		if (i >= len || !is_digit(tok[i]))
			return -1;
		while (i < len && is_digit(tok[i])) {
			if (exp < EXP_CLAMP)
				exp = exp * 10 + (tok[i] - '0');
			i++;
		}
		if (eneg)
			exp = -exp;
	}
	if (i != len)
		return -1;

	/* The significand without leading zeros: s[0..n), s[0] != 0. */
	total = ni + nf;
	for (z = 0; z < total && sig_digit(ip, ni, fp, z) == 0; z++)
		;
	if (z == total) { /* zero, whatever the sign and exponent */
		*ns = 0;
		return 0;
	}
	if (neg)
		return -1;
	n = total - z;
	/* value = s * 10^e ns; m = digits of the integer part of that. */
	e = (long long)exp - (long long)nf + 9;
	m = (long long)n + e;
	if (m > 19)
		return -1; /* >= 10^19 ns, beyond int64 */
	if (m <= 0) {
		/* below one ns: rounds to 1 only for 0.5 <= value < 1 */
		*ns = (m == 0 && sig_digit(ip, ni, fp, z) >= 5) ? 1 : 0;
		return 0;
	}
	for (long long k = 0; k < m; k++)
		v = v * 10 + (uint64_t)(k < (long long)n ? sig_digit(ip, ni, fp, z + (size_t)k) : 0);
	if (m < (long long)n && sig_digit(ip, ni, fp, z + (size_t)m) >= 5)
		v++;
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*ns = (int64_t)v;
	return 0;
}

/* Offset of the closing quote of the string whose inside starts at p, or
 * NULL: a quote preceded by an odd run of backslashes is escaped. */
static const char *string_end(const char *p, const char *end)
{
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *b;

		if (!q)
			return NULL;
		for (b = q; b > p && b[-1] == '\\'; b--)
			;
		if (((q - b) & 1) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Decode the JSON string starting at *pp (its opening quote) into out;
 * advances *pp past the closing quote. Returns the decoded length or -1. */
static long scan_string(const char **pp, const char *end, char *out)
{
	const char *p = *pp, *q;
	long n;

	if (p >= end || *p != '"')
		return -1;
	p++;
	q = string_end(p, end);
	if (!q)
		return -1;
	n = jstr_unescape(out, p, (size_t)(q - p), NULL);
	if (n < 0)
		return -1;
	*pp = q + 1;
	return n;
}

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

/* Skip whitespace, then expect c. */
static inline const char *expect(const char *p, const char *end, char c)
{
	p = skip_ws(p, end);
	return (p < end && *p == c) ? p + 1 : NULL;
}

/* The start of an event line, `[TIME,` and the blanks after it: the
 * position of the code's string, or NULL. */
static const char *scan_head(const char *p, const char *end, int64_t *time_ns)
{
	const char *tok;

	if (!(p = expect(p, end, '[')))
		return NULL;
	p = skip_ws(p, end);
	tok = p;
	while (p < end && (is_digit(*p) || *p == '-' || *p == '+' || *p == '.' ||
			   *p == 'e' || *p == 'E'))
		p++;
	if (castline_parse_time(tok, (size_t)(p - tok), time_ns) < 0)
		return NULL;
	if (!(p = expect(p, end, ',')))
		return NULL;
	return skip_ws(p, end);
}

int castline_scan(const char *line, size_t len, char *buf, castline_t *out)
{
	const char *p = line, *end = line + len;
	long n;

	if (!(p = scan_head(p, end, &out->time_ns)))
		return 0;
	/* code and data decode into buf: each at most its raw length + NUL,
	 * and the raw lengths plus 4 quotes fit in len, so len + 2 suffices */
	if ((n = scan_string(&p, end, buf)) < 0)
		return 0;
	out->code = buf;
	out->code_len = (size_t)n;
	buf += n + 1;
	if (!(p = expect(p, end, ',')))
		return 0;
	p = skip_ws(p, end);
	if ((n = scan_string(&p, end, buf)) < 0)
		return 0;
	out->data = buf;
	out->data_len = (size_t)n;
	if (!(p = expect(p, end, ']')))
		return 0;
	return skip_ws(p, end) == end;
}

int castline_scan_raw(char *line, size_t len, char *buf, const char *raw_code,
		      castline_t *out)
{
	const char *p = line, *end = line + len, *q;
	long n;

	if (!(p = scan_head(p, end, &out->time_ns)))
		return 0;
	n = (long)strlen(raw_code);
	if (end - p < n + 2 || p[0] != '"' || memcmp(p + 1, raw_code, (size_t)n) || p[n + 1] != '"')
		return castline_scan(line, len, buf, out); /* another code, or escaped */
	memcpy(buf, raw_code, (size_t)n + 1);
	p += n + 2;
	out->code = buf;
	out->code_len = (size_t)n;
	if (!(p = expect(p, end, ',')))
		return 0;
	p = skip_ws(p, end);
	if (p >= end || *p != '"' || !(q = string_end(p + 1, end)))
		return 0;
	const char *after = expect(q + 1, end, ']');
	if (!after || skip_ws(after, end) != end)
		return 0;
	out->data = line + (p + 1 - line);
	out->data_len = (size_t)(q - p - 1);
	return 2;
}
