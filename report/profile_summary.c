/* profile_summary: per-process and per-frame totals of a recording's "p"
 * events, for `tracecast info`. */
#include "profile_summary.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/tc_hash.h"

/* The last slot holds every other state. 't' is a ptrace stop: a process
 * stopped by its tracer (strace, under --strace: the cost of tracing),
 * kept apart from 'T' (stopped by a signal, job control). */
#define PS_STATES "RSDZTt?"
#define PS_NSTATES 7

typedef struct ps_proc {
	long pid, ppid;
	char comm[64];
	double cpu_s;
	long long peak_rss_kb;
	int64_t first_ns, last_ns;
	double state_s[PS_NSTATES];
} ps_proc_t;

typedef struct ps_frame {
	char *name;
	unsigned long self, total;
	unsigned long last_sample; /* sample id that last counted total */
} ps_frame_t;

/* One stack source: its frames in an open-addressing table. */
typedef struct ps_lost {
	long pid;
	unsigned long rounds;
	int64_t ns;
} ps_lost_t;

typedef struct ps_stacks {
	unsigned long samples, lost;
	unsigned long idle;        /* idle samples seen (counted with --idle) */
	int64_t lost_ns;           /* time of the lost rounds (py: lost_ns) */
	ps_lost_t *lost_by;        /* per process */
	size_t n_lost_by;
	ps_frame_t *tab;
	size_t cap, used;
} ps_stacks_t;

typedef struct profile_summary {
	unsigned long events, bad;
	int64_t last_proc_ns;     /* previous proc event */
	ps_proc_t *procs;
	size_t nprocs, capprocs;
	ps_stacks_t perf, py;
	unsigned long sample_id;
	bool with_idle;           /* --idle */
} profile_summary_t;

void *profile_summary_new(const cast_header_t *hdr)
{
	json_t *tc = hdr && hdr->json ? json_object_get(hdr->json, "tracecast") : NULL;
	json_t *src = json_object_get(tc, "sources");
	if (!json_object_get(src, "profile"))
		return NULL;
	profile_summary_t *s = calloc(1, sizeof(*s));
	if (s)
		s->last_proc_ns = -1;
	return s;
}

static void ps_stacks_free(ps_stacks_t *st)
{
	for (size_t i = 0; i < st->cap; i++)
		free(st->tab[i].name);
	free(st->tab);
	free(st->lost_by);
}

void profile_summary_set_idle(void *state, bool idle)
{
	profile_summary_t *s = state;
	if (s)
		s->with_idle = idle;
}

/* A lost-samples record {"lost":N[,"lost_ns":NS][,"pid":P]}. */
static void ps_add_lost(ps_stacks_t *st, json_t *j)
{
	unsigned long n = (unsigned long)json_integer_value(json_object_get(j, "lost"));
	json_int_t ns = json_integer_value(json_object_get(j, "lost_ns"));
	json_t *jp = json_object_get(j, "pid");
	st->lost += n;
	if (ns > 0)
		st->lost_ns += (int64_t)ns;
	if (!json_is_integer(jp))
		return;
	long pid = (long)json_integer_value(jp);
	size_t i = 0;
	while (i < st->n_lost_by && st->lost_by[i].pid != pid)
		i++;
	if (i == st->n_lost_by) {
		ps_lost_t *nl = realloc(st->lost_by, (i + 1) * sizeof(*nl));
		if (!nl)
			return;
		st->lost_by = nl;
		nl[i] = (ps_lost_t){ .pid = pid };
		st->n_lost_by++;
	}
	st->lost_by[i].rounds += n;
	st->lost_by[i].ns += ns > 0 ? (int64_t)ns : 0;
}

void profile_summary_free(void *state)
{
	profile_summary_t *s = state;
	if (!s)
		return;
	ps_stacks_free(&s->perf);
	ps_stacks_free(&s->py);
	free(s->procs);
	free(s);
}

/* The frame entry for name[0..n), created if new; NULL on ENOMEM. */
static ps_frame_t *ps_frame_get(ps_stacks_t *st, const char *name, size_t n)
{
	if (st->used * 2 >= st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 256;
		ps_frame_t *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			return NULL;
		for (size_t i = 0; i < st->cap; i++) {
			if (!st->tab[i].name)
				continue;
			size_t j = tc_hash(st->tab[i].name, strlen(st->tab[i].name)) & (nc - 1);
			while (nt[j].name)
				j = (j + 1) & (nc - 1);
			nt[j] = st->tab[i];
		}
		free(st->tab);
		st->tab = nt;
		st->cap = nc;
	}
	size_t j = tc_hash(name, n) & (st->cap - 1);
	while (st->tab[j].name) {
		if (strlen(st->tab[j].name) == n && memcmp(st->tab[j].name, name, n) == 0)
			return &st->tab[j];
		j = (j + 1) & (st->cap - 1);
	}
	char *copy = malloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, name, n);
	copy[n] = '\0';
	st->tab[j].name = copy;
	st->used++;
	return &st->tab[j];
}

/* Count one folded stack: total once per distinct frame, self for the leaf. */
static void ps_add_stack(profile_summary_t *s, ps_stacks_t *st, const char *stack)
{
	unsigned long id = ++s->sample_id;
	st->samples++;
	const char *p = stack;
	for (;;) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p);
		ps_frame_t *f = n ? ps_frame_get(st, p, n) : NULL;
		if (f && f->last_sample != id) {
			f->total++;
			f->last_sample = id;
		}
		if (!semi) {
			if (f)
				f->self++;
			break;
		}
		p = semi + 1;
	}
}

static ps_proc_t *ps_proc_get(profile_summary_t *s, long pid)
{
	for (size_t i = s->nprocs; i-- > 0;)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	if (s->nprocs == s->capprocs) {
		size_t nc = s->capprocs ? s->capprocs * 2 : 16;
		ps_proc_t *np = realloc(s->procs, nc * sizeof(*np));
		if (!np)
			return NULL;
		s->procs = np;
		s->capprocs = nc;
	}
	ps_proc_t *p = &s->procs[s->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->first_ns = p->last_ns = -1;
	return p;
}

/* One proc sample: the interval since the process's previous sample (or
 * the previous tick, for a new one) is charged at this sample's values. */
static void ps_add_procs(profile_summary_t *s, json_t *procs, int64_t t)
{
	size_t i;
	json_t *e;
	json_array_foreach(procs, i, e) {
		json_t *jpid = json_object_get(e, "pid");
		if (!json_is_integer(jpid))
			continue;
		ps_proc_t *p = ps_proc_get(s, (long)json_integer_value(jpid));
		if (!p)
			return;
		int64_t prev = p->last_ns >= 0 ? p->last_ns : s->last_proc_ns;
		double dt = prev >= 0 && t > prev ? (double)(t - prev) / 1e9 : 0;
		if (p->first_ns < 0)
			p->first_ns = t;
		p->last_ns = t;
		p->ppid = (long)json_integer_value(json_object_get(e, "ppid"));
		const char *comm = json_string_value(json_object_get(e, "comm"));
		if (comm) {
			size_t n = strlen(comm);
			if (n >= sizeof(p->comm)) { /* cut at a UTF-8 character boundary */
				n = sizeof(p->comm) - 1;
				while (n > 0 && ((unsigned char)comm[n] & 0xC0) == 0x80)
					n--;
			}
			memcpy(p->comm, comm, n);
			p->comm[n] = '\0';
		}
		/* numbers from the file: finite and in range, or ignored */
		double cpu = json_number_value(json_object_get(e, "cpu"));
		if (cpu >= 0 && cpu <= 65536.0 && dt >= 0 && dt < 1e10)
			p->cpu_s += cpu * dt;
		long long rss = (long long)json_integer_value(json_object_get(e, "rss_kb"));
		if (rss > p->peak_rss_kb && rss <= (1LL << 50))
			p->peak_rss_kb = rss;
		const char *st = json_string_value(json_object_get(e, "state"));
		const char *slot = st && st[0] && st[0] != '?' ? strchr(PS_STATES, st[0]) : NULL;
		p->state_s[slot ? slot - PS_STATES : PS_NSTATES - 1] += dt;
	}
	s->last_proc_ns = t;
}

void profile_summary_event(void *state, const cast_event_t *ev)
{
	profile_summary_t *s = state;
	if (strcmp(ev->code, "p") != 0)
		return;
	s->events++;
	json_error_t err;
	json_t *j = json_loadb(ev->data, ev->data_len, 0, &err);
	const char *src = json_string_value(json_object_get(j, "src"));
	if (!src) {
		s->bad++;
		json_decref(j);
		return;
	}
	ps_stacks_t *st = !strcmp(src, "perf") ? &s->perf : !strcmp(src, "py") ? &s->py : NULL;
	if (!strcmp(src, "proc") && json_is_array(json_object_get(j, "procs"))) {
		ps_add_procs(s, json_object_get(j, "procs"), ev->time_ns);
	} else if (st && json_is_integer(json_object_get(j, "lost"))) {
		ps_add_lost(st, j);
	} else if (st && json_is_string(json_object_get(j, "stack"))) {
		json_t *idle = json_object_get(j, "idle");
		bool is_idle = idle && (json_is_true(idle) || json_integer_value(idle) != 0);
		if (is_idle)
			st->idle++;
		if (!is_idle || s->with_idle)
			ps_add_stack(s, st, json_string_value(json_object_get(j, "stack")));
	} else {
		s->bad++;
	}
	json_decref(j);
}

/* The PROFILE_SUMMARY_TOP frames by self (by_self) or total; returns n. */
static size_t ps_top(const ps_stacks_t *st, bool by_self, const ps_frame_t **out)
{
	size_t n = 0;
	for (size_t i = 0; i < st->cap; i++) {
		const ps_frame_t *f = &st->tab[i];
		unsigned long v = by_self ? f->self : f->total;
		if (!f->name || v == 0)
			continue;
		/* insertion into a short sorted list: count desc, name asc */
		size_t at = n;
		while (at > 0) {
			const ps_frame_t *g = out[at - 1];
			unsigned long w = by_self ? g->self : g->total;
			if (w > v || (w == v && strcmp(g->name, f->name) < 0))
				break;
			at--;
		}
		if (at >= PROFILE_SUMMARY_TOP)
			continue;
		size_t last = n < PROFILE_SUMMARY_TOP ? n : PROFILE_SUMMARY_TOP - 1;
		memmove(&out[at + 1], &out[at], (last - at) * sizeof(*out));
		out[at] = f;
		if (n < PROFILE_SUMMARY_TOP)
			n++;
	}
	return n;
}

static int cmp_proc(const void *a, const void *b)
{
	const ps_proc_t *x = a, *y = b;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void ps_print_stacks(FILE *fp, const char *name, const ps_stacks_t *st,
			    bool with_idle)
{
	if (!st->samples && !st->lost && !st->idle)
		return;
	fprintf(fp, "  %s: %lu stack samples, %lu lost", name, st->samples, st->lost);
	if (st->lost_ns)
		fprintf(fp, " (%.2f s the sampler could not run: a C call held the GIL, "
			"or no CPU)", (double)st->lost_ns / 1e9);
	fputc('\n', fp);
	if (st->idle || with_idle)
		fprintf(fp, "    %s; %lu idle samples (threads that neither ran nor waited "
			"for a CPU) %s\n", with_idle ? "on-CPU and idle samples" :
			"on-CPU samples only", st->idle,
			with_idle ? "included (--idle)" : "left out (--idle counts them)");
	for (size_t i = 0; i < st->n_lost_by; i++)
		fprintf(fp, "    lost in pid %ld: %lu rounds, %.2f s\n", st->lost_by[i].pid,
			st->lost_by[i].rounds, (double)st->lost_by[i].ns / 1e9);
	const ps_frame_t *top[PROFILE_SUMMARY_TOP];
	for (int pass = 0; pass < 2; pass++) {
		size_t n = ps_top(st, pass == 0, top);
		fprintf(fp, "    top frames by %s samples:\n", pass == 0 ? "self" : "total");
		for (size_t i = 0; i < n; i++) {
			unsigned long v = pass == 0 ? top[i]->self : top[i]->total;
			fprintf(fp, "      %7lu %5.1f%%  ", v, 100.0 * (double)v / (double)st->samples);
			for (const char *p = top[i]->name; *p; p++)
				fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, fp);
			fputc('\n', fp);
		}
	}
}

void profile_summary_print(void *state, FILE *fp)
{
	profile_summary_t *s = state;
	fprintf(fp, "  %lu profile events", s->events);
	if (s->bad)
		fprintf(fp, " (%lu malformed, skipped)", s->bad);
	fputc('\n', fp);
	if (s->nprocs) {
		qsort(s->procs, s->nprocs, sizeof(ps_proc_t), cmp_proc);
		fprintf(fp, "  processes (proc source): time in state R/S/D/Z/T/t/other in seconds\n"
			"    (t: stopped by a tracer; under --strace, the cost of tracing)\n");
		fprintf(fp, "    %7s %7s %-16s %8s %11s %9s  %s\n", "PID", "PPID", "COMM",
			"CPU s", "peak RSS", "seen s", "R/S/D/Z/T/t/other");
		for (size_t i = 0; i < s->nprocs; i++) {
			const ps_proc_t *p = &s->procs[i];
			char comm[sizeof(p->comm)];
			memcpy(comm, p->comm, sizeof(comm));
			for (char *c = comm; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					*c = '?';
			fprintf(fp, "    %7ld %7ld %-16s %8.2f %8lld kB %4.1f-%-4.1f ", p->pid, p->ppid,
				comm, p->cpu_s, p->peak_rss_kb, (double)p->first_ns / 1e9,
				(double)p->last_ns / 1e9);
			for (int k = 0; k < PS_NSTATES; k++)
				fprintf(fp, "%s%.2f", k ? "/" : " ", p->state_s[k]);
			fputc('\n', fp);
		}
	}
	ps_print_stacks(fp, "perf", &s->perf, s->with_idle);
	ps_print_stacks(fp, "py", &s->py, s->with_idle);
}

static json_t *ps_stacks_json(const ps_stacks_t *st, bool with_idle)
{
	json_t *o = json_pack("{sIsIsIsbsf}", "samples", (json_int_t)st->samples, "lost",
			      (json_int_t)st->lost, "idle_samples", (json_int_t)st->idle,
			      "idle_counted", with_idle, "lost_s", (double)st->lost_ns / 1e9);
	json_t *lb = json_array();
	for (size_t i = 0; lb && i < st->n_lost_by; i++)
		json_array_append_new(lb, json_pack("{sIsIsf}", "pid", (json_int_t)st->lost_by[i].pid,
			"lost", (json_int_t)st->lost_by[i].rounds, "lost_s",
			(double)st->lost_by[i].ns / 1e9));
	if (o)
		json_object_set_new(o, "lost_by_pid", lb);
	const ps_frame_t *top[PROFILE_SUMMARY_TOP];
	for (int pass = 0; pass < 2 && o; pass++) {
		size_t n = ps_top(st, pass == 0, top);
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{sssI}", "frame", top[i]->name, "samples",
				(json_int_t)(pass == 0 ? top[i]->self : top[i]->total)));
		json_object_set_new(o, pass == 0 ? "top_self" : "top_total", a);
	}
	return o;
}

json_t *profile_summary_json(void *state)
{
	profile_summary_t *s = state;
	json_t *o = json_pack("{sIsI}", "samples", (json_int_t)s->events, "bad",
			      (json_int_t)s->bad);
	json_t *procs = json_array();
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(ps_proc_t), cmp_proc);
	for (size_t i = 0; i < s->nprocs; i++) {
		const ps_proc_t *p = &s->procs[i];
		json_t *states = json_object();
		for (int k = 0; k < PS_NSTATES; k++) {
			char key[8] = { PS_STATES[k], 0 };
			json_object_set_new(states, k == PS_NSTATES - 1 ? "other" : key,
					    json_real(p->state_s[k]));
		}
		json_array_append_new(procs, json_pack("{sIsIsssfsIsfsfso}", "pid",
			(json_int_t)p->pid, "ppid", (json_int_t)p->ppid, "comm", p->comm,
			"cpu_s", p->cpu_s, "peak_rss_kb", (json_int_t)p->peak_rss_kb,
			"first_s", (double)p->first_ns / 1e9, "last_s", (double)p->last_ns / 1e9,
			"states", states));
	}
	json_object_set_new(o, "processes", procs);
	json_t *stacks = json_object();
	if (s->perf.samples || s->perf.lost)
		json_object_set_new(stacks, "perf", ps_stacks_json(&s->perf, s->with_idle));
	if (s->py.samples || s->py.lost || s->py.idle)
		json_object_set_new(stacks, "py", ps_stacks_json(&s->py, s->with_idle));
	json_object_set_new(o, "stacks", stacks);
	return o;
}
