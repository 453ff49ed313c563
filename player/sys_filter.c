/* sys_filter: which syscall lines the panel shows (see sys_filter.h). */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/strace_line.h"
#include "sys_filter.h"

#define SF_MAX_IDS 64

struct sys_filter {
	char *name_src[SF_MAX_IDS]; /* syscall names as typed */
	size_t n_names;
	long tids[SF_MAX_IDS];
	size_t n_tids;
	bool failed;
	int64_t slow_ns;           /* 0 = no limit */
	bool has_re;
	regex_t re;
};

int sys_filter_parse_duration(const char *s, size_t len, int64_t *ns)
{
	char buf[32], *end;
	double mult = 1e6;

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	double v = strtod(buf, &end);
	if (end == buf || v < 0 || v > 1e12)
		return -1;
	if (!strcmp(end, "ns"))
		mult = 1;
	else if (!strcmp(end, "us"))
		mult = 1e3;
	else if (!strcmp(end, "ms") || !*end)
		mult = 1e6;
	else if (!strcmp(end, "s"))
		mult = 1e9;
	else
		return -1;
	*ns = (int64_t)(v * mult + 0.5);
	return 0;
}

/* "a,b,c" of value into list: names (copied) or numbers. */
static int sf_list(sys_filter_t *f, const char *key, const char *v, size_t len, bool names,
		   char *msg, size_t msg_size)
{
	size_t i = 0;

	if (!len) {
		snprintf(msg, msg_size, "%s=: expected %s", key,
			 names ? "a syscall name (name=poll,epoll_wait)" : "a number (tid=4242)");
		return -EINVAL;
	}
	while (i <= len) {
		size_t e = i;
		while (e < len && v[e] != ',')
			e++;
		if (e == i) {
			snprintf(msg, msg_size, "%s=%.*s: empty item", key, (int)len, v);
			return -EINVAL;
		}
		if (names) {
			if (f->n_names == SF_MAX_IDS)
				goto many;
			for (size_t k = i; k < e; k++)
				if (!((v[k] >= 'a' && v[k] <= 'z') || (v[k] >= '0' && v[k] <= '9') ||
				      v[k] == '_')) {
					snprintf(msg, msg_size, "name=%.*s: '%.*s' is not a syscall name",
						 (int)len, v, (int)(e - i), v + i);
					return -EINVAL;
				}
			if (!(f->name_src[f->n_names] = strndup(v + i, e - i)))
				return -ENOMEM;
			f->n_names++;
		} else {
			char num[24], *end;
			if (f->n_tids == SF_MAX_IDS)
				goto many;
			if (e - i >= sizeof(num))
				goto bad_num;
			memcpy(num, v + i, e - i);
			num[e - i] = '\0';
			long n = strtol(num, &end, 10);
			if (*end || n <= 0)
				goto bad_num;
			f->tids[f->n_tids++] = n;
		}
		i = e + 1;
		continue;
bad_num:
		snprintf(msg, msg_size, "%s=%.*s: '%.*s' is not a thread id", key, (int)len, v,
			 (int)(e - i), v + i);
		return -EINVAL;
	}
	return 0;
many:
	snprintf(msg, msg_size, "%s=: at most %d items", key, SF_MAX_IDS);
	return -EINVAL;
}

int sys_filter_new(sys_filter_t **out, const char *src, char *msg, size_t msg_size)
{
	sys_filter_t *f;
	const char *p = src ? src : "";
	int rc = 0;

	*out = NULL;
	if (msg_size)
		msg[0] = '\0';
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
	if (!(f = calloc(1, sizeof(*f))))
		return -ENOMEM;
	for (;;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (n >= 5 && !strncmp(p, "name=", 5)) {
			rc = sf_list(f, "name", p + 5, n - 5, true, msg, msg_size);
		} else if (n >= 4 && (!strncmp(p, "tid=", 4) || !strncmp(p, "pid=", 4))) {
			rc = sf_list(f, p[0] == 't' ? "tid" : "pid", p + 4, n - 4, false, msg, msg_size);
		} else if (n == 6 && !strncmp(p, "failed", 6)) {
			f->failed = true;
		} else if (n >= 5 && !strncmp(p, "slow>", 5)) {
			size_t k = p[5] == '=' ? 6 : 5;
			if (sys_filter_parse_duration(p + k, n - k, &f->slow_ns) < 0) {
				snprintf(msg, msg_size, "%.*s: expected a duration (slow>10ms, slow>1.5s)",
					 (int)n, p);
				rc = -EINVAL;
			}
		} else {
			break; /* the rest is the expression */
		}
		if (rc < 0)
			goto fail;
		p += n;
	}
	if (*p) {
		int e = regcomp(&f->re, p, REG_EXTENDED | REG_NOSUB);
		if (e != 0) {
			char why[128];
			regerror(e, &f->re, why, sizeof(why));
			snprintf(msg, msg_size, "'%s': %s (a POSIX extended regular expression; "
				 "escape ( as \\()", p, why);
			rc = -EINVAL;
			goto fail;
		}
		f->has_re = true;
	}
	*out = f;
	return 0;
fail:
	sys_filter_free(f);
	return rc;
}

void sys_filter_free(sys_filter_t *f)
{
	if (!f)
		return;
	if (f->has_re)
		regfree(&f->re);
	for (size_t i = 0; i < f->n_names; i++)
		free(f->name_src[i]);
	free(f);
}

bool sys_filter_reads_text(const sys_filter_t *f)
{
	return f && f->has_re;
}

/* The call text without its "TID " prefix (an "@PID " tag stays). */
static const char *sf_after_tid(const char *p)
{
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

/* The "@PID" of an attached tracer's line, else 0. */
static long sf_attach_pid(const char *text)
{
	return text[0] == '@' ? strtol(text + 1, NULL, 10) : 0;
}

bool sys_filter_match(const sys_filter_t *f, const timeline_t *tl, size_t i, sbuf_t *text)
{
	tl_sys_t e;

	if (!f)
		return true;
	timeline_sys_get(tl, i, &e);
	if (f->failed && !(e.flags & TL_SYS_ERROR))
		return false;
	if (f->n_names) {
		const char *nm = timeline_sys_name(tl, e.name);
		bool ok = false;
		for (size_t k = 0; k < f->n_names && !ok; k++)
			ok = e.name != TL_NAME_NONE && !strcmp(f->name_src[k], nm);
		if (!ok)
			return false;
	}
	if (f->slow_ns) {
		int64_t d = e.dur_ns;
		if (d < 0 && (e.flags & TL_SYS_RESUMED) && e.pair >= 0) {
			tl_sys_t u;
			timeline_sys_get(tl, (size_t)e.pair, &u);
			d = e.t - u.t;
		}
		if (d < f->slow_ns)
			return false;
	}
	bool need_text = f->has_re || (f->n_tids && (e.flags & TL_SYS_ATTACHED));
	if (need_text)
		timeline_sys_text(tl, i, text);
	if (f->n_tids) {
		bool ok = false;
		long ap = (e.flags & TL_SYS_ATTACHED) ? sf_attach_pid(text->data ? text->data : "") : 0;
		for (size_t k = 0; k < f->n_tids && !ok; k++)
			ok = f->tids[k] == e.tid || (ap && f->tids[k] == ap);
		if (!ok)
			return false;
	}
	if (!f->has_re)
		return true;
	if (regexec(&f->re, sf_after_tid(text->data ? text->data : ""), 0, NULL, 0) == 0)
		return true;
	/* a resumed half also matches on its unfinished half's text */
	if ((e.flags & TL_SYS_RESUMED) && e.pair >= 0) {
		timeline_sys_text(tl, (size_t)e.pair, text);
		return regexec(&f->re, sf_after_tid(text->data ? text->data : ""), 0, NULL, 0) == 0;
	}
	return false;
}
