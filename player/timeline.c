/* timeline: the one pass that builds the index of a recording (see
 * timeline.h; the accessors are in tl_index.c, texts read back in
 * tl_text.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "tracecast/tc_hash.h"
#include "tracecast/cast_reader.h"
#include "tracecast/strace_line.h"
#include "cast_tail.h"
#include "strace_pair.h"
#include "timeline_priv.h"
#include "tl_proc.h"
#include "tl_sysline.h"

/* Grow *arr (of *cap elements of size sz) to hold n + 1. 0 or -ENOMEM. */
static int tl_load_reserve(void **arr, size_t *cap, size_t n, size_t sz)
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

/* Open-addressing hash of strings or longs to a small id. */
typedef struct tl_load_hash {
	uint32_t *slot;            /* id + 1, 0 = empty */
	size_t cap;
} tl_load_hash_t;

/* A direct-mapped cache in front of the name and tid hashes: consecutive
 * lines mostly repeat a few names and threads, and a hit costs a compare
 * instead of hashing the key (about 8% of the pass on 3,000,000 lines). */
#define TL_LOAD_CACHE 64

typedef struct tl_load_cached {
	long key;                  /* tid, or the name's length (names) */
	long id;                   /* -1: empty */
} tl_load_cached_t;

typedef struct tl_load {
	timeline_t *tl;
	tl_load_cached_t name_c[TL_LOAD_CACHE], tid_c[TL_LOAD_CACHE];
	size_t cap_o, cap_ooff, cap_scr, cap_sys, cap_blocks, cap_x, cap_tids, cap_names, cap_prof,
	       cap_markers, cap_resizes, cap_texts;
	uint32_t errors;
	tl_load_hash_t name_h, tid_h;
	strace_pair_t *pair;       /* unfinished halves waiting, per thread */
	uint64_t line_off;         /* offset of the line being added */
	int64_t prev_t;            /* time of the event before it */
	sbuf_t scratch;            /* for tl_sysline_parse */
} tl_load_t;

/* Grow a hash to twice its size (or 256). */
static int tl_load_hash_grow(tl_load_hash_t *h, const timeline_t *tl, bool names)
{
	size_t nc = h->cap ? h->cap * 2 : 256;
	uint32_t *ns = calloc(nc, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t k = 0; k < h->cap; k++) {
		if (!h->slot[k])
			continue;
		uint32_t id = h->slot[k] - 1;
		uint64_t hv = names ? tc_hash(tl->names[id], strlen(tl->names[id]))
				    : tc_hash((const char *)&tl->tids[id], sizeof(long));
		size_t j = hv & (nc - 1);
		while (ns[j])
			j = (j + 1) & (nc - 1);
		ns[j] = id + 1;
	}
	free(h->slot);
	h->slot = ns;
	h->cap = nc;
	return 0;
}

/* tl_load_name past its cache: the hash. */
static long tl_load_name_slow(tl_load_t *ld, tl_load_hash_t *h, const char *s, size_t n)
{
	timeline_t *tl = ld->tl;

	if ((tl->n_names + 1) * 2 > h->cap && tl_load_hash_grow(h, tl, true) < 0)
		return -ENOMEM;
	size_t j = tc_hash(s, n) & (h->cap - 1);
	for (; h->slot[j]; j = (j + 1) & (h->cap - 1)) {
		const char *e = tl->names[h->slot[j] - 1];
		if (!strncmp(e, s, n) && !e[n])
			return (long)h->slot[j] - 1;
	}
	if (tl->n_names >= TL_MAX_NAMES)
		return TL_NAME_NONE;
	if (tl_load_reserve((void **)&tl->names, &ld->cap_names, tl->n_names, sizeof(char *)) < 0)
		return -ENOMEM;
	char *c = strndup(s, n);
	if (!c)
		return -ENOMEM;
	tl->names[tl->n_names] = c;
	h->slot[j] = (uint32_t)tl->n_names + 1;
	return (long)tl->n_names++;
}

/* Id of the name s[0..n), added when new. TL_NAME_NONE when full, -ENOMEM. */
static long tl_load_name(tl_load_t *ld, const char *s, size_t n)
{
	timeline_t *tl = ld->tl;
	tl_load_hash_t *h = &ld->name_h;
	size_t k = n ? (n * 31 + (unsigned char)s[0] * 7 + (unsigned char)s[n - 1]) : 0;
	tl_load_cached_t *c = &ld->name_c[k % TL_LOAD_CACHE];

	if (c->id >= 0 && c->key == (long)n && !memcmp(tl->names[c->id], s, n))
		return c->id;
	long id = tl_load_name_slow(ld, h, s, n);
	/* a name with a NUL inside is stored cut: never a cached hit */
	if (id >= 0 && id != TL_NAME_NONE && !memchr(s, '\0', n))
		*c = (tl_load_cached_t){ (long)n, id };
	return id;
}

static long tl_load_tid_slow(tl_load_t *ld, long tid);

/* Index of tid, added when new; TL_TID_BIG when the table is full. */
static long tl_load_tid(tl_load_t *ld, long tid)
{
	tl_load_cached_t *c = &ld->tid_c[(unsigned long)tid % TL_LOAD_CACHE];

	if (c->id >= 0 && c->key == tid)
		return c->id;
	long id = tl_load_tid_slow(ld, tid);
	if (id >= 0 && id != TL_TID_BIG)
		*c = (tl_load_cached_t){ tid, id };
	return id;
}

/* tl_load_tid past its cache: the hash. */
static long tl_load_tid_slow(tl_load_t *ld, long tid)
{
	timeline_t *tl = ld->tl;
	tl_load_hash_t *h = &ld->tid_h;

	if ((tl->n_tids + 1) * 2 > h->cap && tl_load_hash_grow(h, tl, false) < 0)
		return -ENOMEM;
	size_t j = tc_hash((const char *)&tid, sizeof(tid)) & (h->cap - 1);
	for (; h->slot[j]; j = (j + 1) & (h->cap - 1))
		if (tl->tids[h->slot[j] - 1] == tid)
			return (long)h->slot[j] - 1;
	if (tl->n_tids >= TL_TID_BIG)
		return TL_TID_BIG;
	if (tl_load_reserve((void **)&tl->tids, &ld->cap_tids, tl->n_tids, sizeof(long)) < 0)
		return -ENOMEM;
	tl->tids[tl->n_tids] = tid;
	h->slot[j] = (uint32_t)tl->n_tids + 1;
	return (long)tl->n_tids++;
}

/* tl_proc's way to a tid's index: -1 past the table's end. */
static long tl_load_proc_tidx(void *user, long tid)
{
	long k = tl_load_tid(user, tid);
	return k == TL_TID_BIG ? -1 : k;
}

static int tl_load_x(tl_load_t *ld, size_t i, enum tl_x_kind kind, int64_t v)
{
	timeline_t *tl = ld->tl;

	if (tl_load_reserve((void **)&tl->x, &ld->cap_x, tl->n_x, sizeof(*tl->x)) < 0)
		return -ENOMEM;
	tl->x[tl->n_x++] = (tl_x_t){ (uint32_t)i, (uint32_t)kind, v };
	return 0;
}

static int tl_load_x_cmp(const void *a, const void *b)
{
	const tl_x_t *x = a, *y = b;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}


/* Grow the record arrays to hold one more. */
static int tl_load_sys_reserve(tl_load_t *ld)
{
	timeline_t *tl = ld->tl;

	if (tl->n_sys < ld->cap_sys)
		return 0;
	if (tl->n_sys >= UINT32_MAX - 1)
		return -EFBIG;
	size_t nc = ld->cap_sys ? ld->cap_sys * 2 : 1024;
	void *a = realloc(tl->s_dt, nc * 4), *b;
	if (!a)
		return -ENOMEM;
	tl->s_dt = a;
	if (!(b = realloc(tl->s_dur, nc * 4)))
		return -ENOMEM;
	tl->s_dur = b;
	if (!(b = realloc(tl->s_tid, nc * 2)))
		return -ENOMEM;
	tl->s_tid = b;
	if (!(b = realloc(tl->s_name, nc * 2)))
		return -ENOMEM;
	tl->s_name = b;
	if (!(b = realloc(tl->s_flags, nc)))
		return -ENOMEM;
	tl->s_flags = b;
	ld->cap_sys = nc;
	return 0;
}

static int tl_load_sys(tl_load_t *ld, int64_t t, const char *data, size_t len, bool raw)
{
	timeline_t *tl = ld->tl;
	strace_line_t sl;
	size_t i = tl->n_sys;
	uint8_t flags = 0;
	long name = TL_NAME_NONE, tidx;
	int rc;

	if ((rc = tl_load_sys_reserve(ld)) < 0)
		return rc;
	tl_block_t *b = tl->n_blocks ? &tl->blocks[tl->n_blocks - 1] : NULL;
	if (!b || i - b->first >= TL_BLOCK || t < b->t0 || t - b->t0 > (int64_t)UINT32_MAX) {
		if (tl_load_reserve((void **)&tl->blocks, &ld->cap_blocks, tl->n_blocks,
			       sizeof(*tl->blocks)) < 0)
			return -ENOMEM;
		b = &tl->blocks[tl->n_blocks++];
		*b = (tl_block_t){ t, ld->line_off, ld->prev_t, (uint32_t)i, ld->errors };
	}
	if (ld->cap_texts != SIZE_MAX) {
		/* no offsets (v1): keep the text */
		if (tl_load_reserve((void **)&tl->rd->texts, &ld->cap_texts, i, sizeof(char *)) < 0)
			return -ENOMEM;
		if (raw)
			tl_sysline_decode(data, len, &ld->scratch);
		if (!(tl->rd->texts[i] = raw ? strdup(ld->scratch.data) : strndup(data, len)))
			return -ENOMEM;
	}
	tl_sysline_parse(data, len, raw, false, &ld->scratch, &sl);
	bool callish = sl.kind == STRACE_CALL || sl.kind == STRACE_UNFINISHED ||
		       sl.kind == STRACE_RESUMED;
	if (callish && raw && tl_proc_wants(sl.name, sl.name_len))
		tl_sysline_parse(data, len, raw, true, &ld->scratch, &sl); /* with args */
	if (callish) {
		name = tl_load_name(ld, sl.name, sl.name_len);
		if (name < 0)
			return (int)name;
	}
	if ((tidx = tl_load_tid(ld, sl.tid)) < 0)
		return (int)tidx;
	if ((rc = tl_proc_line(tl->proc, i, tidx == TL_TID_BIG ? -1 : tidx, &sl, tl_load_proc_tidx,
			       ld)) < 0)
		return rc;
	if (tidx == TL_TID_BIG && tl_load_x(ld, i, TL_X_TID, sl.tid) < 0)
		return -ENOMEM;
	switch (sl.kind) {
	case STRACE_CALL:
		break;
	case STRACE_UNFINISHED:
		flags |= TL_SYS_UNFINISHED;
		/* out of memory: it stays unpaired, as an orphan would */
		(void)strace_pair_unfinished(ld->pair, sl.attach_pid, sl.tid, sl.name,
					     sl.name_len, (long)i);
		break;
	case STRACE_RESUMED: {
		flags |= TL_SYS_RESUMED;
		long u = strace_pair_resumed(ld->pair, sl.attach_pid, sl.tid, sl.name, sl.name_len);
		if (u >= 0 && (tl_load_x(ld, i, TL_X_PAIR, u) < 0 ||
			       tl_load_x(ld, (size_t)u, TL_X_PAIR, (int64_t)i) < 0))
			return -ENOMEM;
		break;
	}
	case STRACE_EXITED:
	case STRACE_KILLED: /* the thread is gone: nothing of it resumes */
		strace_pair_forget(ld->pair, sl.attach_pid, sl.tid);
		flags |= TL_SYS_NOTCALL;
		break;
	default:
		flags |= TL_SYS_NOTCALL;
		break;
	}
	if (sl.attach_pid)
		flags |= TL_SYS_ATTACHED;
	if (sl.err || (sl.kind == STRACE_KILLED))
		flags |= TL_SYS_ERROR;
	if (flags & TL_SYS_ERROR)
		ld->errors++;
	uint32_t dur = TL_DUR_NONE;
	if (sl.dur_ns >= 0) {
		if (sl.dur_ns < (int64_t)TL_DUR_BIG)
			dur = (uint32_t)sl.dur_ns;
		else if (tl_load_x(ld, i, TL_X_DUR, sl.dur_ns) < 0)
			return -ENOMEM;
		else
			dur = TL_DUR_BIG;
	}
	tl->s_dt[i] = (uint32_t)(t - b->t0);
	tl->s_dur[i] = dur;
	tl->s_tid[i] = (uint16_t)tidx;
	tl->s_name[i] = (uint16_t)name;
	tl->s_flags[i] = flags;
	tl->n_sys++;
	return 0;
}

/* The largest values a "p" sample may hold: CPU in cores, RSS in KiB. */
#define TL_CPU_MAX 65536.0
#define TL_RSS_MAX_KB ((json_int_t)1 << 50)

/* Reduce one "p" JSON text to a tl_prof_t; unknown shapes are skipped. */
static int tl_load_prof(tl_load_t *ld, int64_t t, const char *data, size_t len)
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
	if ((rc = tl_load_reserve((void **)&tl->prof, &ld->cap_prof, tl->n_prof, sizeof(*tl->prof))) < 0)
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
			json_t *jp = json_object_get(pr, "pid");
			if (json_is_integer(jp) &&
			    (rc = tl_proc_sample(tl->proc, (long)json_integer_value(jp),
						 json_string_value(json_object_get(pr, "comm")))) < 0)
				goto out;
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

/* Note the offset of a screen event's line (v2 files: the playhead goes
 * from one to the next without reading the lines between). */
static int tl_load_scr(tl_load_t *ld)
{
	timeline_t *tl = ld->tl;

	if (tl->version != 2)
		return 0;
	if (tl_load_reserve((void **)&tl->scr_off, &ld->cap_scr, tl->n_scr, sizeof(uint64_t)) < 0)
		return -ENOMEM;
	tl->scr_off[tl->n_scr++] = ld->line_off;
	return 0;
}

/* Record one event in the index. */
static int tl_load_event(tl_load_t *ld, const cast_event_t *ev)
{
	timeline_t *tl = ld->tl;
	const char *c = ev->code;

	if (ev->time_ns > tl->duration_ns)
		tl->duration_ns = ev->time_ns;
	if (!strcmp(c, "o")) {
		if (tl_load_reserve((void **)&tl->otimes, &ld->cap_o, tl->n_o, sizeof(int64_t)) < 0)
			return -ENOMEM;
		if (tl->version == 2) {
			if (tl_load_reserve((void **)&tl->o_off, &ld->cap_ooff, tl->n_o, sizeof(uint64_t)) < 0)
				return -ENOMEM;
			tl->o_off[tl->n_o] = ld->line_off;
		}
		tl->otimes[tl->n_o++] = ev->time_ns;
		if (tl_load_scr(ld) < 0)
			return -ENOMEM;
	} else if (!strcmp(c, "s")) {
		int rc = tl_load_sys(ld, ev->time_ns, ev->data, ev->data_len, ev->raw);
		if (rc < 0)
			return rc;
	} else if (!strcmp(c, "p")) {
		return tl_load_prof(ld, ev->time_ns, ev->data, ev->data_len);
	} else if (!strcmp(c, "m")) {
		if (tl_load_reserve((void **)&tl->markers, &ld->cap_markers, tl->n_markers,
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
		if (tl_load_reserve((void **)&tl->resizes, &ld->cap_resizes, tl->n_resizes,
			       sizeof(*tl->resizes)) < 0)
			return -ENOMEM;
		tl->resizes[tl->n_resizes++] = (tl_resize_t){ ev->time_ns, cols, rows };
		if (tl_load_scr(ld) < 0)
			return -ENOMEM;
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
	tl_load_t *ld = calloc(1, sizeof(*ld));
	cast_event_t ev;
	cast_error_t e;
	struct stat st;
	uint64_t total = 0, next_report = 0;
	int rc;

	*out = NULL;
	if (!ld || strace_pair_new(&ld->pair) < 0) {
		free(ld);
		return -ENOMEM;
	}
	ld->tl = calloc(1, sizeof(*ld->tl));
	if (!ld->tl || !(ld->tl->rd = calloc(1, sizeof(*ld->tl->rd))) ||
	    tl_proc_new(&ld->tl->proc) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < TL_CACHE; k++)
		ld->tl->rd->cache[k].i = SIZE_MAX;
	for (size_t k = 0; k < TL_LOAD_CACHE; k++)
		ld->name_c[k].id = ld->tid_c[k].id = -1;
	ld->tl->rd->next_i = SIZE_MAX;
	rc = cast_reader_open(&r, path, err);
	if (rc < 0)
		goto out;
	/* "s" texts stay escaped: the index needs only their edges
	 * (tl_sysline.h); a strict load decodes them, to check them */
	bool raw = !(opts && opts->strict);
	if (raw)
		cast_reader_set_raw(r, "s");
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		total = (uint64_t)st.st_size; /* gzip: see below */
	const cast_header_t *h = cast_reader_header(r);
	ld->tl->width = h->width ? h->width : 80;
	ld->tl->height = h->height ? h->height : 24;
	ld->tl->has_idle_limit = h->has_idle_time_limit;
	ld->tl->idle_limit = h->idle_time_limit;
	ld->tl->version = h->version;
	ld->tl->s_base = strace_time_base_of(h->json);
	if (h->title && !(ld->tl->title = strdup(h->title))) {
		rc = -ENOMEM;
		goto out;
	}
	/* texts are read back from the file, except where lines have no
	 * offsets (v1) or the file cannot be read again (stdin) */
	if (h->version != 1 && strcmp(path, "-")) {
		ld->cap_texts = SIZE_MAX;
		if ((rc = cast_tail_open(&ld->tl->rd->tail, path, h->version)) < 0) {
			cast_error_set(err, path, 0, 0, "cannot read it again: %s", strerror(-rc));
			goto out;
		}
		if (cast_tail_is_gzip(ld->tl->rd->tail))
			total = 0; /* offsets are decompressed bytes */
		if (raw) /* so that it counts the "s" events the reader does */
			cast_tail_set_raw(ld->tl->rd->tail, "s");
	}
	ld->tl->data_off = cast_reader_offset(r);
	for (;;) {
		ld->line_off = cast_reader_offset(r);
		rc = cast_reader_next(r, &ev, &e);
		if (rc == 0)
			break;
		if (rc == CAST_ERR_SYNTAX) {
			ld->tl->malformed++;
			if (opts && opts->strict) {
				if (err)
					*err = e;
				goto out;
			}
			if (opts && !opts->quiet && opts->warn)
				opts->warn(opts->warn_user, &e);
			continue;
		}
		if (rc < 0) {
			if (err)
				*err = e;
			goto out;
		}
		rc = tl_load_event(ld, &ev);
		if (rc < 0) {
			cast_error_set(err, path, ev.line, 0, rc == -EFBIG ? "too many events" : "out of memory");
			goto out;
		}
		ld->prev_t = ev.time_ns;
		if (opts && opts->progress && ld->line_off >= next_report) {
			next_report = ld->line_off + (4u << 20);
			if (opts->progress(opts->progress_user, ld->line_off, total)) {
				rc = -ECANCELED;
				cast_error_set(err, path, 0, 0, "cancelled");
				goto out;
			}
		}
	}
	timeline_t *tl = ld->tl;
	if (tl->n_x)
		qsort(tl->x, tl->n_x, sizeof(*tl->x), tl_load_x_cmp);
	if (opts && opts->progress)
		opts->progress(opts->progress_user, ld->line_off, ld->line_off);
	tl->vtimes = calloc(tl->n_o ? tl->n_o : 1, sizeof(int64_t));
	if (!tl->vtimes) {
		rc = -ENOMEM;
		goto out;
	}
	timeline_set_idle_limit(tl, 0);
	*out = tl;
	ld->tl = NULL;
	rc = 0;
out:
	cast_reader_free(r);
	if (ld) {
		timeline_free(ld->tl);
		free(ld->name_h.slot);
		free(ld->tid_h.slot);
		sbuf_cleanup(&ld->scratch);
		strace_pair_free(ld->pair);
		free(ld);
	}
	return rc;
}
