/* stats: strace -c -w from a recording's "s" events (see stats.h). */
#include "stats_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/strace_line.h"
#include "tasks.h"

static void st_err_free(void *p)
{
	free(((st_err_t *)p)->example);
}

int stats_new(stats_t **out, const cast_header_t *hdr, const stats_opts_t *opts)
{
	stats_t *s = calloc(1, sizeof(*s));
	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->o = *opts;
	s->base = strace_time_base_of(hdr ? hdr->json : NULL);
	if (s->o.top && !(s->top = calloc(s->o.top, sizeof(*s->top)))) {
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

void stats_free(stats_t *s)
{
	if (!s)
		return;
	strmap_free(&s->rows, NULL);
	strmap_free(&s->errs, st_err_free);
	for (size_t i = 0; i < s->ntop; i++)
		free(s->top[i].line);
	free(s->top);
	tasks_cleanup(&s->tasks);
	free(s);
}

unsigned long stats_calls(const stats_t *s)
{
	return s->calls;
}

int st_row_get(strmap_t *m, const char *key, size_t kl, size_t nl, st_row_t **out)
{
	if (strmap_get(m, key, kl + nl, sizeof(**out), (void **)out, NULL) < 0)
		return -ENOMEM;
	st_row_t *r = *out;
	if (!r->name) {
		r->name = r->key + kl;
		memcpy(r->group, key, kl - 1 < sizeof r->group - 1 ? kl - 1 : sizeof r->group - 1);
	}
	return 0;
}

void st_row_add(st_row_t *to, const st_row_t *r)
{
	to->calls += r->calls;
	to->errors += r->errors;
	to->total_ns += r->total_ns;
	if (r->max_ns > to->max_ns)
		to->max_ns = r->max_ns;
}

/* Keep the call among the o.top slowest. */
static int st_top_add(stats_t *s, const cast_event_t *ev, const strace_line_t *l,
		      int64_t start, int64_t end)
{
	int64_t d = l->dur_ns;
	size_t n = s->o.top, i;
	if (s->ntop == n && d <= s->top[0].dur_ns)
		return 0;
	char *line = strndup(ev->data, ev->data_len > 300 ? 300 : ev->data_len);
	if (!line)
		return -ENOMEM;
	if (s->ntop == n) { /* replace the root, sift down */
		free(s->top[0].line);
		i = 0;
		for (;;) {
			size_t c = 2 * i + 1;
			if (c >= n)
				break;
			if (c + 1 < n && s->top[c + 1].dur_ns < s->top[c].dur_ns)
				c++;
			if (s->top[c].dur_ns >= d)
				break;
			s->top[i] = s->top[c];
			i = c;
		}
	} else { /* sift up */
		i = s->ntop++;
		while (i && s->top[(i - 1) / 2].dur_ns > d) {
			s->top[i] = s->top[(i - 1) / 2];
			i = (i - 1) / 2;
		}
	}
	s->top[i] = (st_top_t){ start, end, d, l->tid, line };
	return 0;
}

bool stats_line_call(const strace_line_t *l, int64_t *dur_ns)
{
	if (l->kind != STRACE_CALL && l->kind != STRACE_RESUMED)
		return false;
	if (!l->has_ret || (!l->err && l->ret_len == 1 && l->ret[0] == '?'))
		return false; /* never returned (exit_group): strace -c skips it too */
	*dur_ns = l->dur_ns > 0 ? l->dur_ns : 0;
	return true;
}

int stats_follow(stats_t *s, const cast_event_t *ev)
{
	return tasks_event(&s->tasks, ev);
}

int stats_event(stats_t *s, const cast_event_t *ev)
{
	if (ev->code[1])
		return 0;
	if (ev->code[0] == 'p')
		return tasks_sample(&s->tasks, ev);
	if (ev->code[0] != 's')
		return 0;
	strace_line_t l;
	strace_line_parse(ev->data, ev->data_len, &l);
	if (l.tid <= 0)
		l.tid = -1; /* no TID (strace without -f): 0 marks a free slot */
	if (tasks_line(&s->tasks, &l) < 0)
		return -ENOMEM;
	int64_t start, end, d;
	if (!stats_line_call(&l, &d))
		return 0;
	strace_line_span(&l, ev->time_ns, s->base, &start, &end);

	/* Rows are kept per thread with --by: a child's first calls can come
	 * before its parent's clone returns (each line is stamped at its end),
	 * so its process and name are known only at the end (st_view). */
	char key[128];
	int kl = s->o.by == STATS_BY_NONE ? snprintf(key, sizeof key, "%c", ST_SEP)
					   : snprintf(key, sizeof key, "%ld%c", l.tid, ST_SEP);
	size_t nl = l.name_len < 64 ? l.name_len : 64;
	memcpy(key + kl, l.name, nl);
	st_row_t *r;
	if (st_row_get(&s->rows, key, (size_t)kl, nl, &r) < 0)
		return -ENOMEM;
	r->tid = l.tid;
	r->calls++;
	r->total_ns += d;
	if (d > r->max_ns)
		r->max_ns = d;
	s->calls++;
	s->total_ns += d;
	if (l.err) {
		r->errors++;
		s->errors++;
		if (s->o.errors) {
			char ek[160];
			int el = snprintf(ek, sizeof ek, "%.*s%c%.*s", (int)nl, l.name, ST_SEP,
					  (int)(l.err_len < 64 ? l.err_len : 64), l.err);
			st_err_t *e;
			if (strmap_get(&s->errs, ek, (size_t)el, sizeof(*e), (void **)&e, NULL) < 0)
				return -ENOMEM;
			if (!e->count++) {
				e->first_ns = start;
				if (!(e->example = strndup(ev->data, ev->data_len > 300 ? 300
								   : ev->data_len)))
					return -ENOMEM;
			}
		}
	}
	if (s->o.top && d > 0)
		return st_top_add(s, ev, &l, start, end);
	return 0;
}
