/* stats_report: the text and JSON report of report/stats.c's counts
 * (see stats.h): sorted tables, per group with --by, the slowest calls, the
 * failed calls, the short profile section. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"
#include "tracecast/tc_time.h"

typedef struct st_view {
	const stats_t *s;
	st_row_t **rows;        /* sorted: group, then the sort key */
	size_t n;
	strmap_t groups;        /* per group totals (st_row_t, name unused) */
	strmap_t merged;        /* --by pid|comm: the per-thread rows merged */
} st_view_t;

static int st_cmp_rows_key(const st_row_t *a, const st_row_t *b, stats_sort_t sort)
{
	switch (sort) {
	case STATS_SORT_CALLS:
		if (a->calls != b->calls)
			return a->calls < b->calls ? 1 : -1;
		break;
	case STATS_SORT_ERRORS:
		if (a->errors != b->errors)
			return a->errors < b->errors ? 1 : -1;
		break;
	case STATS_SORT_NAME:
		break;
	default:
		if (a->total_ns != b->total_ns)
			return a->total_ns < b->total_ns ? 1 : -1;
		break;
	}
	return strcmp(a->name ? a->name : a->key, b->name ? b->name : b->key);
}

typedef struct st_sortable {
	st_row_t *row;
	st_row_t *group;
	stats_sort_t sort;
} st_sortable_t;

static int st_cmp(const void *pa, const void *pb)
{
	const st_sortable_t *a = pa, *b = pb;
	if (a->group != b->group) {
		int c = st_cmp_rows_key(a->group, b->group, a->sort);
		if (c)
			return c;
		return strcmp(a->group->key, b->group->key);
	}
	return st_cmp_rows_key(a->row, b->row, a->sort);
}

/* --by pid|comm: merge the per-thread rows into rows per process or name,
 * as the threads are known at the end (stats.c). 0 or -ENOMEM. */
static int st_view_regroup(st_view_t *v, const stats_t *s)
{
	for (size_t i = 0; i < s->rows.n; i++) {
		const st_row_t *r = (const st_row_t *)s->rows.items[i];
		const task_t *t = tasks_find(&s->tasks, r->tid);
		char key[128];
		int kl = s->o.by == STATS_BY_PID
				 ? snprintf(key, sizeof key, "%ld%c", t ? t->pid : r->tid, ST_SEP)
				 : snprintf(key, sizeof key, "%s%c", t && t->comm[0] ? t->comm : "?",
					    ST_SEP);
		size_t nl = strlen(r->name);
		memcpy(key + kl, r->name, nl);
		st_row_t *m;
		if (st_row_get(&v->merged, key, (size_t)kl, nl, &m) < 0)
			return -ENOMEM;
		st_row_add(m, r);
	}
	return 0;
}

static void st_view_free(st_view_t *v)
{
	free(v->rows);
	strmap_free(&v->groups, NULL);
	strmap_free(&v->merged, NULL);
}

/* Sort the rows for output. -ENOMEM on failure. */
static int st_view_init(st_view_t *v, const stats_t *s)
{
	memset(v, 0, sizeof(*v));
	v->s = s;
	const strmap_t *rows = &s->rows;
	st_sortable_t *tmp = NULL;
	if (s->o.by == STATS_BY_PID || s->o.by == STATS_BY_COMM) {
		if (st_view_regroup(v, s) < 0)
			goto fail;
		rows = &v->merged;
	}
	v->n = rows->n;
	tmp = calloc(v->n ? v->n : 1, sizeof(*tmp));
	v->rows = calloc(v->n ? v->n : 1, sizeof(*v->rows));
	if (!tmp || !v->rows)
		goto fail;
	for (size_t i = 0; i < v->n; i++) {
		st_row_t *r = (st_row_t *)rows->items[i], *g;
		if (strmap_get(&v->groups, r->group, strlen(r->group), sizeof(*g), (void **)&g, NULL) < 0)
			goto fail;
		st_row_add(g, r);
		tmp[i] = (st_sortable_t){ r, g, s->o.sort };
	}
	/* groups are ordered by the same key as rows (by name: their label) */
	if (v->n)
		qsort(tmp, v->n, sizeof(*tmp), st_cmp);
	for (size_t i = 0; i < v->n; i++)
		v->rows[i] = tmp[i].row;
	free(tmp);
	return 0;
fail:
	free(tmp);
	st_view_free(v);
	return -ENOMEM;
}

static const st_row_t *st_group_of(const st_view_t *v, const st_row_t *r)
{
	void *g = NULL;
	strmap_get((strmap_t *)&v->groups, r->group, strlen(r->group), sizeof(st_row_t), &g, NULL);
	return g;
}

/* Recorded text on a report line: control bytes (C0, DEL, C1 in UTF-8)
 * become '?', so a report never carries a recording's escape sequences;
 * at most max columns (bytes; UTF-8 is cut on a character boundary). */
static void st_put(FILE *fp, const char *p, size_t n, size_t max)
{
	size_t col = 0;
	for (size_t i = 0; i < n && col < max; i++, col++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f) {
			fputc('?', fp);
		} else if (c == 0xc2 && i + 1 < n && (unsigned char)p[i + 1] >= 0x80 &&
			   (unsigned char)p[i + 1] <= 0x9f) {
			fputc('?', fp);
			i++;
		} else if (c >= 0x80) {
			size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			if (i + k > n)
				k = n - i;
			fwrite(p + i, 1, k, fp);
			i += k - 1;
		} else {
			fputc(c, fp);
		}
	}
}

static const char st_rule[] =
	"------ ----------- ----------- ---------- --------- --------- ----------------\n";

static void st_print_row(FILE *fp, const st_row_t *r, int64_t total, const char *name)
{
	double pct = total > 0 ? 100.0 * (double)r->total_ns / (double)total : 0;
	long long avg = r->calls ? (long long)(r->total_ns / 1000 / (int64_t)r->calls) : 0;
	fprintf(fp, "%6.2f %11.6f %11lld %10lld %9lu ", pct, (double)r->total_ns / 1e9, avg,
		(long long)(r->max_ns / 1000), r->calls);
	if (r->errors)
		fprintf(fp, "%9lu ", r->errors);
	else
		fputs("          ", fp);
	st_put(fp, name, strlen(name), 16);
	fputc('\n', fp);
}

static void st_print_table(FILE *fp, const st_view_t *v, size_t from, size_t to,
			   const st_row_t *tot)
{
	fputs("% time     seconds  usecs/call  max usecs     calls    errors syscall\n", fp);
	fputs(st_rule, fp);
	for (size_t i = from; i < to; i++)
		st_print_row(fp, v->rows[i], tot->total_ns, v->rows[i]->name);
	fputs(st_rule, fp);
	st_print_row(fp, tot, tot->total_ns, "total");
}

/* The comm of a pid or tid group's process, or "". */
static const char *st_comm(const stats_t *s, long id)
{
	const task_t *t = tasks_find(&s->tasks, id);
	return t ? t->comm : "";
}

/* The slowest calls kept, slowest first (a copy to free), or NULL. */
static st_top_t *st_slowest(const stats_t *s)
{
	st_top_t *t = malloc((s->ntop ? s->ntop : 1) * sizeof(*t));
	if (!t)
		return NULL;
	if (s->ntop) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(t, s->top, s->ntop * sizeof(*t));
	/* insertion sort: ntop is small */
	for (size_t i = 1; i < s->ntop; i++)
		for (size_t j = i; j && t[j].dur_ns > t[j - 1].dur_ns; j--) {
			st_top_t x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t;
}

static void st_print_slowest(FILE *fp, const stats_t *s)
{
	st_top_t *t = st_slowest(s);
	if (!t)
		return;
	fprintf(fp, "\nslowest calls (start: its time in the recording, for dump --at and play --from):\n");
	fprintf(fp, "%-10s %9s %7s  call\n", "start", "seconds", "tid");
	for (size_t i = 0; i < s->ntop; i++) {
		char tb[32];
		strace_line_t l;
		strace_line_parse(t[i].line, strlen(t[i].line), &l);
		const char *p = l.name ? l.name : t[i].line;
		if (l.kind == STRACE_RESUMED && (p = strstr(t[i].line, "<...")) == NULL)
			p = t[i].line; /* "<... name resumed>" as printed */
		const char *dur = strrchr(p, '<');
		size_t n = dur && dur > p && dur[-1] == ' ' && l.dur_ns >= 0 ? (size_t)(dur - 1 - p)
									    : strlen(p);
		fprintf(fp, "%-10s %9.6f %7ld  ", tc_time_format(t[i].start_ns, tb, sizeof tb),
			(double)t[i].dur_ns / 1e9, t[i].tid);
		st_put(fp, p, n, 80 - 30);
		fputc('\n', fp);
	}
	free(t);
}

static int st_cmp_err(const void *pa, const void *pb)
{
	const st_err_t *a = *(st_err_t *const *)pa, *b = *(st_err_t *const *)pb;
	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return strcmp(a->key, b->key);
}

static void st_print_errors(FILE *fp, const stats_t *s)
{
	st_err_t **e = malloc((s->errs.n ? s->errs.n : 1) * sizeof(*e));
	if (!e)
		return;
	if (s->errs.n) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(e, s->errs.items, s->errs.n * sizeof(*e));
	if (s->errs.n)
		qsort(e, s->errs.n, sizeof(*e), st_cmp_err);
	fprintf(fp, "\nfailed calls by syscall and errno (first: the first one's start):\n");
	fprintf(fp, "%7s  %-12s %-12s %-10s  example\n", "calls", "syscall", "errno", "first");
	for (size_t i = 0; i < s->errs.n; i++) {
		char tb[32];
		const char *sep = strchr(e[i]->key, ST_SEP);
		strace_line_t l;
		strace_line_parse(e[i]->example, strlen(e[i]->example), &l);
		size_t nk = (size_t)(sep - e[i]->key), ne = strlen(sep + 1);
		fprintf(fp, "%7lu  ", e[i]->count);
		st_put(fp, e[i]->key, nk, 12);
		fprintf(fp, "%*s", (int)(13 - (nk > 12 ? 12 : nk)), "");
		st_put(fp, sep + 1, ne, 12);
		fprintf(fp, "%*s", (int)(13 - (ne > 12 ? 12 : ne)), "");
		fprintf(fp, "%-10s  ", tc_time_format(e[i]->first_ns, tb, sizeof tb));
		if (l.args)
			st_put(fp, l.args, l.args_len, 80 - 47);
		fputc('\n', fp);
	}
	free(e);
}

int stats_print(const stats_t *s, FILE *fp)
{
	st_view_t v;
	if (st_view_init(&v, s) < 0)
		return -ENOMEM;
	fprintf(fp, "syscalls: %lu calls, %lu errors, %.6f s in calls (wall time, as strace -c -w)\n",
		s->calls, s->errors, (double)s->total_ns / 1e9);
	for (size_t i = 0; i < v.n;) {
		const st_row_t *g = st_group_of(&v, v.rows[i]);
		size_t j = i;
		while (j < v.n && strcmp(v.rows[j]->group, v.rows[i]->group) == 0)
			j++;
		if (s->o.by != STATS_BY_NONE) {
			fputc('\n', fp);
			if (s->o.by == STATS_BY_COMM) {
				fputs("comm ", fp);
				st_put(fp, g->key, strlen(g->key), 16);
			} else {
				long id = strtol(g->key, NULL, 10);
				const char *c = st_comm(s, id);
				fprintf(fp, "%s %ld", s->o.by == STATS_BY_PID ? "pid" : "tid", id);
				if (*c) {
					fputs(" (", fp);
					st_put(fp, c, strlen(c), 16);
					fputc(')', fp);
				}
			}
			fprintf(fp, ": %lu calls, %lu errors, %.6f s\n", g->calls, g->errors,
				(double)g->total_ns / 1e9);
		}
		st_row_t tot = *g;
		st_print_table(fp, &v, i, j, &tot);
		i = j;
	}
	if (s->o.top)
		st_print_slowest(fp, s);
	if (s->o.errors)
		st_print_errors(fp, s);
	st_view_free(&v);
	return ferror(fp) ? -EIO : 0;
}

static json_t *st_row_json(const st_row_t *r, int64_t total)
{
	return json_pack("{ss?sIsIsfsIsIsf}", "syscall", r->name, "calls", (json_int_t)r->calls,
			 "errors", (json_int_t)r->errors, "seconds", (double)r->total_ns / 1e9,
			 "usecs_per_call",
			 (json_int_t)(r->calls ? r->total_ns / 1000 / (int64_t)r->calls : 0),
			 "max_usecs", (json_int_t)(r->max_ns / 1000), "percent",
			 total > 0 ? 100.0 * (double)r->total_ns / (double)total : 0.0);
}

json_t *stats_json(const stats_t *s)
{
	st_view_t v;
	if (st_view_init(&v, s) < 0)
		return NULL;
	json_t *o = json_pack("{sssIsIsf}", "time", "wall", "calls", (json_int_t)s->calls,
			      "errors", (json_int_t)s->errors, "seconds",
			      (double)s->total_ns / 1e9);
	json_t *groups = s->o.by != STATS_BY_NONE ? json_array() : NULL;
	json_t *rows = json_array();
	json_t *cur = rows;
	for (size_t i = 0; o && i < v.n; i++) {
		const st_row_t *g = st_group_of(&v, v.rows[i]);
		if (groups && (i == 0 || strcmp(v.rows[i]->group, v.rows[i - 1]->group) != 0)) {
			json_t *gj = json_pack("{sssIsIsf}", "by",
					       s->o.by == STATS_BY_PID ? "pid"
					       : s->o.by == STATS_BY_TID ? "tid" : "comm",
					       "calls", (json_int_t)g->calls, "errors",
					       (json_int_t)g->errors, "seconds",
					       (double)g->total_ns / 1e9);
			if (s->o.by == STATS_BY_COMM) {
				json_object_set_new(gj, "comm", json_string(g->key));
			} else {
				long id = strtol(g->key, NULL, 10);
				json_object_set_new(gj, s->o.by == STATS_BY_PID ? "pid" : "tid",
						    json_integer(id));
				json_object_set_new(gj, "comm", json_string(st_comm(s, id)));
			}
			cur = json_array();
			json_object_set_new(gj, "syscalls", cur);
			json_array_append_new(groups, gj);
		}
		json_array_append_new(cur, st_row_json(v.rows[i], groups ? g->total_ns : s->total_ns));
	}
	if (o && groups) {
		/* the whole-recording table as well: totals per syscall */
		json_decref(rows);
		rows = json_array();
		strmap_t all = { 0 };
		for (size_t i = 0; i < v.n; i++) {
			st_row_t *a;
			const char *nm = v.rows[i]->name;
			if (strmap_get(&all, nm, strlen(nm), sizeof(*a), (void **)&a, NULL) < 0)
				break;
			a->name = a->key;
			a->calls += v.rows[i]->calls;
			a->errors += v.rows[i]->errors;
			a->total_ns += v.rows[i]->total_ns;
			if (v.rows[i]->max_ns > a->max_ns)
				a->max_ns = v.rows[i]->max_ns;
		}
		st_sortable_t *tmp = calloc(all.n ? all.n : 1, sizeof(*tmp));
		for (size_t i = 0; tmp && i < all.n; i++)
			tmp[i] = (st_sortable_t){ (st_row_t *)all.items[i], NULL, s->o.sort };
		if (tmp && all.n)
			qsort(tmp, all.n, sizeof(*tmp), st_cmp);
		for (size_t i = 0; tmp && i < all.n; i++)
			json_array_append_new(rows, st_row_json(tmp[i].row, s->total_ns));
		free(tmp);
		strmap_free(&all, NULL);
		json_object_set_new(o, "groups", groups);
	}
	json_object_set_new(o, "syscalls", rows);
	if (o && s->o.top) {
		json_t *a = json_array();
		st_top_t *t = st_slowest(s);
		if (t) {
			for (size_t i = 0; i < s->ntop; i++) {
				strace_line_t l;
				strace_line_parse(t[i].line, strlen(t[i].line), &l);
				json_array_append_new(a, json_pack(
					"{sfsfsfsIss%ss}", "start", (double)t[i].start_ns / 1e9,
					"end", (double)t[i].end_ns / 1e9, "seconds",
					(double)t[i].dur_ns / 1e9, "tid", (json_int_t)t[i].tid,
					"syscall", l.name ? l.name : "", l.name ? l.name_len : 0,
					"line", t[i].line));
			}
			free(t);
		}
		json_object_set_new(o, "slowest", a);
	}
	if (o && s->o.errors) {
		json_t *a = json_array();
		st_err_t **e = malloc((s->errs.n ? s->errs.n : 1) * sizeof(*e));
		if (e) {
			if (s->errs.n) /* memcpy from NULL is undefined even for 0 bytes */
				memcpy(e, s->errs.items, s->errs.n * sizeof(*e));
			if (s->errs.n)
				qsort(e, s->errs.n, sizeof(*e), st_cmp_err);
			for (size_t i = 0; i < s->errs.n; i++) {
				const char *sep = strchr(e[i]->key, ST_SEP);
				json_array_append_new(a, json_pack(
					"{ss%sssIsfss}", "syscall", e[i]->key,
					(size_t)(sep - e[i]->key), "errno", sep + 1, "count",
					(json_int_t)e[i]->count, "first",
					(double)e[i]->first_ns / 1e9, "example", e[i]->example));
			}
			free(e);
		}
		json_object_set_new(o, "failed", a);
	}
	st_view_free(&v);
	return o;
}

static int st_cmp_cpu(const void *pa, const void *pb)
{
	double a = json_real_value(json_object_get(*(json_t *const *)pa, "cpu_s"));
	double b = json_real_value(json_object_get(*(json_t *const *)pb, "cpu_s"));
	return a < b ? 1 : a > b ? -1 : 0;
}

int stats_print_profile(const json_t *prof, FILE *fp)
{
	json_t *procs = json_object_get(prof, "processes"), *stacks = json_object_get(prof, "stacks");
	size_t n = json_array_size(procs);

	fprintf(fp, "\nprofile: %lld samples\n",
		(long long)json_integer_value(json_object_get(prof, "samples")));
	if (n) {
		json_t **v = malloc(n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			v[i] = json_array_get(procs, i);
		qsort(v, n, sizeof(*v), st_cmp_cpu);
		fprintf(fp, "  %8s  %-16s %9s %12s\n", "pid", "comm", "cpu s", "peak rss kB");
		for (size_t i = 0; i < n && i < 5; i++) {
			const char *c = json_string_value(json_object_get(v[i], "comm"));
			fprintf(fp, "  %8lld  ", (long long)json_integer_value(json_object_get(v[i], "pid")));
			st_put(fp, c ? c : "?", c ? strlen(c) : 1, 16);
			fprintf(fp, "%*s %9.2f %12lld\n", (int)(17 - (c ? (strlen(c) > 16 ? 16 : strlen(c)) : 1)), "",
				json_real_value(json_object_get(v[i], "cpu_s")),
				(long long)json_integer_value(json_object_get(v[i], "peak_rss_kb")));
		}
		if (n > 5)
			fprintf(fp, "  (%zu more processes: tracecast info)\n", n - 5);
		free(v);
	}
	const char *src;
	json_t *st;
	json_object_foreach((json_t *)stacks, src, st) {
		fprintf(fp, "  %s: %lld stack samples, %lld lost\n", src,
			(long long)json_integer_value(json_object_get(st, "samples")),
			(long long)json_integer_value(json_object_get(st, "lost")));
		for (int pass = 0; pass < 2; pass++) {
			json_t *top = json_object_get(st, pass ? "top_total" : "top_self");
			size_t i;
			json_t *f;
			if (!json_array_size(top))
				continue;
			fprintf(fp, "    by %s:\n", pass ? "total" : "self");
			json_array_foreach(top, i, f) {
				const char *name = json_string_value(json_object_get(f, "frame"));
				if (i == 5)
					break;
				fprintf(fp, "    %9lld  ", (long long)json_integer_value(json_object_get(f, "samples")));
				st_put(fp, name ? name : "?", name ? strlen(name) : 1, 80 - 15);
				fputc('\n', fp);
			}
		}
	}
	return ferror(fp) ? -EIO : 0;
}
