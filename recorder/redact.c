/* redact: replace matches of --redact patterns by "[REDACTED]", in single
 * events and across the reads of a byte stream. */
#include "redact.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

/* An escape sequence longer than this is not one a program sends. */
#define REDACT_ESC_MAX 4096

struct redact {
	regex_t *re;
	size_t n;
	unsigned long count;
	char **lit;           /* per pattern: the literal its matches start with */
	size_t *lit_len;      /* 0: none known (anything may start a match) */
	bool *lit_full;       /* the literal is the whole pattern */
};

typedef struct redact_seg {
	size_t off;           /* first byte of buf read at t */
	int64_t t;
} redact_seg_t;

struct redact_stream {
	redact_t *r;
	char *buf;            /* held bytes, then the new data appended */
	size_t len, cap;
	redact_seg_t *seg;    /* read times of buf's bytes, by offset */
	size_t n_seg, seg_cap;
	char *view;           /* buf without escape sequences */
	size_t view_cap;
	size_t *map;          /* view byte -> buf byte */
	size_t map_cap;
	bool started;         /* some data went by: '^' no longer matches at 0 */
};

static int redact_literal(const char *pat, char **lit, size_t *n, bool *full);

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
	if (n && (!(r->lit = calloc(n, sizeof *r->lit)) || !(r->lit_len = calloc(n, sizeof *r->lit_len)) ||
		  !(r->lit_full = calloc(n, sizeof *r->lit_full)))) {
		redact_free(r);
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
		if (redact_literal(patterns[r->n], &r->lit[r->n], &r->lit_len[r->n],
				   &r->lit_full[r->n]) < 0) {
			r->n++;
			redact_free(r);
			return -ENOMEM;
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

/* --- what could still start a match --- */

/* The literal text a pattern's matches must start with (its leading
 * characters up to the first operator; none when it has an alternation or
 * an anchor), and whether that literal is the whole pattern. */
static int redact_literal(const char *pat, char **lit, size_t *n, bool *full)
{
	size_t len = strlen(pat), o = 0;
	char *l = malloc(len + 1);

	if (!l)
		return -ENOMEM;
	*full = false;
	if (!strchr(pat, '|')) {
		size_t i = 0;
		for (; i < len; i++) {
			char c = pat[i];
			if (c == '\\' && i + 1 < len && strchr("\\^$.[]()|*+?{}", pat[i + 1])) {
				l[o++] = pat[++i];
				continue;
			}
			if (strchr("\\^$.[]()|*+?{}", c))
				break;
			l[o++] = c;
		}
		*full = i == len;
		/* "ab*", "ab?", "ab{0,1}": the last literal is optional */
		if (i < len && o && strchr("*?{", pat[i])) {
			o--;
			*full = false;
		}
	}
	*lit = l;
	*n = o;
	return 0;
}

/* Could s[0..len) be the start of a match of some pattern? */
static bool redact_viable(const redact_t *r, const char *s, size_t len)
{
	for (size_t i = 0; i < r->n; i++) {
		size_t n = r->lit_len[i];
		if (n == 0)
			return true; /* no literal start: anything could be */
		if (len <= n ? !memcmp(s, r->lit[i], len)
			     : !r->lit_full[i] && !memcmp(s, r->lit[i], n))
			return true;
	}
	return false;
}

/* Offset of the longest suffix of s[from..len) that could start a match
 * (len when none), never holding more than REDACT_HOLD bytes. */
static size_t redact_hold_from(const redact_t *r, const char *s, size_t from, size_t len)
{
	size_t k = len > REDACT_HOLD && len - REDACT_HOLD > from ? len - REDACT_HOLD : from;

	for (; k < len; k++)
		if (((unsigned char)s[k] & 0xc0) != 0x80 && redact_viable(r, s + k, len - k))
			return k;
	return len;
}

/* --- the text a terminal shows: escape sequences skipped --- */

/* Length of the escape sequence at s[0] (ESC or a C1 CSI/OSC/DCS...),
 * 0 when s[0] starts none; *open is set when the data ends inside it. */
static size_t redact_esc_len(const char *s, size_t len, bool *open)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	int kind; /* 1 CSI, 2 string (OSC, DCS, APC, PM, SOS), 3 ESC + final */

	*open = false;
	if (u[0] == 0x1b) {
		if (len < 2) {
			*open = true;
			return len;
		}
		kind = u[1] == '[' ? 1 : strchr("]P_^X", u[1]) ? 2 : 3;
		i = 2;
	} else if (u[0] == 0xc2 && len >= 2 && (u[1] == 0x9b || u[1] == 0x9d || u[1] == 0x90 ||
						u[1] == 0x9f || u[1] == 0x9e || u[1] == 0x98)) {
		kind = u[1] == 0x9b ? 1 : 2;
		i = 2;
	} else {
		return 0;
	}
	if (kind == 3) {
		i = 1;
		while (i < len && u[i] >= 0x20 && u[i] < 0x30) /* intermediates */
			i++;
		if (i >= len) {
			*open = true;
			return len;
		}
		return i + 1;
	}
	for (; i < len && i < REDACT_ESC_MAX; i++) {
		if (kind == 1 && u[i] >= 0x40 && u[i] <= 0x7e)
			return i + 1;
		if (kind == 2 && (u[i] == 0x07 || (u[i] == 0xc2 && i + 1 < len && u[i + 1] == 0x9c)))
			return i + 1 + (u[i] == 0xc2);
		if (kind == 2 && u[i] == 0x1b && i + 1 < len && u[i + 1] == '\\')
			return i + 2;
		if (u[i] == 0x18 || u[i] == 0x1a)
			return i + 1;
	}
	if (i >= REDACT_ESC_MAX)
		return i; /* too long to be a sequence a program sends: stop */
	*open = true;
	return len;
}

/* The view of buf[0..len) without escape sequences (s->view, s->map:
 * view byte j is buf byte map[j]); returns its length, and in *open the
 * start of an unfinished sequence at the end (len when none). */
static size_t redact_view(redact_stream_t *s, size_t len, size_t *open)
{
	size_t v = 0;

	*open = len;
	for (size_t i = 0; i < len;) {
		bool o;
		size_t e = redact_esc_len(s->buf + i, len - i, &o);
		if (e) {
			if (o)
				*open = i;
			i += e;
			continue;
		}
		s->view[v] = s->buf[i];
		s->map[v++] = i++;
	}
	s->view[v] = '\0';
	return v;
}

/* --- pieces out, each byte with the time it was read --- */

/* Emit buf[a..b), cut where the read times change. */
static void redact_out_raw(redact_stream_t *s, size_t a, size_t b, redact_emit_fn emit, void *user)
{
	for (size_t k = 0; k < s->n_seg && a < b; k++) {
		size_t end = k + 1 < s->n_seg ? s->seg[k + 1].off : SIZE_MAX;
		if (a >= end)
			continue;
		size_t e = b < end ? b : end;
		emit(user, s->seg[k].t, s->buf + a, e - a);
		a = e;
	}
}

/* Read time of buf[a]. */
static int64_t redact_time_at(const redact_stream_t *s, size_t a)
{
	size_t k = 0;

	while (k + 1 < s->n_seg && s->seg[k + 1].off <= a)
		k++;
	return s->n_seg ? s->seg[k].t : 0;
}

/* Filter what is buffered: mode 0 holds what could still start a match,
 * 1 (the end) and 2 (held for the whole window) hand everything out. */
static void redact_process(redact_stream_t *s, int mode, redact_emit_fn emit, void *user)
{
	size_t total = s->len, open, so = 0, eo = 0, pv = 0, pb = 0, hold;
	int flags = (mode == 1 ? 0 : REG_NOTEOL);
	bool held = false;
	size_t vn = redact_view(s, total, &open);

	while (pv < vn && redact_find(s->r, s->view, pv, vn,
				      flags | ((pv || s->started) ? REG_NOTBOL : 0), &so, &eo)) {
		if (eo == so) { /* empty match: step over one character */
			pv = so + redact_charlen(s->view + so, vn - so);
			continue;
		}
		if (mode == 0 && eo == vn && vn - so <= REDACT_HOLD_MAX) {
			hold = s->map[so]; /* may still grow: hold from its start */
			held = true;
			break;
		}
		size_t a = s->map[so], b = s->map[eo - 1] + 1;
		redact_out_raw(s, pb, a, emit, user);
		emit(user, redact_time_at(s, a), REDACT_TEXT, sizeof REDACT_TEXT - 1);
		s->r->count++;
		pb = b;
		pv = eo;
	}
	if (!held) {
		hold = total;
		if (mode == 0) {
			size_t hv = redact_hold_from(s->r, s->view, pv, vn);
			hold = hv < vn ? s->map[hv] : open;
			if (open < hold)
				hold = open;
		}
	}
	if (hold < pb)
		hold = pb;
	redact_out_raw(s, pb, hold, emit, user);
	if (total)
		s->started = true;
	/* keep buf[hold..total) and its times */
	size_t k = 0;
	while (k + 1 < s->n_seg && s->seg[k + 1].off <= hold)
		k++;
	size_t m = 0;
	for (; hold < total && k < s->n_seg; k++, m++) {
		s->seg[m] = s->seg[k];
		s->seg[m].off = s->seg[m].off > hold ? s->seg[m].off - hold : 0;
	}
	s->n_seg = m;
	memmove(s->buf, s->buf + hold, total - hold);
	s->len = total - hold;
}

int redact_stream_feed(redact_stream_t *s, int64_t time_ns, const char *data,
		       size_t len, bool final, redact_emit_fn emit, void *user)
{
	size_t total = s->len + len;

	if (redact_reserve(&s->buf, &s->cap, total + 1) < 0 ||
	    redact_reserve(&s->view, &s->view_cap, total + 1) < 0 ||
	    redact_reserve((char **)&s->map, &s->map_cap, (total + 1) * sizeof *s->map) < 0 ||
	    redact_reserve((char **)&s->seg, &s->seg_cap, (s->n_seg + 1) * sizeof *s->seg) < 0) {
		s->len = s->n_seg = 0; /* drop rather than leak unfiltered data */
		return -ENOMEM;
	}
	if (len) {
		memcpy(s->buf + s->len, data, len);
		if (s->n_seg && s->seg[s->n_seg - 1].t == time_ns) {
			/* same time: the same piece */
		} else {
			s->seg[s->n_seg].off = s->len;
			s->seg[s->n_seg++].t = time_ns;
		}
	}
	s->len = total;
	/* REG_STARTEND bounds the match, but some regexec wrappers (ASan's)
	 * still run strlen over the string. */
	s->buf[total] = '\0';
	redact_process(s, final ? 1 : 0, emit, user);
	return 0;
}

int64_t redact_stream_held_since(const redact_stream_t *s)
{
	return s && s->len && s->n_seg ? s->seg[0].t : INT64_MAX;
}

void redact_stream_expire(redact_stream_t *s, int64_t now, int64_t window,
			  redact_emit_fn emit, void *user)
{
	if (s->len && s->n_seg && s->seg[0].t <= now - window) {
		s->buf[s->len] = '\0';
		redact_process(s, 2, emit, user);
	}
}

size_t redact_stream_held(const redact_stream_t *s)
{
	return s->len;
}

void redact_stream_free(redact_stream_t *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s->view);
	free(s->map);
	free(s->seg);
	free(s);
}

/* --- strace lines --- */

/* Calls whose string arguments are data buffers (what a program reads,
 * writes, sends, receives, or keeps as a key): with --redact they are
 * recorded as their length only, unless asked for. */
static const char *const redact_io_calls[] = {
	"read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev",
	"preadv2", "pwritev2", "recv", "recvfrom", "recvmsg", "recvmmsg", "send", "sendto",
	"sendmsg", "sendmmsg", "process_vm_readv", "process_vm_writev", "vmsplice",
	"mq_timedsend", "mq_timedreceive", "msgsnd", "msgrcv", "add_key", "keyctl",
	"request_key", "ioctl", "getrandom", "setxattr", "lsetxattr", "fsetxattr",
	"getxattr", "lgetxattr", "fgetxattr",
};

/* The call name of an "s" line: "TID NAME(" or "TID <... NAME resumed>". */
static bool redact_is_io_call(const char *l, size_t len)
{
	size_t i = 0, a;

	while (i < len && (l[i] == ' ' || (l[i] >= '0' && l[i] <= '9') || l[i] == '@'))
		i++;
	if (len - i > 5 && !memcmp(l + i, "<... ", 5))
		i += 5;
	a = i;
	while (i < len && (l[i] == '_' || (l[i] >= 'a' && l[i] <= 'z') || (l[i] >= '0' && l[i] <= '9')))
		i++;
	for (size_t k = 0; k < sizeof redact_io_calls / sizeof *redact_io_calls; k++)
		if (strlen(redact_io_calls[k]) == i - a && !memcmp(redact_io_calls[k], l + a, i - a))
			return true;
	return false;
}

/* Decode strace's string escapes (\ooo, \xhh, \" \\ \t \n \v \f \r) of
 * s[0..len) into out (at most len bytes). */
static size_t redact_unescape(const char *s, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\' || i + 1 >= len) {
			out[o++] = s[i];
			continue;
		}
		char c = s[++i];
		const char *simple = strchr("t\tn\nv\vf\fr\ra\ab\be\033", c);
		if (c >= '0' && c <= '7') {
			unsigned v = 0;
			for (int k = 0; k < 3 && i < len && s[i] >= '0' && s[i] <= '7'; k++)
				v = v * 8 + (unsigned)(s[i++] - '0');
			i--;
			out[o++] = (char)v;
		} else if (c == 'x' && i + 2 < len + 0 && isxdigit((unsigned char)s[i + 1]) &&
			   isxdigit((unsigned char)s[i + 2])) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			out[o++] = (char)strtoul(hex, NULL, 16);
			i += 2;
		} else if (simple && ((simple - "t\tn\nv\vf\fr\ra\ab\be\033") % 2) == 0) {
			out[o++] = simple[1];
		} else {
			out[o++] = c; /* \" \\ and anything else */
		}
	}
	return o;
}

/* Append s[0..len) escaped as strace does (printable ASCII as is). */
static void redact_escape(const char *s, size_t len, char *out, size_t *o)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[(*o)++] = '\\';
			out[(*o)++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			out[(*o)++] = (char)c;
		} else {
			out[(*o)++] = '\\';
			out[(*o)++] = 'x';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
}

char *redact_strace(redact_t *r, const char *line, size_t len, bool keep_buffers,
		    size_t *out_len)
{
	bool io = !keep_buffers && redact_is_io_call(line, len);
	/* each string byte may become \xhh (4), a cut tail REDACT_TEXT */
	char *out = malloc(len * 4 + sizeof REDACT_TEXT * 4 + 16);
	char *u = malloc(len + 1), *w = NULL;
	size_t o = 0, i = 0;

	if (!out || !u)
		goto oom;
	while (i < len) {
		if (line[i] != '"') {
			out[o++] = line[i++];
			continue;
		}
		size_t a = ++i; /* inside the quotes */
		while (i < len && line[i] != '"')
			i += line[i] == '\\' ? 2 : 1;
		size_t b = i < len ? i : len;
		i = b + 1;
		bool cut = i + 3 <= len && !memcmp(line + i, "...", 3);
		out[o++] = '"';
		if (io) {
			/* a data buffer: its length is in the call's arguments */
			out[o++] = '"';
			if (!cut && b > a) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			continue;
		}
		size_t n = redact_unescape(line + a, b - a, u), wn, k;
		u[n] = '\0';
		unsigned long before = r->count;
		free(w);
		w = redact_apply(r, u, n, &wn);
		if (!w)
			goto oom;
		/* cut by strace's -s: the tail could be the start of a secret */
		if (cut && (k = redact_hold_from(r, w, 0, wn)) < wn) {
			wn = k;
			memcpy(w + wn, REDACT_TEXT, sizeof REDACT_TEXT - 1);
			wn += sizeof REDACT_TEXT - 1;
			r->count++;
		}
		if (r->count == before) {
			memcpy(out + o, line + a, b - a); /* unchanged: as strace wrote it */
			o += b - a;
		} else {
			redact_escape(w, wn, out, &o);
		}
		if (b < len)
			out[o++] = '"';
	}
	out[o] = '\0';
	free(u);
	free(w);
	/* and the whole line, for what is outside strings */
	w = redact_apply(r, out, o, out_len);
	free(out);
	return w;
oom:
	free(out);
	free(u);
	free(w);
	return NULL;
}

void redact_free(redact_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		regfree(&r->re[i]);
		if (r->lit)
			free(r->lit[i]);
	}
	free(r->lit);
	free(r->lit_len);
	free(r->lit_full);
	free(r->re);
	free(r);
}
