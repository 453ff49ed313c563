/* timeline: the in-memory index of a recording (see timeline.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tracecast/cast_reader.h"
#include "tracecast/strace_line.h"
#include "timeline.h"

/* Grow *arr (of *cap elements of size sz) to hold n + 1. 0 or -ENOMEM. */
static int tl_reserve(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, nc * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

typedef struct tl_load {
	timeline_t *tl;
	size_t cap_o, cap_sys, cap_prof, cap_markers, cap_resizes;
	uint32_t errors;
} tl_load_t;

/* Find the pending UNFINISHED line of tid (and name) to pair a RESUMED. */
static long tl_find_unfinished(const timeline_t *tl, long tid, const strace_line_t *sl)
{
	size_t lim = tl->n_sys > 4096 ? tl->n_sys - 4096 : 0;

	for (size_t i = tl->n_sys; i-- > lim;) {
		const tl_sys_t *e = &tl->sys[i];
		if (e->tid != tid || !(e->flags & TL_SYS_UNFINISHED) || e->pair >= 0)
			continue;
		strace_line_t u;
		strace_line_parse(e->text, strlen(e->text), &u);
		if (u.name_len == sl->name_len && !memcmp(u.name, sl->name, u.name_len))
			return (long)i;
	}
	return -1;
}

static int tl_add_sys(tl_load_t *ld, int64_t t, const char *data, size_t len)
{
	timeline_t *tl = ld->tl;
	strace_line_t sl;

	if (tl_reserve((void **)&tl->sys, &ld->cap_sys, tl->n_sys, sizeof(*tl->sys)) < 0)
		return -ENOMEM;
	tl_sys_t *e = &tl->sys[tl->n_sys];
	memset(e, 0, sizeof(*e));
	e->text = strndup(data, len);
	if (!e->text)
		return -ENOMEM;
	e->t = t;
	e->pair = -1;
	strace_line_parse(data, len, &sl);
	e->tid = sl.tid;
	e->dur_ns = sl.dur_ns;
	switch (sl.kind) {
	case STRACE_CALL:
		break;
	case STRACE_UNFINISHED:
		e->flags |= TL_SYS_UNFINISHED;
		break;
	case STRACE_RESUMED:
		e->flags |= TL_SYS_RESUMED;
		e->pair = tl_find_unfinished(tl, sl.tid, &sl);
		if (e->pair >= 0)
			tl->sys[e->pair].pair = (long)tl->n_sys;
		break;
	default:
		e->flags |= TL_SYS_NOTCALL;
		break;
	}
	if (sl.err || (sl.kind == STRACE_KILLED))
		e->flags |= TL_SYS_ERROR;
	if (e->flags & TL_SYS_ERROR)
		ld->errors++;
	e->errors = ld->errors;
	tl->n_sys++;
	return 0;
}

/* The largest values a "p" sample may hold: CPU in cores, RSS in KiB. */
#define TL_CPU_MAX 65536.0
#define TL_RSS_MAX_KB ((json_int_t)1 << 50)

/* Reduce one "p" JSON text to a tl_prof_t; unknown shapes are skipped. */
static int tl_add_prof(tl_load_t *ld, int64_t t, const char *data, size_t len)
{
	timeline_t *tl = ld->tl;
	json_error_t jerr;
	json_t *j = json_loadb(data, len, 0, &jerr);
	int rc = 0;

	if (!j || !json_is_object(j))
		goto out;
	const char *src = json_string_value(json_object_get(j, "src"));
	if (!src)
		goto out;
	if ((rc = tl_reserve((void **)&tl->prof, &ld->cap_prof, tl->n_prof, sizeof(*tl->prof))) < 0)
		goto out;
	tl_prof_t *p = &tl->prof[tl->n_prof];
	memset(p, 0, sizeof(*p));
	p->t = t;
	if (!strcmp(src, "proc")) {
		json_t *procs = json_object_get(j, "procs");
		size_t i;
		json_t *pr;
		double top = -1;
		p->is_proc = true;
		json_array_foreach(procs, i, pr) {
			/* numbers from the file: finite and in range, or 0 (a
			 * session can plant "cpu": 1e308 through the control socket) */
			double cpu = json_number_value(json_object_get(pr, "cpu"));
			json_int_t rss = json_integer_value(json_object_get(pr, "rss_kb"));
			if (!(cpu >= 0 && cpu <= TL_CPU_MAX))
				cpu = 0;
			if (p->cpu < TL_CPU_MAX * 100.0)
				p->cpu += (float)(cpu * 100.0);
			if (rss > 0 && rss <= TL_RSS_MAX_KB && p->rss_kb < TL_RSS_MAX_KB)
				p->rss_kb += (uint64_t)rss;
			if (cpu > top) {
				const char *s;
				top = cpu;
				s = json_string_value(json_object_get(pr, "state"));
				p->state = s ? s[0] : 0;
				s = json_string_value(json_object_get(pr, "comm"));
				snprintf(p->comm, sizeof(p->comm), "%s", s ? s : "");
				s = json_string_value(json_object_get(pr, "wchan"));
				snprintf(p->wchan, sizeof(p->wchan), "%s", s ? s : "");
			}
		}
	} else {
		const char *stack = json_string_value(json_object_get(j, "stack"));
		if (!stack || !*stack)
			goto out;
		const char *leaf = strrchr(stack, ';');
		p->leaf = strdup(leaf ? leaf + 1 : stack);
		if (!p->leaf) {
			rc = -ENOMEM;
			goto out;
		}
	}
	tl->n_prof++;
out:
	json_decref(j);
	return rc;
}

/* Record one event in the index. */
static int tl_add(tl_load_t *ld, const cast_event_t *ev)
{
	timeline_t *tl = ld->tl;
	const char *c = ev->code;

	if (ev->time_ns > tl->duration_ns)
		tl->duration_ns = ev->time_ns;
	if (!strcmp(c, "o")) {
		if (tl_reserve((void **)&tl->otimes, &ld->cap_o, tl->n_o, sizeof(int64_t)) < 0)
			return -ENOMEM;
		tl->otimes[tl->n_o++] = ev->time_ns;
	} else if (!strcmp(c, "s")) {
		return tl_add_sys(ld, ev->time_ns, ev->data, ev->data_len);
	} else if (!strcmp(c, "p")) {
		return tl_add_prof(ld, ev->time_ns, ev->data, ev->data_len);
	} else if (!strcmp(c, "m")) {
		if (tl_reserve((void **)&tl->markers, &ld->cap_markers, tl->n_markers,
			       sizeof(*tl->markers)) < 0)
			return -ENOMEM;
		tl_marker_t *m = &tl->markers[tl->n_markers];
		m->t = ev->time_ns;
		m->label = strndup(ev->data, ev->data_len);
		if (!m->label)
			return -ENOMEM;
		tl->n_markers++;
	} else if (!strcmp(c, "r")) {
		unsigned cols, rows;
		if (cast_parse_size(ev->data, ev->data_len, &cols, &rows) < 0)
			return 0;
		if (tl_reserve((void **)&tl->resizes, &ld->cap_resizes, tl->n_resizes,
			       sizeof(*tl->resizes)) < 0)
			return -ENOMEM;
		tl->resizes[tl->n_resizes++] = (tl_resize_t){ ev->time_ns, cols, rows };
	} else if (!strcmp(c, "x")) {
		tl->has_exit = true;
		tl->exit_status = atoi(ev->data);
	}
	return 0;
}

int timeline_load(timeline_t **out, const char *path, const timeline_opts_t *opts,
		  cast_error_t *err)
{
	cast_reader_t *r = NULL;
	tl_load_t ld = { 0 };
	cast_event_t ev;
	cast_error_t e;
	int rc;

	*out = NULL;
	ld.tl = calloc(1, sizeof(*ld.tl));
	if (!ld.tl)
		return -ENOMEM;
	rc = cast_reader_open(&r, path, err);
	if (rc < 0)
		goto out;
	const cast_header_t *h = cast_reader_header(r);
	ld.tl->width = h->width ? h->width : 80;
	ld.tl->height = h->height ? h->height : 24;
	ld.tl->has_idle_limit = h->has_idle_time_limit;
	ld.tl->idle_limit = h->idle_time_limit;
	if (h->title && !(ld.tl->title = strdup(h->title))) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		rc = cast_reader_next(r, &ev, &e);
		if (rc == 0)
			break;
		if (rc == CAST_ERR_SYNTAX) {
			ld.tl->malformed++;
			if (opts && opts->strict) {
				if (err)
					*err = e;
				goto out;
			}
			if (!opts || !opts->quiet)
				cast_error_print(stderr, "warning: skipped", &e);
			continue;
		}
		if (rc < 0) {
			if (err)
				*err = e;
			goto out;
		}
		rc = tl_add(&ld, &ev);
		if (rc < 0) {
			cast_error_set(err, path, ev.line, 0, "out of memory");
			goto out;
		}
	}
	ld.tl->vtimes = calloc(ld.tl->n_o ? ld.tl->n_o : 1, sizeof(int64_t));
	if (!ld.tl->vtimes) {
		rc = -ENOMEM;
		goto out;
	}
	timeline_set_idle_limit(ld.tl, 0);
	*out = ld.tl;
	ld.tl = NULL;
	rc = 0;
out:
	cast_reader_free(r);
	timeline_free(ld.tl);
	return rc;
}

void timeline_free(timeline_t *tl)
{
	if (!tl)
		return;
	for (size_t i = 0; i < tl->n_sys; i++)
		free(tl->sys[i].text);
	for (size_t i = 0; i < tl->n_prof; i++)
		free(tl->prof[i].leaf);
	for (size_t i = 0; i < tl->n_markers; i++)
		free(tl->markers[i].label);
	free(tl->sys);
	free(tl->prof);
	free(tl->markers);
	free(tl->resizes);
	free(tl->otimes);
	free(tl->vtimes);
	free(tl->title);
	free(tl);
}

void timeline_set_idle_limit(timeline_t *tl, double secs)
{
	/* at most CAST_TIME_MAX_NS: the limit comes from the file or the user */
	int64_t lim = secs > 0 ? (secs < (double)(CAST_TIME_MAX_NS / CAST_NS_PER_SEC)
				  ? (int64_t)(secs * 1e9 + 0.5) : CAST_TIME_MAX_NS) : 0;
	int64_t prev_t = 0, prev_v = 0;

	tl->idle_limit_ns = lim;
	for (size_t i = 0; i < tl->n_o; i++) {
		int64_t gap = tl->otimes[i] - prev_t;
		if (lim && gap > lim)
			gap = lim;
		prev_v += gap;
		prev_t = tl->otimes[i];
		tl->vtimes[i] = prev_v;
	}
}

int64_t timeline_to_play(const timeline_t *tl, int64_t t)
{
	size_t n = timeline_count_upto(tl->otimes, sizeof(int64_t), tl->n_o, t);
	int64_t base_t = n ? tl->otimes[n - 1] : 0;
	int64_t base_v = n ? tl->vtimes[n - 1] : 0;
	int64_t d = t - base_t;

	if (tl->idle_limit_ns && d > tl->idle_limit_ns)
		d = tl->idle_limit_ns;
	return base_v + d;
}

int64_t timeline_from_play(const timeline_t *tl, int64_t v)
{
	size_t n = timeline_count_upto(tl->vtimes, sizeof(int64_t), tl->n_o, v);
	int64_t base_t = n ? tl->otimes[n - 1] : 0;
	int64_t base_v = n ? tl->vtimes[n - 1] : 0;
	int64_t t = base_t + (v - base_v);

	if (n < tl->n_o && t > tl->otimes[n])
		t = tl->otimes[n];
	if (t > tl->duration_ns)
		t = tl->duration_ns;
	return t < 0 ? 0 : t;
}

int64_t timeline_play_duration(const timeline_t *tl)
{
	return timeline_to_play(tl, tl->duration_ns);
}

size_t timeline_count_upto(const int64_t *times, size_t stride, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;
	const char *base = (const char *)times;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t v;
		memcpy(&v, base + mid * stride, sizeof(v));
		if (v <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t timeline_next_o(const timeline_t *tl, int64_t t)
{
	return timeline_count_upto(tl->otimes, sizeof(int64_t), tl->n_o, t);
}

size_t timeline_sys_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_sys)
		return 0;
	return timeline_count_upto(&tl->sys->t, sizeof(tl_sys_t), tl->n_sys, t);
}

const tl_marker_t *timeline_marker_at(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return NULL;
	size_t n = timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t);
	return n ? &tl->markers[n - 1] : NULL;
}

const tl_marker_t *timeline_marker_next(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return NULL;
	size_t n = timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t);
	return n < tl->n_markers ? &tl->markers[n] : NULL;
}

const tl_marker_t *timeline_marker_prev(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return NULL;
	size_t n = timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t - 1);
	return n ? &tl->markers[n - 1] : NULL;
}

void timeline_size_at(const timeline_t *tl, int64_t t, unsigned *cols, unsigned *rows)
{
	size_t n = tl->n_resizes ? timeline_count_upto(&tl->resizes->t, sizeof(tl_resize_t),
							 tl->n_resizes, t) : 0;

	*cols = n ? tl->resizes[n - 1].cols : tl->width;
	*rows = n ? tl->resizes[n - 1].rows : tl->height;
}

int timeline_parse_time(const char *s, int64_t *ns)
{
	int64_t total = 0;
	const char *p = s;

	if (!strcmp(s, "end")) {
		*ns = INT64_MAX;
		return 0;
	}
	if (!*s)
		return -1;
	for (;;) {
		char *endp;
		errno = 0;
		double v = strtod(p, &endp);
		if (endp == p || errno || v < 0 || v > 1e9)
			return -1;
		if (*endp == ':') {
			if (v != (double)(int64_t)v)
				return -1;
			total = (total + (int64_t)v) * 60;
			p = endp + 1;
			continue;
		}
		if (*endp)
			return -1;
		*ns = total * INT64_C(1000000000) + (int64_t)(v * 1e9 + 0.5);
		return 0;
	}
}
