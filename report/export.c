/* export: folded, callgrind, speedscope, chrome and strace output from a
 * recording's events (see export.h). */
#include "export_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tracecast/strace_line.h"
#include "tracecast/version.h"
#include "tasks.h"

/* The item keyed k[0..len), created when new (*created, when not NULL,
 * says so); *idx its index. NULL on ENOMEM. */
static x_item_t *x_map_get(strmap_t *m, const char *k, size_t len, size_t *idx, bool *created)
{
	void *it;
	int rc = strmap_get(m, k, len, sizeof(x_item_t), &it, idx);
	if (created)
		*created = rc == 1;
	return rc < 0 ? NULL : it;
}

static x_item_t *x_at(const strmap_t *m, size_t i)
{
	return (x_item_t *)m->items[i];
}

static void x_item_free(void *p)
{
	x_item_t *it = p;
	if (it->spill)
		fclose(it->spill);
	free(it->frames);
}

int export_format_parse(const char *name, export_format_t *out)
{
	static const char *const names[] = { "folded", "callgrind", "speedscope", "chrome", "strace" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (export_format_t)i;
			return 0;
		}
	return -EINVAL;
}

int export_format_is_profile(export_format_t f)
{
	return f == EXPORT_FOLDED || f == EXPORT_CALLGRIND || f == EXPORT_SPEEDSCOPE;
}

/* Remember a write error; every writer goes through the FILE *. */
static void x_check(export_t *x)
{
	if (!x->err && ferror(x->fp))
		x->err = -EIO;
}

void export_json_str(export_t *x, const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	if (!j || json_dumpf(j, x->fp, JSON_ENCODE_ANY) < 0)
		fputs("\"?\"", x->fp);
	json_decref(j);
}

static double x_period(const json_t *profile, const char *key)
{
	double hz = json_number_value(json_object_get(profile, key));
	return hz > 0 ? 1.0 / hz : 0.01;
}

int export_new(export_t **out, const cast_header_t *hdr, const export_opts_t *o, FILE *fp)
{
	export_t *x = calloc(1, sizeof(*x));
	*out = NULL;
	if (!x)
		return -ENOMEM;
	x->o = *o;
	x->fp = fp;
	x->first = true;
	x->burst_t = -1;
	json_t *tc = hdr ? json_object_get(hdr->json, "tracecast") : NULL;
	json_t *prof = json_object_get(json_object_get(tc, "sources"), "profile");
	x->base = strace_time_base_of(hdr ? hdr->json : NULL);
	json_t *su = json_object_get(tc, "start_unix_ns");
	if (json_is_integer(su))
		x->start_unix_ns = json_integer_value(su);
	else if (hdr && hdr->has_timestamp && hdr->timestamp > 0 && hdr->timestamp < INT64_MAX / CAST_NS_PER_SEC)
		x->start_unix_ns = hdr->timestamp * CAST_NS_PER_SEC;
	x->perf_period = x_period(prof, "perf_hz");
	x->py_period = x_period(prof, "python_hz");
	if (o->format == EXPORT_CHROME) {
		fputs("[\n", fp); /* the JSON Array Format (no header object needed) */
		x_check(x);
	}
	*out = x;
	return x->err;
}

void export_free(export_t *x)
{
	if (!x)
		return;
	strmap_free(&x->frames, x_item_free);
	strmap_free(&x->stacks, x_item_free);
	strmap_free(&x->edges, x_item_free);
	strmap_free(&x->profiles, x_item_free);
	tasks_cleanup(&x->tasks);
	free(x);
}

unsigned long export_count(const export_t *x)
{
	return x->count;
}

unsigned long export_idle_skipped(const export_t *x)
{
	return x->idle_skipped;
}

static const char *x_comm(const export_t *x, long pid)
{
	const task_t *t = tasks_find(&x->tasks, pid);
	return t && t->comm[0] ? t->comm : NULL;
}

/* ---- stack samples: folded, callgrind, speedscope ---- */

/* Intern a stack: its frames get ids (callgrind, speedscope). */
static x_item_t *x_stack(export_t *x, const char *stack, size_t len, size_t *id)
{
	bool created;
	x_item_t *st = x_map_get(&x->stacks, stack, len, id, &created);
	if (!st || !created || x->o.format == EXPORT_FOLDED)
		return st;
	size_t nf = 1;
	for (size_t i = 0; i < len; i++)
		nf += stack[i] == ';';
	if (!(st->frames = malloc(nf * sizeof(*st->frames))))
		return NULL;
	const char *p = stack, *end = stack + len;
	while (p <= end) {
		const char *q = memchr(p, ';', (size_t)(end - p));
		if (!q)
			q = end;
		size_t fid;
		if (!x_map_get(&x->frames, p, (size_t)(q - p), &fid, NULL))
			return NULL;
		st->frames[st->nframes++] = (uint32_t)fid;
		p = q + 1;
	}
	return st;
}

/* Count one stack mult times (a lost record counts as its N rounds). */
static int x_add_stack(export_t *x, const char *stack, size_t len, const char *src, long pid,
		       long tid, int64_t t, unsigned long mult)
{
	size_t id;
	x_item_t *st = x_stack(x, stack, len, &id);
	if (!st)
		return -ENOMEM;
	st->count += mult;
	x->count += mult;
	if (x->o.format == EXPORT_CALLGRIND) {
		x_at(&x->frames, st->frames[st->nframes - 1])->count += mult; /* self */
		for (size_t i = 0; i + 1 < st->nframes; i++) {
			char k[32];
			int kl = snprintf(k, sizeof k, "%u,%u", st->frames[i], st->frames[i + 1]);
			x_item_t *e = x_map_get(&x->edges, k, (size_t)kl, NULL, NULL);
			if (!e)
				return -ENOMEM;
			if (!e->frames) { /* first time: keep the pair */
				if (!(e->frames = malloc(2 * sizeof(*e->frames))))
					return -ENOMEM;
				e->frames[0] = st->frames[i];
				e->frames[1] = st->frames[i + 1];
				e->nframes = 2;
			}
			e->count += mult;
		}
	} else if (x->o.format == EXPORT_SPEEDSCOPE) {
		char k[64];
		int kl = snprintf(k, sizeof k, "%s%c%ld%c%ld", src, X_SEP, pid, X_SEP, tid);
		bool created;
		x_item_t *pr = x_map_get(&x->profiles, k, (size_t)kl, NULL, &created);
		if (!pr)
			return -ENOMEM;
		if (created) {
			pr->pid = pid;
			pr->tid = tid;
			pr->first_ns = t;
			pr->period = strcmp(src, "perf") == 0 ? x->perf_period : x->py_period;
			if (!(pr->spill = tmpfile()))
				return -errno;
		}
		uint32_t rec[2] = { (uint32_t)id, mult > UINT32_MAX ? UINT32_MAX : (uint32_t)mult };
		if (fwrite(rec, sizeof rec, 1, pr->spill) != 1)
			return -EIO;
		pr->last_ns = t;
		pr->count++;
	}
	return 0;
}

/* One stack source record: a sample, an idle sample (left out unless
 * o.idle), or a lost record {"lost":N} (FORMAT.md: shown as N samples of
 * the frame "[lost]", never hidden). */
static int x_sample(export_t *x, json_t *j, const char *src, int64_t t)
{
	json_t *js = json_object_get(j, "stack"), *lost = json_object_get(j, "lost");
	json_t *idle = json_object_get(j, "idle");
	long pid = (long)json_integer_value(json_object_get(j, "pid"));
	long tid = (long)json_integer_value(json_object_get(j, "tid"));
	if (json_is_integer(lost) && json_integer_value(lost) > 0) {
		unsigned long n = (unsigned long)json_integer_value(lost);
		x->lost += n;
		if (x->o.format == EXPORT_FOLDED) {
			x->count += n;
			return 0;
		}
		return x_add_stack(x, "[lost]", 6, src, pid, pid, t, n);
	}
	const char *stack = json_string_value(js);
	size_t len = json_string_length(js);
	if (!stack || !len)
		return 0;
	if (idle && (json_is_true(idle) || json_integer_value(idle) != 0) && !x->o.idle) {
		x->idle_skipped++;
		return 0;
	}
	return x_add_stack(x, stack, len, src, pid, tid, t, 1);
}

static int x_cmp_key(const void *a, const void *b)
{
	return strcmp((*(x_item_t *const *)a)->key, (*(x_item_t *const *)b)->key);
}

static int x_finish_folded(export_t *x)
{
	x_item_t **v = malloc((x->stacks.n ? x->stacks.n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < x->stacks.n; i++)
		v[i] = x_at(&x->stacks, i);
	qsort(v, x->stacks.n, sizeof(*v), x_cmp_key);
	/* lost samples as a frame of their own, first: a flame graph shows the
	 * share of the time nobody saw (FORMAT.md, "lost") */
	if (x->lost)
		fprintf(x->fp, "[lost] %lu\n", x->lost);
	for (size_t i = 0; i < x->stacks.n; i++) {
		/* a line break in a frame name would split the line */
		for (char *p = v[i]->key; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		fprintf(x->fp, "%s %lu\n", v[i]->key, v[i]->count);
	}
	free(v);
	return 0;
}

/* A callgrind name: no line breaks (the format is line based). */
static void x_cg_name(export_t *x, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, x->fp);
}

static int x_cmp_edge(const void *a, const void *b)
{
	const x_item_t *p = *(x_item_t *const *)a, *q = *(x_item_t *const *)b;
	if (p->frames[0] != q->frames[0])
		return p->frames[0] < q->frames[0] ? -1 : 1;
	return p->frames[1] < q->frames[1] ? -1 : p->frames[1] > q->frames[1];
}

static int x_finish_callgrind(export_t *x)
{
	size_t ne = x->edges.n, nf = x->frames.n;
	x_item_t **e = malloc((ne ? ne : 1) * sizeof(*e));
	bool *named = calloc(nf ? nf : 1, sizeof(*named));
	if (!e || !named) {
		free(e);
		free(named);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ne; i++)
		e[i] = x_at(&x->edges, i);
	qsort(e, ne, sizeof(*e), x_cmp_edge);
	fprintf(x->fp, "# callgrind format\nversion: 1\ncreator: tracecast %s\n", TRACECAST_VERSION);
	fputs("cmd: ", x->fp);
	x_cg_name(x, x->o.name ? x->o.name : "recording");
	fprintf(x->fp, "\npositions: line\nevents: Samples\nsummary: %lu\n\nfl=(1) ", x->count);
	x_cg_name(x, x->o.name ? x->o.name : "recording");
	fputc('\n', x->fp);
	size_t k = 0;
	for (size_t f = 0; f < nf; f++) {
		fprintf(x->fp, "fn=(%zu)", f + 1);
		if (!named[f]) {
			fputc(' ', x->fp);
			x_cg_name(x, x_at(&x->frames, f)->key);
			named[f] = true;
		}
		fprintf(x->fp, "\n0 %lu\n", x_at(&x->frames, f)->count);
		for (; k < ne && e[k]->frames[0] == f; k++) {
			uint32_t c = e[k]->frames[1];
			fprintf(x->fp, "cfn=(%u)", c + 1);
			if (!named[c]) {
				fputc(' ', x->fp);
				x_cg_name(x, x_at(&x->frames, c)->key);
				named[c] = true;
			}
			fprintf(x->fp, "\ncalls=%lu 0\n0 %lu\n", e[k]->count, e[k]->count);
		}
		fputc('\n', x->fp);
	}
	free(e);
	free(named);
	return 0;
}

static int x_finish_speedscope(export_t *x)
{
	fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n", x->fp);
	fprintf(x->fp, "\"exporter\":\"tracecast %s\",\"name\":", TRACECAST_VERSION);
	const char *nm = x->o.name ? x->o.name : "recording";
	export_json_str(x, nm, strlen(nm));
	fputs(",\"activeProfileIndex\":0,\n\"shared\":{\"frames\":[", x->fp);
	for (size_t i = 0; i < x->frames.n; i++) {
		fputs(i ? ",\n{\"name\":" : "\n{\"name\":", x->fp);
		export_json_str(x, x_at(&x->frames, i)->key, x_at(&x->frames, i)->keylen);
		fputc('}', x->fp);
	}
	fputs("]},\n\"profiles\":[", x->fp);
	for (size_t i = 0; i < x->profiles.n; i++) {
		x_item_t *p = x_at(&x->profiles, i);
		char name[128];
		const char *comm = x_comm(x, p->pid);
		if (p->pid <= 0) /* perf's lost records name no process */
			snprintf(name, sizeof name, "lost samples (%.*s)", (int)strcspn(p->key, "\x1f"), p->key);
		else
			snprintf(name, sizeof name, "%s%spid %ld tid %ld (%.*s)", comm ? comm : "",
				 comm ? " " : "", p->pid, p->tid, (int)strcspn(p->key, "\x1f"), p->key);
		fputs(i ? ",\n{\"type\":\"sampled\",\"name\":" : "\n{\"type\":\"sampled\",\"name\":", x->fp);
		export_json_str(x, name, strlen(name));
		fprintf(x->fp, ",\"unit\":\"seconds\",\"startValue\":%.6f,\"endValue\":%.6f,\"samples\":[",
			(double)p->first_ns / 1e9, (double)p->last_ns / 1e9 + p->period);
		rewind(p->spill);
		uint32_t rec[2];
		for (unsigned long n = 0; fread(rec, sizeof rec, 1, p->spill) == 1; n++) {
			x_item_t *st = x_at(&x->stacks, rec[0]);
			fputs(n ? ",[" : "[", x->fp);
			for (size_t f = 0; f < st->nframes; f++)
				fprintf(x->fp, f ? ",%u" : "%u", st->frames[f]);
			fputc(']', x->fp);
		}
		fputs("],\"weights\":[", x->fp);
		rewind(p->spill); /* second pass: the weights, a sample's rounds times the period */
		for (unsigned long n = 0; fread(rec, sizeof rec, 1, p->spill) == 1; n++)
			fprintf(x->fp, n ? ",%g" : "%g", p->period * rec[1]);
		fputs("]}", x->fp);
		if (ferror(p->spill))
			return -EIO;
	}
	fputs("]}\n", x->fp);
	return 0;
}

int export_follow(export_t *x, const cast_event_t *ev)
{
	return tasks_event(&x->tasks, ev);
}

int export_event(export_t *x, const cast_event_t *ev)
{
	int rc = 0;
	if (ev->code[1])
		return 0;
	if (x->o.format == EXPORT_STRACE) {
		if (ev->code[0] == 's')
			rc = export_strace_line(x, ev);
	} else if (ev->code[0] == 's' && x->o.format == EXPORT_SPEEDSCOPE) {
		rc = tasks_event(&x->tasks, ev); /* only to name the processes */
	} else if (ev->code[0] == 'p') {
		if (!memmem(ev->data, ev->data_len, "\"src\"", 5))
			return 0;
		json_t *j = json_loadb(ev->data, ev->data_len, 0, NULL);
		const char *src = json_string_value(json_object_get(j, "src"));
		if (src && strcmp(src, "proc") == 0) {
			rc = tasks_sample(&x->tasks, ev);
			if (!rc && x->o.format == EXPORT_CHROME)
				export_chrome_proc(x, json_object_get(j, "procs"), ev->time_ns);
		} else if (src && export_format_is_profile(x->o.format) &&
			   (!strcmp(src, "perf") || !strcmp(src, "py")) &&
			   (!x->o.src || !strcmp(src, x->o.src))) {
			rc = x_sample(x, j, src, ev->time_ns);
		}
		json_decref(j);
	} else if (x->o.format == EXPORT_CHROME) {
		rc = export_chrome_event(x, ev);
	}
	x_check(x);
	return rc ? rc : x->err;
}

int export_finish(export_t *x)
{
	int rc = 0;
	switch (x->o.format) {
	case EXPORT_FOLDED:
		rc = x_finish_folded(x);
		break;
	case EXPORT_CALLGRIND:
		rc = x_finish_callgrind(x);
		break;
	case EXPORT_SPEEDSCOPE:
		rc = x_finish_speedscope(x);
		break;
	case EXPORT_CHROME:
		rc = export_chrome_finish(x);
		break;
	case EXPORT_STRACE:
		break;
	}
	x_check(x);
	return rc ? rc : x->err;
}
