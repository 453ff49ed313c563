/* strace_line: parse the lines strace prints (see strace_line.h).
 *
 * A hand-written scanner: strace's output is not a grammar but a set of
 * shapes, and the only hard part is finding the parenthesis that closes a
 * call's arguments when strings hold quotes, parentheses and escapes. */
#include <string.h>

#include <jansson.h>

#include "tracecast/strace_line.h"
#include "tracecast/cast_types.h"

/* A cursor over [p, end). */
typedef struct scan {
	const char *p;
	const char *end;
} scan_t;

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_';
}

static void skip_spaces(scan_t *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t'))
		sc->p++;
}

static bool starts_with(const scan_t *sc, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(sc->end - sc->p) >= n && memcmp(sc->p, lit, n) == 0;
}

static bool ends_with(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - s) >= n && memcmp(end - n, lit, n) == 0;
}

/* Parse a run of decimal digits into *v (saturating); returns the count. */
static size_t scan_long(scan_t *sc, long *v)
{
	size_t n = 0;
	long x = 0;
	while (sc->p < sc->end && is_digit(*sc->p)) {
		if (x < 100000000000000L)
			x = x * 10 + (*sc->p - '0');
		sc->p++;
		n++;
	}
	*v = x;
	return n;
}

/* Scan from sc->p (just inside an opening bracket, nesting depth 1) to the
 * bracket that closes it, skipping quoted strings with their escapes.
 * Returns the closing position or NULL when the text ends first. */
static const char *find_close(const char *p, const char *end)
{
	/* 1: a bracket or quote; the rest is skipped in a tight loop (this
	 * scan is most of the cost of indexing millions of lines) */
	static const unsigned char special[256] = {
		['"'] = 1, ['('] = 1, ['['] = 1, ['{'] = 1, [')'] = 1, [']'] = 1, ['}'] = 1,
	};
	int depth = 1;

	for (; p < end; p++) {
		while (p < end && !special[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		switch (*p) {
		case '"':
			/* to the closing quote, skipping escapes */
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			if (p == end)
				return NULL;
			break;
		case '(': case '[': case '{':
			depth++;
			break;
		default:
			if (--depth == 0)
				return p;
			break;
		}
	}
	return NULL;
}

/* "<SECS.FRAC>" -> ns, or -1 when the text is not a duration. */
static int64_t parse_duration(const char *p, const char *end)
{
	if (end - p < 3 || *p != '<' || end[-1] != '>')
		return -1;
	scan_t sc = { p + 1, end - 1 };
	long secs;
	if (scan_long(&sc, &secs) == 0 || sc.p >= sc.end || *sc.p != '.')
		return -1;
	sc.p++;
	int64_t frac = 0;
	int digits = 0;
	while (sc.p < sc.end && is_digit(*sc.p)) {
		if (digits < 9) {
			frac = frac * 10 + (*sc.p - '0');
			digits++;
		}
		sc.p++;
	}
	if (sc.p != sc.end || digits == 0)
		return -1;
	while (digits++ < 9)
		frac *= 10;
	/* clamped at the input boundary: a duration is a time */
	if (secs >= CAST_TIME_MAX_NS / CAST_NS_PER_SEC)
		return CAST_TIME_MAX_NS;
	return (int64_t)secs * 1000000000 + frac;
}

/* After the closing parenthesis: " = RET [ERRNO] [(TEXT)] [<DUR>]". */
static void parse_tail(scan_t *sc, strace_line_t *out)
{
	skip_spaces(sc);
	if (sc->p >= sc->end || *sc->p != '=')
		return;
	sc->p++;
	skip_spaces(sc);
	const char *r = sc->p;
	while (sc->p < sc->end && *sc->p != ' ') {
		if (*sc->p == '<' && sc->p != r) {
			/* -y decoration "3</dev/pts/0>": may hold spaces */
			const char *gt = memchr(sc->p, '>', (size_t)(sc->end - sc->p));
			if (!gt)
				break;
			sc->p = gt;
		}
		sc->p++;
	}
	if (sc->p == r)
		return;
	out->has_ret = true;
	out->ret = r;
	out->ret_len = (size_t)(sc->p - r);
	skip_spaces(sc);
	if (sc->p < sc->end && *sc->p >= 'A' && *sc->p <= 'Z') {
		const char *e = sc->p;
		while (sc->p < sc->end && is_name_char(*sc->p))
			sc->p++;
		out->err = e;
		out->err_len = (size_t)(sc->p - e);
		skip_spaces(sc);
	}
	if (sc->p < sc->end && *sc->p == '(') {
		const char *close = find_close(sc->p + 1, sc->end);
		if (close) {
			out->err_text = sc->p + 1;
			out->err_text_len = (size_t)(close - sc->p - 1);
			sc->p = close + 1;
			skip_spaces(sc);
		}
	}
	if (sc->p < sc->end && *sc->p == '<') {
		const char *e = sc->end;
		while (e > sc->p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		out->dur_ns = parse_duration(sc->p, e);
	}
}

/* "+++ exited with N +++" / "+++ killed by SIGX [(core dumped)] +++". */
static void parse_exit(scan_t *sc, strace_line_t *out)
{
	sc->p += 4;
	if (starts_with(sc, "exited with ")) {
		sc->p += 12;
		bool neg = sc->p < sc->end && *sc->p == '-';
		if (neg)
			sc->p++;
		long v;
		if (scan_long(sc, &v) == 0)
			return;
		out->kind = STRACE_EXITED;
		out->exit_code = (int)(neg ? -v : v);
	} else if (starts_with(sc, "killed by ")) {
		sc->p += 10;
		const char *n = sc->p;
		while (sc->p < sc->end && is_name_char(*sc->p))
			sc->p++;
		if (sc->p == n)
			return;
		out->kind = STRACE_KILLED;
		out->name = n;
		out->name_len = (size_t)(sc->p - n);
		skip_spaces(sc);
		out->core_dumped = starts_with(sc, "(core dumped)");
	}
}

/* "--- SIGCHLD {...} ---" or "--- stopped by SIGSTOP ---". */
static void parse_signal(scan_t *sc, strace_line_t *out)
{
	sc->p += 4;
	if (starts_with(sc, "stopped by "))
		sc->p += 11;
	const char *n = sc->p;
	while (sc->p < sc->end && is_name_char(*sc->p))
		sc->p++;
	if (sc->p == n || n[0] != 'S')
		return;
	out->kind = STRACE_SIGNAL;
	out->name = n;
	out->name_len = (size_t)(sc->p - n);
	skip_spaces(sc);
	const char *e = sc->end;
	if (ends_with(sc->p, e, "---"))
		e -= 3;
	while (e > sc->p && e[-1] == ' ')
		e--;
	if (e > sc->p) {
		out->args = sc->p;
		out->args_len = (size_t)(e - sc->p);
	}
}

/* "<... NAME resumed>ARGS) = RET ...". */
static void parse_resumed(scan_t *sc, strace_line_t *out)
{
	sc->p += 5;
	const char *n = sc->p;
	while (sc->p < sc->end && is_name_char(*sc->p))
		sc->p++;
	if (sc->p == n || !starts_with(sc, " resumed>"))
		return;
	out->kind = STRACE_RESUMED;
	out->name = n;
	out->name_len = (size_t)(sc->p - n);
	sc->p += 9;
	const char *a = sc->p;
	const char *close = find_close(a, sc->end);
	if (!close) {
		out->args = a;
		out->args_len = (size_t)(sc->end - a);
		return;
	}
	out->args = a;
	out->args_len = (size_t)(close - a);
	sc->p = close + 1;
	parse_tail(sc, out);
}

/* "NAME(ARGS) = RET ..." or "NAME(ARGS <unfinished ...>". */
static void parse_call(scan_t *sc, strace_line_t *out)
{
	const char *n = sc->p;
	while (sc->p < sc->end && is_name_char(*sc->p))
		sc->p++;
	if (sc->p == n || sc->p >= sc->end || *sc->p != '(')
		return;
	const char *a = sc->p + 1;
	const char *e = sc->end;
	while (e > a && e[-1] == ' ')
		e--;
	if (ends_with(a, e, "<unfinished ...>")) {
		e -= 16;
		while (e > a && e[-1] == ' ')
			e--;
		out->kind = STRACE_UNFINISHED;
		out->name = n;
		out->name_len = (size_t)(sc->p - n);
		out->args = a;
		out->args_len = (size_t)(e - a);
		return;
	}
	const char *close = find_close(a, sc->end);
	if (!close)
		return;
	out->kind = STRACE_CALL;
	out->name = n;
	out->name_len = (size_t)(sc->p - n);
	out->args = a;
	out->args_len = (size_t)(close - a);
	sc->p = close + 1;
	parse_tail(sc, out);
}

void strace_line_parse(const char *s, size_t len, strace_line_t *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = STRACE_OTHER;
	out->dur_ns = -1;
	if (!s)
		return;
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	scan_t sc = { s, s + len };
	if (sc.p < sc.end && *sc.p == '@') {
		scan_t t = { sc.p + 1, sc.end };
		long pid;
		if (scan_long(&t, &pid) > 0 && t.p < t.end && *t.p == ' ') {
			out->attach_pid = pid;
			sc.p = t.p + 1;
		}
	}
	if (sc.p < sc.end && is_digit(*sc.p)) {
		scan_t t = sc;
		long tid;
		scan_long(&t, &tid);
		if (t.p == t.end || *t.p == ' ') {
			out->tid = tid;
			sc.p = t.p;
			skip_spaces(&sc);
		}
	}
	if (starts_with(&sc, "+++ "))
		parse_exit(&sc, out);
	else if (starts_with(&sc, "--- "))
		parse_signal(&sc, out);
	else if (starts_with(&sc, "<... "))
		parse_resumed(&sc, out);
	else
		parse_call(&sc, out);
	if (out->kind == STRACE_OTHER) {
		long tid = out->tid, attach = out->attach_pid;
		memset(out, 0, sizeof(*out));
		out->kind = STRACE_OTHER;
		out->tid = tid;
		out->attach_pid = attach;
		out->dur_ns = -1;
	}
}

int strace_line_split_stamp(const char *s, size_t len, int64_t *real_ns,
			    char *rest_buf, size_t *rest_len)
{
	scan_t sc = { s, s + len };
	const char *tid_end = s; /* TID and its padding, kept */
	long v;
	if (scan_long(&sc, &v) > 0 && sc.p < sc.end && *sc.p == ' ') {
		skip_spaces(&sc);
		tid_end = sc.p;
	} else {
		sc.p = s;
	}
	long secs;
	int64_t frac = 0;
	int digits = 0;
	if (scan_long(&sc, &secs) == 0 || sc.p >= sc.end || *sc.p != '.')
		goto nostamp;
	sc.p++;
	while (sc.p < sc.end && is_digit(*sc.p)) {
		if (digits < 9) {
			frac = frac * 10 + (*sc.p - '0');
			digits++;
		}
		sc.p++;
	}
	if (digits == 0 || (sc.p < sc.end && *sc.p != ' '))
		goto nostamp;
	while (digits++ < 9)
		frac *= 10;
	/* seconds whose nanoseconds would overflow int64: not a stamp */
	if (secs > (INT64_MAX - frac) / 1000000000)
		goto nostamp;
	if (sc.p < sc.end)
		sc.p++; /* the one space after the stamp */
	size_t head = (size_t)(tid_end - s);
	size_t tail = (size_t)(sc.end - sc.p);
	memmove(rest_buf, s, head);
	memmove(rest_buf + head, sc.p, tail);
	rest_buf[head + tail] = '\0';
	*rest_len = head + tail;
	*real_ns = (int64_t)secs * 1000000000 + frac;
	return 0;
nostamp:
	memmove(rest_buf, s, len);
	rest_buf[len] = '\0';
	*rest_len = len;
	*real_ns = 0;
	return -1;
}

strace_time_base_t strace_time_base_of(const struct json_t *header)
{
	json_t *tc = header ? json_object_get((const json_t *)header, "tracecast") : NULL;
	const char *v = json_string_value(json_object_get(tc, "s_time"));

	return v && !strcmp(v, "end") ? STRACE_TIME_END : STRACE_TIME_START;
}

void strace_line_span(const strace_line_t *l, int64_t t_ns, strace_time_base_t base,
		      int64_t *start_ns, int64_t *end_ns)
{
	int64_t d = l->dur_ns > 0 ? l->dur_ns : 0;

	if (t_ns < 0)
		t_ns = 0;
	*start_ns = *end_ns = t_ns;
	if (!d || l->kind == STRACE_UNFINISHED)
		return;
	if (base == STRACE_TIME_END)
		*start_ns = t_ns > d ? t_ns - d : 0;
	else
		*end_ns = t_ns > INT64_MAX - d ? INT64_MAX : t_ns + d;
}
