/* perf_source: cpu-clock stack samples through perf_event_open, one ring
 * per CPU, symbolised with elf_sym. */
#include "perf_source.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "elf_sym.h"
#include "tracecast/jstr.h"
#include "tracecast/tc_clock.h"
#include "profile_source.h"
#include "tracecast/utf8.h"

#define PERF_RING_PAGES 128       /* data pages per CPU ring (512 KiB) */
#define PERF_DRAIN_NS 25000000    /* read the rings every 25 ms */
#define PERF_STACK_MAX 8192       /* bytes of one folded stack */
/* A sample with a frame in a file whose symbols the loader thread is
 * still reading is held (and the reorder window with it: rec_source.h
 * hold) until they are there, at most PERF_HOLD_NS after its time and
 * PERF_HOLD_MAX samples; past that it is written with "[file]" for the
 * frames not yet named. docs/FORMAT.md says what the hold costs. */
#define PERF_HOLD_NS 1000000000LL
#define PERF_HOLD_MAX 4096

typedef struct perf_ring {
	int fd;
	void *base;       /* control page + data pages */
	size_t data_size;
} perf_ring_t;

/* One record copied out of a ring, to be handled in time order. */
typedef struct perf_rec {
	uint64_t time;
	size_t off, len;  /* in the scratch buffer */
	size_t seq;       /* arrival order, for a stable sort */
} perf_rec_t;

/* A sample held while its files' symbols load. */
typedef struct perf_held {
	uint64_t time;
	uint32_t pid, tid;
	elf_sym_frame_t *fr;  /* root first */
	size_t n;
} perf_held_t;

typedef struct perf_source {
	unsigned hz;
	perf_ring_t *rings;
	size_t nrings;
	elf_sym_t *sym;
	pid_t root;
	int root_fd;         /* pidfd of the root: its pid is read in /proc
			      * only while this says it has not exited */
	int root_is_strace;  /* -1 unknown, 0, 1 */
	uint64_t lost, samples;
	int64_t next_ns;
	bool disabled;
	unsigned char *scratch;
	size_t slen, scap;
	perf_rec_t *recs;
	size_t nrecs, caprecs;
	int sym_fd;          /* the symbol loader's fd, -1: loads inline */
	perf_held_t *held;   /* in arrival order */
	size_t nheld, capheld;
	uint64_t held_late;  /* written before their names were there */
	elf_sym_frame_t *fr; /* frames of the sample at hand */
	size_t capfr;
	char stack[PERF_STACK_MAX];
	char json[JSTR_ESCAPE_MAX(UTF8_REPAIR_MAX(PERF_STACK_MAX)) + 128];
	rec_notes_t *notes;
} perf_source_t;

static long perf_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static void perf_attr(struct perf_event_attr *a, unsigned hz, bool full)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_CPU_CLOCK;
	a->freq = 1;
	a->sample_freq = hz;
	a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CALLCHAIN;
	a->exclude_kernel = 1;
	a->exclude_hv = 1;
	a->exclude_callchain_kernel = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	if (full) {
		a->inherit = 1;
		a->mmap = 1;
		a->mmap2 = 1;
		a->comm = 1;
		a->comm_exec = 1;
		a->task = 1;
		a->sample_id_all = 1;
	}
}

int perf_source_probe(void)
{
	struct perf_event_attr a;
	perf_attr(&a, 99, false);
	a.disabled = 1;
	long fd = perf_open(&a, 0, -1);
	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

/* One warning line saying why perf is off and what would turn it on. */
static void perf_warn_refused(rec_notes_t *notes, int err)
{
	char par[32] = "?";
	FILE *fp = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	if (fp) {
		if (!fgets(par, sizeof(par), fp))
			snprintf(par, sizeof(par), "?");
		par[strcspn(par, "\n")] = '\0';
		fclose(fp);
	}
	const char *why = atoi(par) > 2
		? "allow it with 'sysctl kernel.perf_event_paranoid=2' or CAP_PERFMON"
		: "so a seccomp filter or security module refused it (in a container, "
		  "allow perf_event_open in its seccomp profile)";
	rec_note(notes, "tracecast: warning: --profile=perf: perf_event_open refused (%s; "
		 "kernel.perf_event_paranoid is %s, %s): recording without perf samples",
		 strerror(err), par, why);
}

static void perf_close_rings(perf_source_t *ps)
{
	for (size_t i = 0; i < ps->nrings; i++) {
		if (ps->rings[i].base)
			munmap(ps->rings[i].base, ps->rings[i].data_size + (size_t)sysconf(_SC_PAGESIZE));
		if (ps->rings[i].fd >= 0)
			close(ps->rings[i].fd);
	}
	free(ps->rings);
	ps->rings = NULL;
	ps->nrings = 0;
}

/* Open one event and ring per CPU on pid (inherited by its children). */
static int perf_open_rings(perf_source_t *ps, pid_t pid)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (ncpu < 1)
		ncpu = 1;
	ps->rings = calloc((size_t)ncpu, sizeof(perf_ring_t));
	if (!ps->rings)
		return -ENOMEM;
	int err = 0;
	for (long cpu = 0; cpu < ncpu; cpu++) {
		struct perf_event_attr a;
		perf_attr(&a, ps->hz, true);
		long fd = perf_open(&a, pid, (int)cpu);
		if (fd < 0) {
			if (errno != ENODEV && errno != EINVAL) /* offline CPU */
				err = -errno;
			continue;
		}
		perf_ring_t *r = &ps->rings[ps->nrings++];
		r->fd = (int)fd;
		r->data_size = PERF_RING_PAGES * page;
		r->base = mmap(NULL, r->data_size + page, PROT_READ | PROT_WRITE, MAP_SHARED,
			       r->fd, 0);
		if (r->base == MAP_FAILED) {
			r->base = NULL;
			err = -errno;
		}
	}
	if (ps->nrings == 0 && !err)
		err = -ENODEV;
	if (err)
		perf_close_rings(ps);
	return err;
}

/* Copy every complete record of ring r into the scratch list. */
static int perf_drain_ring(perf_source_t *ps, perf_ring_t *r)
{
	struct perf_event_mmap_page *mp = r->base;
	const unsigned char *data = (const unsigned char *)r->base + sysconf(_SC_PAGESIZE);
	uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = mp->data_tail;
	int rc = 0;
	while (tail + sizeof(struct perf_event_header) <= head) {
		struct perf_event_header h;
		unsigned char *hp = (unsigned char *)&h;
		for (size_t i = 0; i < sizeof(h); i++)
			hp[i] = data[(tail + i) % r->data_size];
		if (h.size < sizeof(h) || tail + h.size > head)
			break;
		if (ps->slen + h.size > ps->scap) {
			size_t nc = (ps->scap + h.size) * 2;
			unsigned char *ns = realloc(ps->scratch, nc);
			if (!ns) {
				rc = -ENOMEM;
				break;
			}
			ps->scratch = ns;
			ps->scap = nc;
		}
		if (ps->nrecs == ps->caprecs) {
			size_t nc = ps->caprecs ? ps->caprecs * 2 : 256;
			perf_rec_t *nr = realloc(ps->recs, nc * sizeof(*nr));
			if (!nr) {
				rc = -ENOMEM;
				break;
			}
			ps->recs = nr;
			ps->caprecs = nc;
		}
		unsigned char *dst = ps->scratch + ps->slen;
		size_t start = tail % r->data_size;
		size_t first = r->data_size - start < h.size ? r->data_size - start : h.size;
		memcpy(dst, data + start, first);
		memcpy(dst + first, data, h.size - first);
		perf_rec_t *rec = &ps->recs[ps->nrecs];
		rec->off = ps->slen;
		rec->len = h.size;
		rec->seq = ps->nrecs;
		rec->time = 0;
		/* samples: pid, tid, time first; others: sample_id_all at the end */
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 16)
			memcpy(&rec->time, dst + sizeof(h) + 8, 8);
		else if (h.size >= sizeof(h) + 8)
			memcpy(&rec->time, dst + h.size - 8, 8);
		ps->slen += h.size;
		ps->nrecs++;
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	return rc;
}

static int cmp_rec(const void *a, const void *b)
{
	const perf_rec_t *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Append one frame name to the folded stack (';' and controls replaced). */
static size_t perf_put_frame(char *dst, size_t at, size_t cap, const char *name)
{
	if (at && at + 1 < cap)
		dst[at++] = ';';
	for (const char *p = name; *p && at + 1 < cap; p++) {
		unsigned char ch = (unsigned char)*p;
		dst[at++] = (ch == ';' || ch < 0x20 || ch == 0x7f) ? '_' : (char)ch;
	}
	dst[at] = '\0';
	return at;
}

static void perf_emit_json(perf_source_t *ps, uint64_t t, const rec_emit_t *out,
			   size_t len)
{
	out->emit(out->user, (int64_t)t, "p", ps->json, len);
}

/* Write one sample's "p" event: its frames named, root first. */
static void perf_emit_sample(perf_source_t *ps, uint64_t t, uint32_t pid, uint32_t tid,
			     const elf_sym_frame_t *fr, size_t n, const rec_emit_t *out)
{
	size_t at = 0;
	char name[512];
	ps->stack[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		elf_sym_frame_name(&fr[i], name, sizeof(name));
		at = perf_put_frame(ps->stack, at, sizeof(ps->stack), name);
	}
	if (at == 0)
		at = perf_put_frame(ps->stack, at, sizeof(ps->stack), "[unknown]");
	ps->samples++;
	char fixed[UTF8_REPAIR_MAX(PERF_STACK_MAX)];
	utf8_carry_t c;
	utf8_carry_init(&c);
	size_t fl = utf8_repair(&c, ps->stack, at, fixed, true);
	int k = snprintf(ps->json, sizeof(ps->json),
			 "{\"src\":\"perf\",\"pid\":%u,\"tid\":%u,\"stack\":\"", pid, tid);
	size_t jl = (size_t)k + jstr_escape(ps->json + k, fixed, fl);
	memcpy(ps->json + jl, "\"}", 3);
	perf_emit_json(ps, t, out, jl + 2);
}

/* Write the held samples whose names are there, or all of them (force),
 * or those held PERF_HOLD_NS (now >= 0); keep the others in order. */
static void perf_release(perf_source_t *ps, int64_t now, bool force, const rec_emit_t *out)
{
	size_t keep = 0;
	for (size_t i = 0; i < ps->nheld; i++) {
		perf_held_t *h = &ps->held[i];
		bool ready = true;
		for (size_t k = 0; k < h->n && ready; k++)
			ready = elf_sym_frame_ready(&h->fr[k]);
		if (!ready && !force && (int64_t)h->time + PERF_HOLD_NS > now) {
			ps->held[keep++] = *h;
			continue;
		}
		if (!ready)
			ps->held_late++;
		perf_emit_sample(ps, h->time, h->pid, h->tid, h->fr, h->n, out);
		free(h->fr);
	}
	ps->nheld = keep;
}

/* Keep a sample until its files' symbols are there. */
static void perf_hold(perf_source_t *ps, uint64_t t, uint32_t pid, uint32_t tid,
		      size_t n, const rec_emit_t *out)
{
	if (ps->nheld == PERF_HOLD_MAX) {
		/* too many: the oldest goes out with what is known */
		perf_held_t *h = &ps->held[0];
		ps->held_late++;
		perf_emit_sample(ps, h->time, h->pid, h->tid, h->fr, h->n, out);
		free(h->fr);
		memmove(ps->held, ps->held + 1, --ps->nheld * sizeof(*ps->held));
	}
	if (ps->nheld == ps->capheld) {
		size_t nc = ps->capheld ? ps->capheld * 2 : 64;
		perf_held_t *nh = realloc(ps->held, nc * sizeof(*nh));
		if (!nh)
			goto now;
		ps->held = nh;
		ps->capheld = nc;
	}
	elf_sym_frame_t *fr = malloc((n ? n : 1) * sizeof(*fr));
	if (!fr)
		goto now;
	memcpy(fr, ps->fr, n * sizeof(*fr));
	ps->held[ps->nheld++] = (perf_held_t){ t, pid, tid, fr, n };
	return;
now: /* out of memory: written now, as far as named */
	ps->held_late++;
	perf_emit_sample(ps, t, pid, tid, ps->fr, n, out);
}

/* Turn one sample record into a "p" event, or hold it while the symbols
 * of one of its files load. */
static void perf_handle_sample(perf_source_t *ps, const unsigned char *d, size_t len,
			       const rec_emit_t *out)
{
	uint32_t pid, tid;
	uint64_t t, nr;
	if (len < 8 + 24)
		return;
	memcpy(&pid, d + 8, 4);
	memcpy(&tid, d + 12, 4);
	memcpy(&t, d + 16, 8);
	memcpy(&nr, d + 24, 8);
	if (nr > (len - 32) / 8)
		return;
	if (ps->root_is_strace == 1 && (pid_t)pid == ps->root)
		return; /* strace itself, wrapping the command */
	if (nr > ps->capfr) {
		elf_sym_frame_t *nf = realloc(ps->fr, nr * sizeof(*nf));
		if (!nf)
			return;
		ps->fr = nf;
		ps->capfr = nr;
	}
	/* ips[0] is the leaf: walk from the root down; callers' return
	 * addresses minus one fall inside the calling function */
	uint64_t leaf = nr;
	for (uint64_t i = 0; i < nr && leaf == nr; i++) {
		uint64_t q;
		memcpy(&q, d + 32 + i * 8, 8);
		if (q < (uint64_t)PERF_CONTEXT_MAX)
			leaf = i;
	}
	size_t n = 0;
	bool ready = true;
	for (uint64_t i = nr; i-- > 0;) {
		uint64_t ip;
		memcpy(&ip, d + 32 + i * 8, 8);
		if (ip >= (uint64_t)PERF_CONTEXT_MAX)
			continue;
		if (!elf_sym_locate(ps->sym, (pid_t)pid, i == leaf ? ip : ip - 1, &ps->fr[n++]))
			ready = false;
	}
	if (ready)
		perf_emit_sample(ps, t, pid, tid, ps->fr, n, out);
	else
		perf_hold(ps, t, pid, tid, n, out);
}

/* Handle one record in time order. */
static void perf_handle(perf_source_t *ps, const unsigned char *d, size_t len,
			uint64_t t, const rec_emit_t *out)
{
	struct perf_event_header h;
	memcpy(&h, d, sizeof(h));
	const unsigned char *b = d + sizeof(h);
	size_t blen = len - sizeof(h);
	uint32_t pid, tid, ppid;
	uint64_t addr, mlen, pgoff;
	switch (h.type) {
	case PERF_RECORD_SAMPLE:
		perf_handle_sample(ps, d, len, out);
		break;
	case PERF_RECORD_MMAP2:
	case PERF_RECORD_MMAP: {
		size_t fn_off = h.type == PERF_RECORD_MMAP2 ? 64 : 32;
		if (blen <= fn_off + 16)
			break;
		memcpy(&pid, b, 4);
		memcpy(&addr, b + 8, 8);
		memcpy(&mlen, b + 16, 8);
		memcpy(&pgoff, b + 24, 8);
		char path[4096];
		size_t max = blen - fn_off - 16; /* sample_id: pid, tid, time */
		size_t n = strnlen((const char *)b + fn_off, max < sizeof(path) - 1 ? max : sizeof(path) - 1);
		memcpy(path, b + fn_off, n);
		path[n] = '\0';
		elf_sym_add_map(ps->sym, (pid_t)pid, addr, mlen, pgoff, path);
		break;
	}
	case PERF_RECORD_COMM:
		if (blen >= 8 && (h.misc & PERF_RECORD_MISC_COMM_EXEC)) {
			memcpy(&pid, b, 4);
			elf_sym_exec(ps->sym, (pid_t)pid);
			if ((pid_t)pid == ps->root)
				ps->root_is_strace = -1; /* look again */
		}
		break;
	case PERF_RECORD_FORK:
		if (blen >= 16) {
			memcpy(&pid, b, 4);
			memcpy(&ppid, b + 4, 4);
			if (pid != ppid)
				elf_sym_fork(ps->sym, (pid_t)ppid, (pid_t)pid);
		}
		break;
	case PERF_RECORD_EXIT:
		if (blen >= 16) {
			memcpy(&pid, b, 4);
			memcpy(&tid, b + 8, 4);
			if (pid == tid)
				elf_sym_exit(ps->sym, (pid_t)pid);
		}
		break;
	case PERF_RECORD_LOST:
		if (blen >= 16) {
			uint64_t lost;
			memcpy(&lost, b + 8, 8);
			ps->lost += lost;
			int n = snprintf(ps->json, sizeof(ps->json),
					 "{\"src\":\"perf\",\"lost\":%llu}", (unsigned long long)lost);
			perf_emit_json(ps, t, out, (size_t)n);
		}
		break;
	default:
		break;
	}
}

/* Is the root strace (the --strace wrapper)? Decided once it has exec'd. */
static void perf_check_root(perf_source_t *ps)
{
	char path[64], comm[32] = "";
	struct pollfd p = { .fd = ps->root_fd, .events = POLLIN };
	if (ps->root_fd >= 0 && poll(&p, 1, 0) > 0) {
		/* exited (its pid may be another process's now): it is not
		 * strace for what is left to read, no samples come from it */
		ps->root_is_strace = 0;
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)ps->root);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return;
	if (fgets(comm, sizeof(comm), fp)) {
		comm[strcspn(comm, "\n")] = '\0';
		ps->root_is_strace = strcmp(comm, "strace") == 0;
	}
	fclose(fp);
}

/* Read every ring, sort the records by time, handle them. */
static void perf_drain(perf_source_t *ps, const rec_emit_t *out)
{
	if (ps->root_is_strace < 0)
		perf_check_root(ps);
	ps->slen = 0;
	ps->nrecs = 0;
	for (size_t i = 0; i < ps->nrings; i++)
		perf_drain_ring(ps, &ps->rings[i]);
	if (ps->nrecs)
		qsort(ps->recs, ps->nrecs, sizeof(perf_rec_t), cmp_rec);
	for (size_t i = 0; i < ps->nrecs; i++)
		perf_handle(ps, ps->scratch + ps->recs[i].off, ps->recs[i].len,
			    ps->recs[i].time, out);
}

/* --- the recorder source --- */

static int src_prepare(void *self, rec_spawn_t *spawn)
{
	perf_source_t *ps = self;
	return profile_source_note_rate(spawn->sources, "perf_hz", ps->hz);
}

static void src_started(void *self, pid_t pid, int64_t mono_ns)
{
	perf_source_t *ps = self;
	ps->root = pid;
	ps->root_fd = pidfd_open(pid, 0); /* our child, not reaped yet */
	int r = perf_open_rings(ps, pid);
	if (r < 0) {
		if (r == -EACCES || r == -EPERM)
			perf_warn_refused(ps->notes, -r);
		else
			rec_note(ps->notes, "tracecast: warning: --profile=perf: cannot sample "
				 "pid %d: %s: recording without perf samples", (int)pid,
				 strerror(-r));
		ps->disabled = true;
		return;
	}
	ps->next_ns = mono_ns + PERF_DRAIN_NS;
	/* symbols are read off the loop from now on; if the thread cannot
	 * be had, in it, as before */
	int fd = elf_sym_async(ps->sym);
	ps->sym_fd = fd >= 0 ? fd : -1;
}

/* The oldest held sample's time, or INT64_MAX. */
static int64_t src_hold(void *self)
{
	perf_source_t *ps = self;
	int64_t h = INT64_MAX;
	for (size_t i = 0; i < ps->nheld; i++)
		if ((int64_t)ps->held[i].time < h)
			h = (int64_t)ps->held[i].time;
	return h;
}

static int64_t src_deadline(void *self)
{
	perf_source_t *ps = self;
	if (ps->disabled || ps->nrings == 0)
		return INT64_MAX;
	int64_t h = src_hold(ps);
	if (h != INT64_MAX && h + PERF_HOLD_NS < ps->next_ns)
		return h + PERF_HOLD_NS;
	return ps->next_ns;
}

/* The loader's fd, while it has files to hand back. */
static int src_poll_fd(void *self)
{
	perf_source_t *ps = self;
	return ps->sym_fd >= 0 && elf_sym_loading(ps->sym) ? ps->sym_fd : -1;
}

/* Symbols were loaded: write the samples that waited for them. */
static int src_readable(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	perf_source_t *ps = self;
	elf_sym_collect(ps->sym);
	perf_release(ps, mono_ns, false, out);
	return 0;
}

static void src_tick(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	perf_source_t *ps = self;
	if (ps->disabled || ps->nrings == 0)
		return;
	if (mono_ns >= ps->next_ns) {
		ps->next_ns = mono_ns + PERF_DRAIN_NS;
		perf_drain(ps, out);
	}
	if (ps->nheld) {
		elf_sym_collect(ps->sym); /* a loop that did not poll us */
		perf_release(ps, mono_ns, false, out);
	}
}

static void src_finish(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	perf_source_t *ps = self;
	(void)mono_ns;
	if (ps->nrings == 0)
		return;
	perf_drain(ps, out);
	perf_close_rings(ps);
	/* the loop is over: wait for the symbols still loading (bounded),
	 * then write every held sample */
	int64_t end = tc_clock_mono_ns() + PERF_HOLD_NS;
	while (ps->nheld && elf_sym_loading(ps->sym) && tc_clock_mono_ns() < end) {
		struct pollfd p = { .fd = ps->sym_fd, .events = POLLIN };
		int ms = (int)((end - tc_clock_mono_ns()) / 1000000) + 1;
		if (poll(&p, 1, ms) > 0)
			elf_sym_collect(ps->sym);
	}
	perf_release(ps, 0, true, out);
	if (ps->held_late)
		rec_note(ps->notes, "tracecast: warning: --profile=perf: %llu samples written "
			 "before their libraries' symbols were loaded (named [library])",
			 (unsigned long long)ps->held_late);
	if (ps->lost)
		rec_note(ps->notes, "tracecast: warning: --profile=perf: %llu samples lost "
			 "(of %llu written)", (unsigned long long)ps->lost,
			 (unsigned long long)ps->samples);
}

static void src_free(void *self)
{
	perf_source_t *ps = self;
	if (!ps)
		return;
	perf_close_rings(ps);
	if (ps->root_fd >= 0)
		close(ps->root_fd);
	for (size_t i = 0; i < ps->nheld; i++)
		free(ps->held[i].fr);
	free(ps->held);
	free(ps->fr);
	elf_sym_free(ps->sym);
	free(ps->scratch);
	free(ps->recs);
	free(ps);
}

int perf_source_new(rec_source_t *src, unsigned hz, rec_notes_t *notes)
{
	if (hz < 1 || hz > 10000)
		return -EINVAL;
	int r = perf_source_probe();
	if (r < 0) {
		if (r == -EACCES || r == -EPERM)
			perf_warn_refused(notes, -r);
		else
			rec_note(notes, "tracecast: warning: --profile=perf: perf events are not "
				 "available here (%s): recording without perf samples",
				 strerror(-r));
		return r;
	}
	perf_source_t *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	if (elf_sym_new(&ps->sym) < 0) {
		free(ps);
		return -ENOMEM;
	}
	ps->hz = hz;
	ps->notes = notes;
	ps->root = -1;
	ps->root_fd = -1;
	ps->sym_fd = -1;
	ps->root_is_strace = -1;
	memset(src, 0, sizeof(*src));
	src->name = "perf";
	src->late = true;
	src->self = ps;
	src->prepare = src_prepare;
	src->started = src_started;
	src->poll_fd = src_poll_fd;
	src->readable = src_readable;
	src->hold = src_hold;
	src->deadline = src_deadline;
	src->tick = src_tick;
	src->finish = src_finish;
	src->free = src_free;
	return 0;
}
