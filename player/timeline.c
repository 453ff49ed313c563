/* timeline: the in-memory index of a recording (see timeline.h). */
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
#include "timeline.h"
#include "tl_proc.h"
#include "tl_sysline.h"

#define TL_BLOCK 256           /* syscall records per block, at most */
#define TL_DUR_NONE 0xffffffffu
#define TL_DUR_BIG 0xfffffffeu /* the duration is in the side table */
#define TL_TID_BIG 0xffffu     /* the tid is in the side table */
#define TL_MAX_NAMES 0xfffeu
#define TL_CACHE 128           /* texts read back, kept */

/* Records that share a base time and the file offset of their first line. */
typedef struct tl_block {
	int64_t t0;
	uint64_t off;          /* offset of the first record's line */
	int64_t clock;         /* time of the event before that line (v3) */
	uint32_t first;        /* index of the first record */
	uint32_t errors;       /* error lines before the block */
} tl_block_t;

enum tl_x_kind { TL_X_DUR, TL_X_TID, TL_X_PAIR };

/* The side table: what does not fit a record. Sorted by (i, kind). */
typedef struct tl_x {
	uint32_t i;
	uint32_t kind;
	int64_t v;
} tl_x_t;

typedef struct tl_cache_ent {
	size_t i;              /* SIZE_MAX when empty */
	char *text;
} tl_cache_ent_t;

/* The read-back cursor and cache (mutable behind a const timeline). */
typedef struct tl_reader {
	cast_tail_t *tail;
	size_t next_i;         /* record the tail's position is at, or SIZE_MAX */
	uint64_t off;
	int64_t clock;
	tl_cache_ent_t cache[TL_CACHE];
	char **texts;          /* v1 files: texts kept in memory */
} tl_reader_t;

struct timeline {
	unsigned width, height;    /* the header's size */
	bool has_idle_limit;
	double idle_limit;         /* seconds, from the header */
	char *title;               /* NULL when none */
	int version;
	strace_time_base_t s_base;
	int64_t duration_ns;       /* time of the last event */
	int64_t *otimes;           /* times of "o" events */
	size_t n_o;
	uint64_t *scr_off;         /* file offsets of "o" and "r" lines (v2) */
	uint64_t *o_off;           /* file offsets of "o" lines (v2), as otimes */
	uint64_t data_off;         /* offset of the first line after the header */
	size_t n_scr;
	int64_t *vtimes;           /* play time of each "o" event (idle limit applied) */
	int64_t idle_limit_ns;     /* in force for vtimes, 0 = none */
	/* syscall records, one array per field (no padding) */
	uint32_t *s_dt;            /* time - block t0 */
	uint32_t *s_dur;           /* ns, TL_DUR_NONE / TL_DUR_BIG */
	uint16_t *s_tid;           /* index into tids, TL_TID_BIG */
	uint16_t *s_name;          /* name id */
	uint8_t *s_flags;
	size_t n_sys;
	tl_block_t *blocks;
	size_t n_blocks;
	tl_x_t *x;
	size_t n_x;
	long *tids;                /* distinct tids */
	size_t n_tids;
	char **names;              /* distinct syscall names */
	size_t n_names;
	tl_reader_t *rd;
	tl_proc_t *proc;           /* tid -> pid and comm */
	tl_prof_t *prof;
	size_t n_prof;
	tl_marker_t *markers;
	size_t n_markers;
	tl_resize_t *resizes;
	size_t n_resizes;
	unsigned long malformed;   /* malformed lines skipped */
	bool has_exit;
	int exit_status;
};

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

/* Open-addressing hash of strings or longs to a small id. */
typedef struct tl_hash {
	uint32_t *slot;            /* id + 1, 0 = empty */
	size_t cap;
} tl_hash_t;

typedef struct tl_load {
	timeline_t *tl;
	size_t cap_o, cap_ooff, cap_scr, cap_sys, cap_blocks, cap_x, cap_tids, cap_names, cap_prof,
	       cap_markers, cap_resizes, cap_texts;
	uint32_t errors;
	tl_hash_t name_h, tid_h;
	strace_pair_t *pair;       /* unfinished halves waiting, per thread */
	uint64_t line_off;         /* offset of the line being added */
	int64_t prev_t;            /* time of the event before it */
	sbuf_t scratch;            /* for tl_sysline_parse */
} tl_load_t;

/* Grow a hash to twice its size (or 256). */
static int tl_hash_grow(tl_hash_t *h, const timeline_t *tl, bool names)
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

/* Id of the name s[0..n), added when new. TL_NAME_NONE when full, -ENOMEM. */
static long tl_name_intern(tl_load_t *ld, const char *s, size_t n)
{
	timeline_t *tl = ld->tl;
	tl_hash_t *h = &ld->name_h;

	if ((tl->n_names + 1) * 2 > h->cap && tl_hash_grow(h, tl, true) < 0)
		return -ENOMEM;
	size_t j = tc_hash(s, n) & (h->cap - 1);
	for (; h->slot[j]; j = (j + 1) & (h->cap - 1)) {
		const char *e = tl->names[h->slot[j] - 1];
		if (!strncmp(e, s, n) && !e[n])
			return (long)h->slot[j] - 1;
	}
	if (tl->n_names >= TL_MAX_NAMES)
		return TL_NAME_NONE;
	if (tl_reserve((void **)&tl->names, &ld->cap_names, tl->n_names, sizeof(char *)) < 0)
		return -ENOMEM;
	char *c = strndup(s, n);
	if (!c)
		return -ENOMEM;
	tl->names[tl->n_names] = c;
	h->slot[j] = (uint32_t)tl->n_names + 1;
	return (long)tl->n_names++;
}

/* Index of tid, added when new; TL_TID_BIG when the table is full. */
static long tl_tid_intern(tl_load_t *ld, long tid)
{
	timeline_t *tl = ld->tl;
	tl_hash_t *h = &ld->tid_h;

	if ((tl->n_tids + 1) * 2 > h->cap && tl_hash_grow(h, tl, false) < 0)
		return -ENOMEM;
	size_t j = tc_hash((const char *)&tid, sizeof(tid)) & (h->cap - 1);
	for (; h->slot[j]; j = (j + 1) & (h->cap - 1))
		if (tl->tids[h->slot[j] - 1] == tid)
			return (long)h->slot[j] - 1;
	if (tl->n_tids >= TL_TID_BIG)
		return TL_TID_BIG;
	if (tl_reserve((void **)&tl->tids, &ld->cap_tids, tl->n_tids, sizeof(long)) < 0)
		return -ENOMEM;
	tl->tids[tl->n_tids] = tid;
	h->slot[j] = (uint32_t)tl->n_tids + 1;
	return (long)tl->n_tids++;
}

/* tl_proc's way to a tid's index: -1 past the table's end. */
static long tl_proc_tidx(void *user, long tid)
{
	long k = tl_tid_intern(user, tid);
	return k == TL_TID_BIG ? -1 : k;
}

static int tl_add_x(tl_load_t *ld, size_t i, enum tl_x_kind kind, int64_t v)
{
	timeline_t *tl = ld->tl;

	if (tl_reserve((void **)&tl->x, &ld->cap_x, tl->n_x, sizeof(*tl->x)) < 0)
		return -ENOMEM;
	tl->x[tl->n_x++] = (tl_x_t){ (uint32_t)i, (uint32_t)kind, v };
	return 0;
}

static int tl_x_cmp(const void *a, const void *b)
{
	const tl_x_t *x = a, *y = b;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}

/* The side-table value of (i, kind), or def. */
static int64_t tl_x_get(const timeline_t *tl, size_t i, enum tl_x_kind kind, int64_t def)
{
	size_t lo = 0, hi = tl->n_x;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const tl_x_t *x = &tl->x[mid];
		if (x->i < i || (x->i == i && x->kind < (uint32_t)kind))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tl->n_x && tl->x[lo].i == i && tl->x[lo].kind == (uint32_t)kind)
		return tl->x[lo].v;
	return def;
}

/* Grow the record arrays to hold one more. */
static int tl_sys_reserve(tl_load_t *ld)
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

static int tl_add_sys(tl_load_t *ld, int64_t t, const char *data, size_t len, bool raw)
{
	timeline_t *tl = ld->tl;
	strace_line_t sl;
	size_t i = tl->n_sys;
	uint8_t flags = 0;
	long name = TL_NAME_NONE, tidx;
	int rc;

	if ((rc = tl_sys_reserve(ld)) < 0)
		return rc;
	tl_block_t *b = tl->n_blocks ? &tl->blocks[tl->n_blocks - 1] : NULL;
	if (!b || i - b->first >= TL_BLOCK || t < b->t0 || t - b->t0 > (int64_t)UINT32_MAX) {
		if (tl_reserve((void **)&tl->blocks, &ld->cap_blocks, tl->n_blocks,
			       sizeof(*tl->blocks)) < 0)
			return -ENOMEM;
		b = &tl->blocks[tl->n_blocks++];
		*b = (tl_block_t){ t, ld->line_off, ld->prev_t, (uint32_t)i, ld->errors };
	}
	if (ld->cap_texts != SIZE_MAX) {
		/* no offsets (v1): keep the text */
		if (tl_reserve((void **)&tl->rd->texts, &ld->cap_texts, i, sizeof(char *)) < 0)
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
		name = tl_name_intern(ld, sl.name, sl.name_len);
		if (name < 0)
			return (int)name;
	}
	if ((tidx = tl_tid_intern(ld, sl.tid)) < 0)
		return (int)tidx;
	if ((rc = tl_proc_line(tl->proc, i, tidx == TL_TID_BIG ? -1 : tidx, &sl, tl_proc_tidx,
			       ld)) < 0)
		return rc;
	if (tidx == TL_TID_BIG && tl_add_x(ld, i, TL_X_TID, sl.tid) < 0)
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
		if (u >= 0 && (tl_add_x(ld, i, TL_X_PAIR, u) < 0 ||
			       tl_add_x(ld, (size_t)u, TL_X_PAIR, (int64_t)i) < 0))
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
		else if (tl_add_x(ld, i, TL_X_DUR, sl.dur_ns) < 0)
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
static int tl_add_scr(tl_load_t *ld)
{
	timeline_t *tl = ld->tl;

	if (tl->version != 2)
		return 0;
	if (tl_reserve((void **)&tl->scr_off, &ld->cap_scr, tl->n_scr, sizeof(uint64_t)) < 0)
		return -ENOMEM;
	tl->scr_off[tl->n_scr++] = ld->line_off;
	return 0;
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
		if (tl->version == 2) {
			if (tl_reserve((void **)&tl->o_off, &ld->cap_ooff, tl->n_o, sizeof(uint64_t)) < 0)
				return -ENOMEM;
			tl->o_off[tl->n_o] = ld->line_off;
		}
		tl->otimes[tl->n_o++] = ev->time_ns;
		if (tl_add_scr(ld) < 0)
			return -ENOMEM;
	} else if (!strcmp(c, "s")) {
		int rc = tl_add_sys(ld, ev->time_ns, ev->data, ev->data_len, ev->raw);
		if (rc < 0)
			return rc;
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
		if (tl_add_scr(ld) < 0)
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
		rc = tl_add(ld, &ev);
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
		qsort(tl->x, tl->n_x, sizeof(*tl->x), tl_x_cmp);
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

void timeline_free(timeline_t *tl)
{
	if (!tl)
		return;
	if (tl->rd) {
		cast_tail_free(tl->rd->tail);
		for (size_t k = 0; k < TL_CACHE; k++)
			free(tl->rd->cache[k].text);
		if (tl->rd->texts)
			for (size_t i = 0; i < tl->n_sys; i++)
				free(tl->rd->texts[i]);
		free(tl->rd->texts);
		free(tl->rd);
	}
	tl_proc_free(tl->proc);
	for (size_t i = 0; i < tl->n_prof; i++)
		free(tl->prof[i].leaf);
	for (size_t i = 0; i < tl->n_markers; i++)
		free(tl->markers[i].label);
	for (size_t i = 0; i < tl->n_names; i++)
		free(tl->names[i]);
	free(tl->names);
	free(tl->tids);
	free(tl->s_dt);
	free(tl->s_dur);
	free(tl->s_tid);
	free(tl->s_name);
	free(tl->s_flags);
	free(tl->blocks);
	free(tl->x);
	free(tl->prof);
	free(tl->markers);
	free(tl->resizes);
	free(tl->otimes);
	free(tl->scr_off);
	free(tl->o_off);
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

/* Index of the block holding record i. */
static size_t tl_block_of(const timeline_t *tl, size_t i)
{
	size_t lo = 0, hi = tl->n_blocks;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tl->blocks[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t tl_block_end(const timeline_t *tl, size_t b)
{
	return b + 1 < tl->n_blocks ? tl->blocks[b + 1].first : tl->n_sys;
}

size_t timeline_sys_count(const timeline_t *tl)
{
	return tl->n_sys;
}

size_t timeline_sys_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_sys)
		return 0;
	size_t nb = timeline_count_upto(&tl->blocks->t0, sizeof(tl_block_t), tl->n_blocks, t);
	if (!nb)
		return 0;
	const tl_block_t *b = &tl->blocks[nb - 1];
	size_t lo = b->first, hi = tl_block_end(tl, nb - 1);
	uint64_t d = (uint64_t)(t - b->t0);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tl->s_dt[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void timeline_sys_get(const timeline_t *tl, size_t i, tl_sys_t *out)
{
	const tl_block_t *b = &tl->blocks[tl_block_of(tl, i)];
	strace_line_t sl;

	memset(out, 0, sizeof(*out));
	out->t = b->t0 + tl->s_dt[i];
	out->flags = tl->s_flags[i];
	out->name = tl->s_name[i];
	out->tid = tl->s_tid[i] == TL_TID_BIG ? (long)tl_x_get(tl, i, TL_X_TID, 0)
					      : tl->tids[tl->s_tid[i]];
	out->dur_ns = tl->s_dur[i] == TL_DUR_NONE ? -1
		      : tl->s_dur[i] == TL_DUR_BIG ? tl_x_get(tl, i, TL_X_DUR, -1)
						   : (int64_t)tl->s_dur[i];
	out->pair = (out->flags & (TL_SYS_UNFINISHED | TL_SYS_RESUMED))
		    ? (long)tl_x_get(tl, i, TL_X_PAIR, -1) : -1;
	/* the span as strace_line_span gives it for this line's kind */
	memset(&sl, 0, sizeof(sl));
	sl.kind = (out->flags & TL_SYS_UNFINISHED) ? STRACE_UNFINISHED
		  : (out->flags & TL_SYS_RESUMED) ? STRACE_RESUMED
		  : (out->flags & TL_SYS_NOTCALL) ? STRACE_OTHER : STRACE_CALL;
	sl.dur_ns = out->dur_ns;
	strace_line_span(&sl, out->t, tl->s_base, &out->start, &out->end);
}

void timeline_sys_proc(const timeline_t *tl, size_t i, long *pid, const char **comm)
{
	long tidx = i < tl->n_sys && tl->s_tid[i] != TL_TID_BIG ? tl->s_tid[i] : -1;
	tl_proc_get(tl->proc, i, tidx, pid, comm);
}

unsigned timeline_sys_flags(const timeline_t *tl, size_t i)
{
	return tl->s_flags[i];
}

size_t timeline_sys_errors_upto(const timeline_t *tl, size_t n)
{
	if (!n || !tl->n_sys)
		return 0;
	if (n > tl->n_sys)
		n = tl->n_sys;
	size_t b = tl_block_of(tl, n - 1);
	size_t c = tl->blocks[b].errors;
	for (size_t i = tl->blocks[b].first; i < n; i++)
		c += (tl->s_flags[i] & TL_SYS_ERROR) != 0;
	return c;
}

/* Read records forward from the reader's cursor to record i and copy its
 * text into out. */
static int tl_read_to(const timeline_t *tl, size_t i, sbuf_t *out)
{
	tl_reader_t *rd = tl->rd;
	cast_event_t ev;
	int rc;

	for (;;) {
		rc = cast_tail_next(rd->tail, &ev);
		if (rc <= 0)
			return rc < 0 ? rc : -ESPIPE;
		if (strcmp(ev.code, "s"))
			continue;
		size_t k = rd->next_i++;
		rd->off = cast_tail_offset(rd->tail);
		rd->clock = ev.time_ns;
		if (k == i) {
			if (ev.raw) {
				tl_sysline_decode(ev.data, ev.data_len, out);
			} else {
				sbuf_reset(out);
				sbuf_add(out, ev.data, ev.data_len);
			}
			return 0;
		}
	}
}

int timeline_sys_text(const timeline_t *tl, size_t i, sbuf_t *out)
{
	tl_reader_t *rd = tl->rd;
	tl_cache_ent_t *ce = &rd->cache[i % TL_CACHE];
	int rc;

	sbuf_reset(out);
	if (i >= tl->n_sys) {
		sbuf_adds(out, "?");
		return -ERANGE;
	}
	if (rd->texts) {
		sbuf_adds(out, rd->texts[i]);
		return 0;
	}
	if (ce->i == i && ce->text) {
		sbuf_adds(out, ce->text);
		return 0;
	}
	if (!rd->tail) {
		sbuf_adds(out, "?");
		return -ENOENT;
	}
	size_t b = tl_block_of(tl, i);
	if (rd->next_i != SIZE_MAX && rd->next_i <= i && i - rd->next_i < 2 * TL_BLOCK &&
	    rd->next_i >= tl->blocks[b].first) {
		rc = cast_tail_seek(rd->tail, rd->off, rd->clock);
	} else {
		rc = cast_tail_seek(rd->tail, tl->blocks[b].off, tl->blocks[b].clock);
		rd->next_i = tl->blocks[b].first;
	}
	if (rc == 0)
		rc = tl_read_to(tl, i, out);
	if (rc < 0) {
		rd->next_i = SIZE_MAX;
		sbuf_reset(out);
		sbuf_adds(out, "?");
		return rc;
	}
	free(ce->text);
	ce->text = strdup(out->data ? out->data : "");
	ce->i = ce->text ? i : SIZE_MAX;
	return 0;
}

/* Scan "o" events from the one at index k (or the file's start) while
 * their time is <= t_hi: the first (first) or last match of needle with
 * time in (t_lo, t_hi). */
static int tl_scan_o(const timeline_t *tl, size_t k, int64_t t_lo, int64_t t_hi,
		     const char *needle, size_t nlen, bool first, int64_t *found)
{
	tl_reader_t *rd = tl->rd;
	cast_event_t ev;
	int rc;

	rd->next_i = SIZE_MAX; /* the text cursor moves */
	if (tl->o_off && k < tl->n_o)
		rc = cast_tail_seek(rd->tail, tl->o_off[k], 0);
	else
		rc = cast_tail_seek(rd->tail, tl->data_off, 0);
	if (rc < 0)
		return rc;
	while ((rc = cast_tail_next(rd->tail, &ev)) > 0) {
		if (ev.time_ns > t_hi && ev.time_ns != INT64_MAX && t_hi != INT64_MAX)
			break;
		if (strcmp(ev.code, "o") || ev.time_ns <= t_lo || ev.time_ns >= t_hi)
			continue;
		if (memmem(ev.data, ev.data_len, needle, nlen)) {
			*found = ev.time_ns;
			if (first)
				return 1;
		}
	}
	return rc < 0 ? rc : 0;
}

int timeline_search_output(const timeline_t *tl, int64_t t, int dir, const char *needle,
			   int64_t *found)
{
	size_t nlen = strlen(needle);
	int64_t hit = INT64_MIN;
	int rc;

	if (!nlen || !tl->rd->tail)
		return -ENOENT;
	if (dir > 0) {
		size_t k = timeline_next_o(tl, t);
		rc = tl_scan_o(tl, tl->o_off ? k : 0, t, INT64_MAX, needle, nlen, true, &hit);
	} else if (tl->o_off) {
		/* backward: chunks of 4096 "o" events before t, the latest first */
		size_t end = timeline_next_o(tl, t - 1);
		rc = 0;
		while (end > 0 && hit == INT64_MIN && rc >= 0) {
			size_t start = end > 4096 ? end - 4096 : 0;
			int64_t hi = end < tl->n_o ? tl->otimes[end] : INT64_MAX;
			if (hi > t)
				hi = t;
			rc = tl_scan_o(tl, start, INT64_MIN, hi, needle, nlen, false, &hit);
			end = start;
		}
	} else {
		rc = tl_scan_o(tl, 0, INT64_MIN, t, needle, nlen, false, &hit);
	}
	if (rc < 0)
		return rc;
	if (hit == INT64_MIN)
		return -ENOENT;
	*found = hit;
	return 0;
}

bool timeline_s_end_stamped(const timeline_t *tl)
{
	return tl->s_base == STRACE_TIME_END;
}

const char *timeline_sys_name(const timeline_t *tl, unsigned id)
{
	return id < tl->n_names ? tl->names[id] : "";
}

long timeline_sys_name_id(const timeline_t *tl, const char *name, size_t len)
{
	for (size_t k = 0; k < tl->n_names; k++)
		if (!strncmp(tl->names[k], name, len) && !tl->names[k][len])
			return (long)k;
	return -1;
}

size_t timeline_sys_name_count(const timeline_t *tl)
{
	return tl->n_names;
}

void timeline_size(const timeline_t *tl, unsigned *cols, unsigned *rows)
{
	*cols = tl->width;
	*rows = tl->height;
}

const char *timeline_title(const timeline_t *tl)
{
	return tl->title;
}

bool timeline_header_idle_limit(const timeline_t *tl, double *secs)
{
	*secs = tl->has_idle_limit ? tl->idle_limit : 0;
	return tl->has_idle_limit;
}

int64_t timeline_duration(const timeline_t *tl)
{
	return tl->duration_ns;
}

unsigned long timeline_malformed(const timeline_t *tl)
{
	return tl->malformed;
}

bool timeline_exit(const timeline_t *tl, int *status)
{
	if (status)
		*status = tl->exit_status;
	return tl->has_exit;
}

int64_t timeline_idle_limit_ns(const timeline_t *tl)
{
	return tl->idle_limit_ns;
}

size_t timeline_o_count(const timeline_t *tl)
{
	return tl->n_o;
}

int64_t timeline_o_time(const timeline_t *tl, size_t i)
{
	return tl->otimes[i];
}

const uint64_t *timeline_screen_offsets(const timeline_t *tl, size_t *n)
{
	*n = tl->n_scr;
	return tl->scr_off;
}

size_t timeline_marker_count(const timeline_t *tl)
{
	return tl->n_markers;
}

const tl_marker_t *timeline_marker(const timeline_t *tl, size_t i)
{
	return &tl->markers[i];
}

size_t timeline_marker_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return 0;
	return timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t);
}

size_t timeline_resize_count(const timeline_t *tl)
{
	return tl->n_resizes;
}

const tl_resize_t *timeline_resize(const timeline_t *tl, size_t i)
{
	return &tl->resizes[i];
}

size_t timeline_prof_count(const timeline_t *tl)
{
	return tl->n_prof;
}

const tl_prof_t *timeline_prof(const timeline_t *tl, size_t i)
{
	return &tl->prof[i];
}

size_t timeline_prof_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_prof)
		return 0;
	return timeline_count_upto(&tl->prof->t, sizeof(tl_prof_t), tl->n_prof, t);
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

