/* redact: replace matches of --redact patterns by "[REDACTED]", in single
 * events and across the reads of a byte stream. */
#include "redact.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct redact {
	regex_t *re;
	size_t n;
	unsigned long count;
};

struct redact_stream {
	redact_t *r;
	char *buf;            /* held bytes, then the new data appended */
	size_t held, cap;
	int64_t held_t;       /* time of the first held byte */
	char *ob;             /* output being built */
	size_t ob_cap;
	bool started;         /* some data went by: '^' no longer matches at 0 */
};

int redact_new(redact_t **out, const char *const *patterns, size_t n,
	       char *err, size_t err_size)
{
	redact_t *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	if (err && err_size)
		err[0] = '\0';
	if (!r || (n && !(r->re = calloc(n, sizeof *r->re)))) {
		free(r);
		return -ENOMEM;
	}
	for (r->n = 0; r->n < n; r->n++) {
		rc = regcomp(&r->re[r->n], patterns[r->n], REG_EXTENDED);
		if (rc != 0) {
			if (err && err_size)
				regerror(rc, &r->re[r->n], err, err_size);
			redact_free(r);
			return rc == REG_ESPACE ? -ENOMEM : -EINVAL;
		}
	}
	*out = r;
	return 0;
}

unsigned long redact_count(const redact_t *r)
{
	return r->count;
}

/* The leftmost (then longest) match of any pattern in s[pos..len).
 * Returns true and fills *so and *eo (absolute offsets). */
static bool redact_find(const redact_t *r, const char *s, size_t pos, size_t len,
			int flags, size_t *so, size_t *eo)
{
	bool found = false;

	for (size_t i = 0; i < r->n; i++) {
		regmatch_t m[1];
		m[0].rm_so = (regoff_t)pos;
		m[0].rm_eo = (regoff_t)len;
		if (regexec(&r->re[i], s, 1, m, flags | REG_STARTEND) != 0)
			continue;
		size_t a = (size_t)m[0].rm_so, b = (size_t)m[0].rm_eo;
		if (!found || a < *so || (a == *so && b > *eo)) {
			*so = a;
			*eo = b;
			found = true;
		}
	}
	return found;
}

/* Length of the UTF-8 character starting at s[0] (1 for a stray byte). */
static size_t redact_charlen(const char *s, size_t left)
{
	size_t n = 1;

	while (n < left && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Make room for need bytes in *buf of capacity *cap. */
static int redact_reserve(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	char *p = realloc(*buf, c);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = c;
	return 0;
}

/* Replace matches in s[0..len) into out. When hold_open is set and a match
 * reaches `len` (it may still grow), the text before it is copied and its
 * start is returned with the top bit set: hold from there. *first_in
 * receives the input offset of the first replacement (or SIZE_MAX).
 * Otherwise returns the input offset consumed (after the last match). */
static size_t redact_scan(redact_t *r, const char *s, size_t len, bool hold_open,
			  int flags, char *out, size_t *out_len, size_t *first_in)
{
	size_t pos = 0, so = 0, eo = 0, o = *out_len;

	*first_in = SIZE_MAX;
	while (pos < len && redact_find(r, s, pos, len, flags | (pos ? REG_NOTBOL : 0), &so, &eo)) {
		if (eo == so) { /* empty match: step over one character */
			size_t c = redact_charlen(s + so, len - so);
			if (so >= len)
				break;
			memcpy(out + o, s + pos, so + c - pos);
			o += so + c - pos;
			pos = so + c;
			continue;
		}
		if (hold_open && eo == len && len - so <= REDACT_HOLD_MAX) {
			memcpy(out + o, s + pos, so - pos); /* what precedes it is done */
			o += so - pos;
			*out_len = o;
			return so | ((size_t)1 << (sizeof(size_t) * 8 - 1));
		}
		if (*first_in == SIZE_MAX)
			*first_in = so;
		memcpy(out + o, s + pos, so - pos);
		o += so - pos;
		memcpy(out + o, REDACT_TEXT, sizeof REDACT_TEXT - 1);
		o += sizeof REDACT_TEXT - 1;
		r->count++;
		pos = eo;
	}
	*out_len = o;
	return pos;
}

/* Output bound for len input bytes (each byte may become REDACT_TEXT). */
static size_t redact_out_max(size_t len)
{
	return len * (sizeof REDACT_TEXT - 1) + 1;
}

char *redact_apply(redact_t *r, const char *data, size_t len, size_t *out_len)
{
	size_t o = 0, first, pos;
	char *out = malloc(redact_out_max(len));
	char *in = malloc(len + 1); /* NUL-terminated: see redact_stream_feed */

	if (!out || !in) {
		free(out);
		free(in);
		return NULL;
	}
	memcpy(in, data, len);
	in[len] = '\0';
	pos = redact_scan(r, in, len, false, 0, out, &o, &first);
	memcpy(out + o, in + pos, len - pos);
	o += len - pos;
	out[o] = '\0';
	*out_len = o;
	free(in);
	return out;
}

redact_stream_t *redact_stream_new(redact_t *r)
{
	redact_stream_t *s = calloc(1, sizeof *s);

	if (s)
		s->r = r;
	return s;
}

int redact_stream_feed(redact_stream_t *s, int64_t time_ns, const char *data,
		       size_t len, bool final, redact_emit_fn emit, void *user)
{
	size_t total = s->held + len, split = s->held, o = 0, pos, hold, first;
	const size_t top = (size_t)1 << (sizeof(size_t) * 8 - 1);
	int flags = (s->started ? REG_NOTBOL : 0) | (final ? 0 : REG_NOTEOL);

	if (redact_reserve(&s->buf, &s->cap, total + 1) < 0 ||
	    redact_reserve(&s->ob, &s->ob_cap, redact_out_max(total)) < 0) {
		s->held = 0; /* drop rather than leak unfiltered data */
		return -ENOMEM;
	}
	if (len)
		memcpy(s->buf + s->held, data, len);
	/* REG_STARTEND bounds the match, but some regexec wrappers (ASan's)
	 * still run strlen over the string. */
	s->buf[total] = '\0';
	if (!s->held)
		s->held_t = time_ns;
	pos = redact_scan(s->r, s->buf, total, !final, flags, s->ob, &o, &first);
	if (pos & top) {          /* a match still growing at the end */
		hold = pos & ~top;
	} else if (final) {
		hold = total;
	} else {
		hold = total > REDACT_HOLD ? total - REDACT_HOLD : 0;
		if (hold < pos)
			hold = pos;
		while (hold < total && ((unsigned char)s->buf[hold] & 0xc0) == 0x80)
			hold++;
	}
	if (!(pos & top)) {
		memcpy(s->ob + o, s->buf + pos, hold - pos);
		o += hold - pos;
	} else {
		pos = hold;
	}
	/* Output before the first replacement that came from held bytes keeps
	 * the held time; the rest is stamped with this read's time. */
	size_t early = split;
	if (first != SIZE_MAX && first < early)
		early = first;
	if (hold < early)
		early = hold;
	if (o) {
		size_t e = early <= o ? early : o;
		if (e && s->held)
			emit(user, s->held_t, s->ob, e);
		else
			e = 0;
		if (o > e)
			emit(user, time_ns, s->ob + e, o - e);
	}
	if (total)
		s->started = true;
	int64_t new_t = hold < split ? s->held_t : time_ns;
	memmove(s->buf, s->buf + hold, total - hold);
	s->held = total - hold;
	s->held_t = new_t;
	return 0;
}

size_t redact_stream_held(const redact_stream_t *s)
{
	return s->held;
}

void redact_stream_free(redact_stream_t *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s->ob);
	free(s);
}

void redact_free(redact_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		regfree(&r->re[i]);
	free(r->re);
	free(r);
}
