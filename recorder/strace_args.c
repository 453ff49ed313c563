/* strace_args: split --strace=ARGS like a shell and refuse the options that
 * would break the recording's contract (see strace_args.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strace_args.h"

/* A growing word buffer. */
typedef struct word {
	char *s;
	size_t n, cap;
} word_t;

static int word_add(word_t *w, char c)
{
	if (w->n + 1 >= w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		char *s = realloc(w->s, cap);
		if (!s)
			return -ENOMEM;
		w->s = s;
		w->cap = cap;
	}
	w->s[w->n++] = c;
	w->s[w->n] = '\0';
	return 0;
}

int strace_args_split(const char *text, strv_t *out, char *err, size_t errlen)
{
	word_t w = { NULL, 0, 0 };
	bool in_word = false;
	int rc = 0;
	const char *p = text ? text : "";

	for (;;) {
		char c = *p;
		if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				rc = strv_push(out, w.s ? w.s : "");
				if (rc < 0)
					goto out;
				w.n = 0;
				if (w.s)
					w.s[0] = '\0';
				in_word = false;
			}
			if (c == '\0')
				break;
			p++;
			continue;
		}
		in_word = true;
		if (c == '\'') {
			const char *q = strchr(p + 1, '\'');
			if (!q) {
				snprintf(err, errlen, "--strace: unterminated ' in \"%s\"", text);
				rc = -EINVAL;
				goto out;
			}
			for (p++; p < q; p++)
				if ((rc = word_add(&w, *p)) < 0)
					goto out;
			p = q + 1;
		} else if (c == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && strchr("\"\\$`", p[1]) && p[1])
					p++;
				if ((rc = word_add(&w, *p)) < 0)
					goto out;
			}
			if (!*p) {
				snprintf(err, errlen, "--strace: unterminated \" in \"%s\"", text);
				rc = -EINVAL;
				goto out;
			}
			p++;
		} else if (c == '\\') {
			if (p[1] == '\0') {
				p++;
				continue;
			}
			if ((rc = word_add(&w, p[1])) < 0)
				goto out;
			p += 2;
		} else {
			if ((rc = word_add(&w, c)) < 0)
				goto out;
			p++;
		}
	}
out:
	free(w.s);
	return rc;
}

/* Short options that take an argument (the rest of the word or the next). */
static const char short_with_arg[] = "abeEIoOpPSsuUX";

/* Refused short options and why. */
static const char *short_refused(char c)
{
	switch (c) {
	case 'o': return "tracecast owns strace's output (-o)";
	case 'f': return "-f is always on (a second -f would mean -ff)";
	case 'c': case 'C': case 'w':
		return "summary mode (-c/-C/-w) prints no per-call lines";
	case 't': case 'r': case 'T':
		return "tracecast sets the timestamp options itself "
		       "(--absolute-timestamps=unix,ns --syscall-times=ns)";
	case 'p': return "use --strace-pid PID to attach to a running process";
	case 'D': return "-D would make strace leave the pty session";
	case 'd': return "-d debug output would go into the recorded terminal";
	case 'h': case 'V': return "-h/-V print and exit instead of tracing";
	default: return NULL;
	}
}

typedef struct longopt {
	const char *name;
	bool takes_arg;      /* required argument (may be the next word) */
	const char *refused; /* reason, or NULL when allowed */
} longopt_t;

static const longopt_t longopts[] = {
	{ "output", true, "tracecast owns strace's output (--output)" },
	{ "output-separately", false, "tracecast needs one output (-ff)" },
	{ "follow-forks", false, "-f is always on" },
	{ "summary", false, "summary mode prints no per-call lines" },
	{ "summary-only", false, "summary mode prints no per-call lines" },
	{ "summary-wall-clock", false, "summary mode prints no per-call lines" },
	{ "absolute-timestamps", false, "tracecast sets the timestamp options itself" },
	{ "timestamps", false, "tracecast sets the timestamp options itself" },
	{ "relative-timestamps", false, "tracecast sets the timestamp options itself" },
	{ "syscall-times", false, "tracecast sets the timestamp options itself" },
	{ "attach", true, "use --strace-pid PID to attach to a running process" },
	{ "daemonize", false, "--daemonize would make strace leave the pty session" },
	{ "debug", false, "debug output would go into the recorded terminal" },
	{ "help", false, "--help prints and exits instead of tracing" },
	{ "version", false, "--version prints and exits instead of tracing" },
	{ "trace", true, NULL },
	{ "trace-path", true, NULL },
	{ "env", true, NULL },
	{ "interruptible", true, NULL },
	{ "summary-sort-by", true, NULL },
	{ "summary-columns", true, NULL },
	{ "summary-syscall-overhead", true, NULL },
	{ "const-print-style", true, NULL },
	{ "columns", true, NULL },
	{ "string-limit", true, NULL },
	{ "user", true, NULL },
	{ "abbrev", true, NULL },
	{ "verbose", true, NULL },
	{ "raw", true, NULL },
	{ "read", true, NULL },
	{ "write", true, NULL },
	{ "signal", true, NULL },
	{ "status", true, NULL },
	{ "fault", true, NULL },
	{ "inject", true, NULL },
	{ "detach-on", true, NULL },
	{ "seccomp-bpf", false, NULL },
};

/* An -e EXPR: a syscall filter when its qualifier is trace/t or absent. */
static bool expr_is_trace(const char *e)
{
	const char *eq = strchr(e, '=');
	if (!eq)
		return true; /* "-e open" means "-e trace=open" */
	size_t n = (size_t)(eq - e);
	return (n == 5 && memcmp(e, "trace", 5) == 0) ||
	       (n == 1 && e[0] == 't');
}

/* Check one "--name[=value]" word; *skip_next when it takes the next word. */
static int check_long(const char *arg, bool *trace_filter, bool *has_seccomp,
		      bool *skip_next, char *err, size_t errlen)
{
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const longopt_t *hit = NULL;
	size_t nhits = 0;
	for (size_t i = 0; i < sizeof(longopts) / sizeof(longopts[0]); i++) {
		const longopt_t *o = &longopts[i];
		if (strncmp(o->name, name, n) != 0)
			continue;
		if (strlen(o->name) == n) { /* exact match wins (getopt_long) */
			hit = o;
			nhits = 1;
			break;
		}
		/* an abbreviation: any refused option it could mean refuses */
		if (o->refused) {
			snprintf(err, errlen, "--strace: %s is refused: %s", arg, o->refused);
			return -EINVAL;
		}
		hit = o;
		nhits++;
	}
	if (nhits == 1 && hit->refused) {
		snprintf(err, errlen, "--strace: %.*s is refused: %s", (int)(n + 2),
			 arg, hit->refused);
		return -EINVAL;
	}
	if (nhits == 1 && strncmp(hit->name, "trace", 5) == 0 && hit->name[5] == '\0')
		*trace_filter = true;
	if (nhits == 1 && strcmp(hit->name, "seccomp-bpf") == 0)
		*has_seccomp = true;
	*skip_next = nhits == 1 && hit->takes_arg && !eq;
	return 0;
}

int strace_args_check(const strv_t *args, bool *trace_filter,
		      bool *has_seccomp, char *err, size_t errlen)
{
	*trace_filter = false;
	*has_seccomp = false;
	for (size_t i = 0; i < args->n; i++) {
		const char *a = args->v[i];
		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0') {
			snprintf(err, errlen, "--strace: \"%s\" is not an option "
				 "(the command goes after tracecast's own options)", a);
			return -EINVAL;
		}
		if (a[1] == '-') {
			bool skip = false;
			int rc = check_long(a, trace_filter, has_seccomp, &skip, err, errlen);
			if (rc < 0)
				return rc;
			if (skip) {
				if (i + 1 >= args->n) {
					snprintf(err, errlen, "--strace: %s needs a value", a);
					return -EINVAL;
				}
				if (strcmp(a, "--trace") == 0)
					*trace_filter = true;
				i++;
			}
			continue;
		}
		/* a bundle of short options: "-fe", "-s256", "-etrace=open" */
		for (const char *c = a + 1; *c; c++) {
			const char *why = short_refused(*c);
			if (why) {
				snprintf(err, errlen, "--strace: -%c (in \"%s\") is refused: %s",
					 *c, a, why);
				return -EINVAL;
			}
			if (!strchr(short_with_arg, *c))
				continue;
			const char *val = c[1] ? c + 1 : NULL;
			if (!val) {
				if (i + 1 >= args->n) {
					snprintf(err, errlen, "--strace: -%c needs a value", *c);
					return -EINVAL;
				}
				val = args->v[++i];
			}
			if (*c == 'e' && expr_is_trace(val))
				*trace_filter = true;
			break;
		}
	}
	return 0;
}
