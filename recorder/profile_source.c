/* profile_source: parse --profile=SPEC and build the profiler sources. */
#include "profile_source.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf_source.h"
#include "proc_sampler.h"
#include "pyout_source.h"
#include "python_source.h"

/* What a source may need besides its rate. */
typedef struct profile_ctx {
	const pid_t *attach;
	size_t n_attach;
	rec_notes_t *notes; /* the messages for the front-end */
} profile_ctx_t;

static int make_proc(rec_source_t *src, unsigned hz, const profile_ctx_t *c)
{
	(void)c;
	return proc_sampler_source_new(src, hz);
}

static int make_perf(rec_source_t *src, unsigned hz, const profile_ctx_t *c)
{
	return perf_source_new(src, hz, c->notes);
}

static int make_py_inside(rec_source_t *src, unsigned hz, const profile_ctx_t *c)
{
	return python_source_new(src, hz, c->notes);
}

static int make_py_outside(rec_source_t *src, unsigned hz, const profile_ctx_t *c)
{
	char err[200];
	int r = pyout_probe(err, sizeof err);
	if (r < 0) {
		rec_note(c->notes, "tracecast: --profile=python-outside: the recorder cannot read "
			 "other processes' memory here (%s); use --profile=python (it falls back "
			 "to the in-process sampler) or python-inside", err);
		return r == -ENOMEM ? r : -EPERM;
	}
	return pyout_source_new(src, hz, c->attach, c->n_attach, c->notes);
}

/* python: the outside sampler when the recorder may read its children's
 * memory, else the in-process one, with one warning saying why. */
static int make_py_auto(rec_source_t *src, unsigned hz, const profile_ctx_t *c)
{
	char err[200];
	if (pyout_probe(err, sizeof err) == 0)
		return pyout_source_new(src, hz, c->attach, c->n_attach, c->notes);
	rec_note(c->notes, "tracecast: warning: --profile=python: the outside sampler cannot "
		 "run here (%s): using the in-process sampler instead (a thread in every "
		 "Python process started with site; blind while C code holds the GIL; "
		 "--strace-pid targets get no stacks)", err);
	return python_source_new(src, hz, c->notes);
}

typedef struct profile_kind {
	const char *name;
	unsigned def_hz, max_hz;
	int (*make)(rec_source_t *src, unsigned hz, const profile_ctx_t *c);
} profile_kind_t;

/* The python kinds are the last three: at most one of them. */
static const profile_kind_t profile_kinds[] = {
	{ "proc", 20, 1000, make_proc },
	{ "perf", 99, 10000, make_perf },
	{ "python", 100, 10000, make_py_auto },
	{ "python-inside", 100, 10000, make_py_inside },
	{ "python-outside", 100, 10000, make_py_outside },
};
#define PROFILE_NKINDS (sizeof(profile_kinds) / sizeof(profile_kinds[0]))
#define PROFILE_FIRST_PY 2

/* Parse one "NAME[:HZ]" item of length len. Returns the kind index or -1
 * (message noted); *hz gets the rate. */
static int profile_parse_item(const char *item, size_t len, unsigned *hz,
			      rec_notes_t *notes)
{
	const char *colon = memchr(item, ':', len);
	size_t nl = colon ? (size_t)(colon - item) : len;
	for (size_t k = 0; k < PROFILE_NKINDS; k++) {
		const profile_kind_t *pk = &profile_kinds[k];
		if (strlen(pk->name) != nl || strncmp(pk->name, item, nl) != 0)
			continue;
		*hz = pk->def_hz;
		if (!colon)
			return (int)k;
		char num[16];
		size_t dl = len - nl - 1;
		char *end;
		if (dl == 0 || dl >= sizeof(num))
			goto bad_hz;
		memcpy(num, colon + 1, dl);
		num[dl] = '\0';
		errno = 0;
		unsigned long v = strtoul(num, &end, 10);
		if (*end || errno || num[0] < '0' || num[0] > '9' || v < 1 || v > pk->max_hz)
			goto bad_hz;
		*hz = (unsigned)v;
		return (int)k;
bad_hz:
		rec_note(notes, "tracecast: --profile: bad rate in '%.*s': HZ must be a "
			 "whole number from 1 to %u (e.g. %s:%u)", (int)len, item,
			 pk->max_hz, pk->name, pk->def_hz);
		return -1;
	}
	rec_note(notes, "tracecast: --profile: unknown source '%.*s': use a comma "
		 "list of proc[:HZ], perf[:HZ], python[:HZ], python-inside[:HZ], "
		 "python-outside[:HZ] (e.g. --profile=proc,python)", (int)nl, item);
	return -1;
}

int profile_source_note_rate(json_t *sources, const char *key, unsigned hz)
{
	if (!sources)
		return 0;
	json_t *prof = json_object_get(sources, "profile");
	if (!prof) {
		prof = json_object();
		if (!prof || json_object_set_new(sources, "profile", prof) < 0)
			return -ENOMEM;
	}
	return json_object_set_new(prof, key, json_integer(hz)) < 0 ? -ENOMEM : 0;
}

int profile_sources_new(const char *spec, rec_source_t *srcs, size_t max, size_t *n,
			rec_notes_t *notes)
{
	return profile_sources_new_attach(spec, NULL, 0, srcs, max, n, notes);
}

int profile_sources_new_attach(const char *spec, const pid_t *attach, size_t n_attach,
			       rec_source_t *srcs, size_t max, size_t *n, rec_notes_t *notes)
{
	const profile_ctx_t ctx = { attach, n_attach, notes };
	size_t n_py = 0;
	unsigned hz[PROFILE_NKINDS] = {0};
	bool want[PROFILE_NKINDS] = {false};
	*n = 0;
	if (!spec || !*spec)
		spec = "proc";
	for (const char *p = spec;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			rec_note(notes, "tracecast: --profile: empty item in '%s'", spec);
			return -EINVAL;
		}
		unsigned h;
		int k = profile_parse_item(p, len, &h, notes);
		if (k < 0)
			return -EINVAL;
		if (want[k]) {
			rec_note(notes, "tracecast: --profile: '%s' is given twice in '%s'",
				 profile_kinds[k].name, spec);
			return -EINVAL;
		}
		want[k] = true;
		hz[k] = h;
		if (k >= PROFILE_FIRST_PY && ++n_py > 1) {
			rec_note(notes, "tracecast: --profile: give one of python, python-inside "
				 "and python-outside, not several, in '%s'", spec);
			return -EINVAL;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	for (size_t k = 0; k < PROFILE_NKINDS; k++) {
		if (!want[k])
			continue;
		if (*n == max) {
			rec_note(notes, "tracecast: --profile: too many sources");
			goto fail_einval;
		}
		int r = profile_kinds[k].make(&srcs[*n], hz[k], &ctx);
		if (r < 0 && r != -ENOMEM && profile_kinds[k].make == make_perf)
			continue; /* perf refused here: warned, record without it */
		if (r < 0) {
			for (size_t i = 0; i < *n; i++)
				if (srcs[i].free)
					srcs[i].free(srcs[i].self);
			*n = 0;
			return r;
		}
		(*n)++;
	}
	return 0;
fail_einval:
	for (size_t i = 0; i < *n; i++)
		if (srcs[i].free)
			srcs[i].free(srcs[i].self);
	*n = 0;
	return -EINVAL;
}
