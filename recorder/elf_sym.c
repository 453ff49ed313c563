/* elf_sym: per-process mappings and a small bounds-checked ELF64 symbol
 * table reader, for naming perf's sampled addresses. */
#include "elf_sym.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define ES_MAX_SEGS 16

typedef struct esym {
	uint64_t addr, size;
	const char *name; /* points into the file's mapping */
	int rank;         /* among aliases, the lowest rank is shown */
} esym_t;

typedef struct eseg {
	uint64_t off, vaddr, filesz;
} eseg_t;

/* Where a file's symbols are: not asked for yet, being loaded by the
 * worker (the fields after `next` are the worker's then), ready. */
enum { EF_NEW, EF_QUEUED, EF_READY };

/* One ELF file, loaded on first use; a file that cannot be read keeps
 * n == 0 and only its name is shown. path and base never change. */
struct efile {
	char *path;
	const char *base;  /* basename of path */
	int state;         /* EF_*, changed by the caller's thread only */
	struct efile *next; /* in the worker's queue or done list */
	void *map;
	size_t maplen;
	esym_t *syms;
	size_t n;
	eseg_t segs[ES_MAX_SEGS];
	size_t nseg;
};
typedef struct efile efile_t;

typedef struct emap {
	uint64_t start, end, pgoff;
	efile_t *file;
} emap_t;

typedef struct eproc {
	pid_t pid;
	emap_t *maps; /* sorted by start, not overlapping */
	size_t n, cap;
	bool reloaded; /* /proc/PID/maps read since the last exec */
} eproc_t;

/* The loader thread (elf_sym_async): files go in through `queue`, come
 * back through `done` and a word on the eventfd. */
typedef struct es_worker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	efile_t *queue, **queue_tail; /* FIFO */
	efile_t *done;
	bool stop;
	int evfd;
} es_worker_t;

struct elf_sym {
	efile_t **files;
	size_t nfiles, capfiles;
	eproc_t *procs;
	size_t nprocs, capprocs;
	es_worker_t *w;   /* NULL: files are loaded by the caller */
	size_t loading;   /* files queued and not collected */
};

int elf_sym_new(elf_sym_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static int efile_load(efile_t *f);

/* The loader thread: load files in the order asked, hand each back. */
static void *es_worker_main(void *arg)
{
	es_worker_t *w = arg;
	const uint64_t one = 1;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && !w->queue)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		efile_t *f = w->queue;
		w->queue = f->next;
		if (!w->queue)
			w->queue_tail = &w->queue;
		pthread_mutex_unlock(&w->mu);
		efile_load(f); /* a file that cannot be read keeps no symbols */
		pthread_mutex_lock(&w->mu);
		f->next = w->done;
		w->done = f;
		if (write(w->evfd, &one, sizeof one) < 0) {
			/* the counter cannot overflow here; nothing to do */
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int elf_sym_async(elf_sym_t *es)
{
	es_worker_t *w;
	sigset_t all, old;
	int r;

	if (es->w)
		return es->w->evfd;
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->queue_tail = &w->queue;
	w->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->evfd < 0) {
		r = -errno;
		free(w);
		return r;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	/* the thread takes no signal: the recorder reads them from its loop */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&w->th, NULL, es_worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		close(w->evfd);
		free(w);
		return r;
	}
	es->w = w;
	return w->evfd;
}

/* Stop the loader (after the file it is reading, if any). */
static void es_worker_stop(elf_sym_t *es)
{
	es_worker_t *w = es->w;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	close(w->evfd);
	free(w);
	es->w = NULL;
}

size_t elf_sym_collect(elf_sym_t *es)
{
	es_worker_t *w = es->w;
	uint64_t v;
	size_t n = 0;

	if (!w)
		return 0;
	if (read(w->evfd, &v, sizeof v) < 0) {
		/* EAGAIN: nothing new, but the list is looked at anyway */
	}
	pthread_mutex_lock(&w->mu);
	efile_t *f = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->mu);
	for (; f; f = f->next, n++)
		f->state = EF_READY; /* the mutex ordered the worker's writes */
	es->loading -= n;
	return n;
}

size_t elf_sym_loading(const elf_sym_t *es)
{
	return es->loading;
}

/* The symbols of f are needed: load them now (no worker), or ask the
 * worker. True when they are there now. */
static bool efile_want(elf_sym_t *es, efile_t *f)
{
	if (f->state == EF_READY)
		return true;
	if (f->state == EF_QUEUED)
		return false;
	if (!es->w) {
		efile_load(f);
		f->state = EF_READY;
		return true;
	}
	f->state = EF_QUEUED;
	f->next = NULL;
	es->loading++;
	pthread_mutex_lock(&es->w->mu);
	*es->w->queue_tail = f;
	es->w->queue_tail = &f->next;
	pthread_cond_signal(&es->w->cv);
	pthread_mutex_unlock(&es->w->mu);
	return false;
}

static void efile_free(efile_t *f)
{
	if (!f)
		return;
	if (f->map)
		munmap(f->map, f->maplen);
	free(f->syms);
	free(f->path);
	free(f);
}

void elf_sym_free(elf_sym_t *es)
{
	if (!es)
		return;
	es_worker_stop(es); /* before the files it may be reading go */
	for (size_t i = 0; i < es->nfiles; i++)
		efile_free(es->files[i]);
	for (size_t i = 0; i < es->nprocs; i++)
		free(es->procs[i].maps);
	free(es->files);
	free(es->procs);
	free(es);
}

static int cmp_sym(const void *a, const void *b)
{
	const esym_t *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* same address (aliases): the best-ranked name first */
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Add the function symbols of one symbol table section. */
static int efile_read_symtab(efile_t *f, const Elf64_Shdr *sh, const Elf64_Shdr *strsh)
{
	const unsigned char *base = f->map;
	if (sh->sh_offset > f->maplen || sh->sh_size > f->maplen - sh->sh_offset ||
	    strsh->sh_offset > f->maplen || strsh->sh_size > f->maplen - strsh->sh_offset)
		return 0;
	size_t count = sh->sh_size / sizeof(Elf64_Sym);
	const char *strtab = (const char *)base + strsh->sh_offset;
	size_t strsz = strsh->sh_size;
	esym_t *ns = realloc(f->syms, (f->n + count + 1) * sizeof(esym_t));
	if (!ns)
		return -ENOMEM;
	f->syms = ns;
	for (size_t i = 0; i < count; i++) {
		Elf64_Sym s;
		memcpy(&s, base + sh->sh_offset + i * sizeof(Elf64_Sym), sizeof(s));
		int type = ELF64_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF ||
		    s.st_value == 0 || s.st_name >= strsz)
			continue;
		const char *name = strtab + s.st_name;
		if (!*name || strnlen(name, strsz - s.st_name) == strsz - s.st_name)
			continue; /* empty or not terminated inside the table */
		/* rank aliases: sized, global, then fewer leading '_', shorter */
		int bind = ELF64_ST_BIND(s.st_info);
		size_t us = strspn(name, "_");
		int rank = (s.st_size == 0) * 100000 +
			   (bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2) * 10000 +
			   (int)(us > 9 ? 9 : us) * 1000 + (int)(strlen(name) > 999 ? 999 : strlen(name));
		f->syms[f->n++] = (esym_t){ s.st_value, s.st_size, name, rank };
	}
	return 0;
}

/* Map the file and read its load segments and symbol tables. */
static int efile_load(efile_t *f)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	int r = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return -EINVAL;
	}
	f->maplen = (size_t)st.st_size;
	f->map = mmap(NULL, f->maplen, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		return -errno;
	}
	const unsigned char *base = f->map;
	Elf64_Ehdr eh;
	memcpy(&eh, base, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return -EINVAL;
	if (eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phoff < f->maplen &&
	    eh.e_phnum <= (f->maplen - eh.e_phoff) / sizeof(Elf64_Phdr)) {
		for (size_t i = 0; i < eh.e_phnum && f->nseg < ES_MAX_SEGS; i++) {
			Elf64_Phdr ph;
			memcpy(&ph, base + eh.e_phoff + i * sizeof(ph), sizeof(ph));
			if (ph.p_type == PT_LOAD)
				f->segs[f->nseg++] = (eseg_t){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
		}
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff >= f->maplen ||
	    eh.e_shnum > (f->maplen - eh.e_shoff) / sizeof(Elf64_Shdr))
		return -EINVAL;
	for (size_t i = 0; i < eh.e_shnum && r == 0; i++) {
		Elf64_Shdr sh, strsh;
		memcpy(&sh, base + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if ((sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    sh.sh_link >= eh.e_shnum)
			continue;
		memcpy(&strsh, base + eh.e_shoff + sh.sh_link * sizeof(strsh), sizeof(strsh));
		r = efile_read_symtab(f, &sh, &strsh);
	}
	if (f->n > 1) {
		qsort(f->syms, f->n, sizeof(esym_t), cmp_sym);
		size_t k = 1; /* one symbol per address (.symtab and .dynsym repeat) */
		for (size_t i = 1; i < f->n; i++)
			if (f->syms[i].addr != f->syms[k - 1].addr)
				f->syms[k++] = f->syms[i];
		f->n = k;
	}
	return r;
}

/* The cached file of path (created, not loaded yet), or NULL on ENOMEM. */
static efile_t *es_file(elf_sym_t *es, const char *path)
{
	for (size_t i = 0; i < es->nfiles; i++)
		if (strcmp(es->files[i]->path, path) == 0)
			return es->files[i];
	if (es->nfiles == es->capfiles) {
		size_t nc = es->capfiles ? es->capfiles * 2 : 32;
		efile_t **nf = realloc(es->files, nc * sizeof(*nf));
		if (!nf)
			return NULL;
		es->files = nf;
		es->capfiles = nc;
	}
	efile_t *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return NULL;
	}
	const char *slash = strrchr(f->path, '/');
	f->base = slash ? slash + 1 : f->path;
	es->files[es->nfiles++] = f;
	return f;
}

static eproc_t *es_proc(elf_sym_t *es, pid_t pid, bool create)
{
	for (size_t i = 0; i < es->nprocs; i++)
		if (es->procs[i].pid == pid)
			return &es->procs[i];
	if (!create)
		return NULL;
	if (es->nprocs == es->capprocs) {
		size_t nc = es->capprocs ? es->capprocs * 2 : 16;
		eproc_t *np = realloc(es->procs, nc * sizeof(*np));
		if (!np)
			return NULL;
		es->procs = np;
		es->capprocs = nc;
	}
	eproc_t *p = &es->procs[es->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

/* Insert a mapping, dropping the ones it overlaps (mmap replaces them). */
static int eproc_insert(eproc_t *p, const emap_t *m)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->maps[i].end <= m->start || p->maps[i].start >= m->end)
			p->maps[k++] = p->maps[i];
	p->n = k;
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 32;
		emap_t *nm = realloc(p->maps, nc * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		p->maps = nm;
		p->cap = nc;
	}
	size_t at = p->n;
	while (at > 0 && p->maps[at - 1].start > m->start)
		at--;
	memmove(&p->maps[at + 1], &p->maps[at], (p->n - at) * sizeof(emap_t));
	p->maps[at] = *m;
	p->n++;
	return 0;
}

int elf_sym_add_map(elf_sym_t *es, pid_t pid, uint64_t start, uint64_t len,
		    uint64_t pgoff, const char *path)
{
	if (path[0] != '/' || len == 0)
		return 0; /* [vdso], //anon, [heap]: no file to read */
	eproc_t *p = es_proc(es, pid, true);
	efile_t *f = es_file(es, path);
	if (!p || !f)
		return -ENOMEM;
	emap_t m = { start, start + len, pgoff, f };
	return eproc_insert(p, &m);
}

int elf_sym_fork(elf_sym_t *es, pid_t ppid, pid_t pid)
{
	eproc_t *c = es_proc(es, pid, true);
	if (!c)
		return -ENOMEM;
	eproc_t *p = es_proc(es, ppid, false); /* after c: the array may move */
	c->n = 0;
	if (!p || p->n == 0)
		return 0;
	emap_t *nm = realloc(c->maps, p->n * sizeof(emap_t));
	if (!nm)
		return -ENOMEM;
	memcpy(nm, p->maps, p->n * sizeof(emap_t));
	c->maps = nm;
	c->n = c->cap = p->n;
	return 0;
}

void elf_sym_exec(elf_sym_t *es, pid_t pid)
{
	eproc_t *p = es_proc(es, pid, true);
	if (p) {
		p->n = 0;
		p->reloaded = false;
	}
}

void elf_sym_exit(elf_sym_t *es, pid_t pid)
{
	for (size_t i = 0; i < es->nprocs; i++) {
		if (es->procs[i].pid == pid) {
			free(es->procs[i].maps);
			es->procs[i] = es->procs[--es->nprocs];
			return;
		}
	}
}

int elf_sym_load_proc(elf_sym_t *es, pid_t pid)
{
	char path[64], line[4096];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return -errno;
	eproc_t *p = es_proc(es, pid, true);
	if (!p) {
		fclose(fp);
		return -ENOMEM;
	}
	p->n = 0;
	p->reloaded = true;
	int r = 0;
	while (r == 0 && fgets(line, sizeof(line), fp)) {
		uint64_t start, end, off;
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n",
			   &start, &end, perms, &off, &pos) < 4 || pos == 0 || !strchr(perms, 'x'))
			continue;
		char *file = line + pos;
		file[strcspn(file, "\n")] = '\0';
		r = elf_sym_add_map(es, pid, start, end - start, off, file);
	}
	fclose(fp);
	return r;
}

/* The symbol of f holding the virtual address va, or NULL. */
static const esym_t *efile_find(const efile_t *f, uint64_t va)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->syms[mid].addr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const esym_t *s = &f->syms[lo - 1];
	if (s->size && va >= s->addr + s->size)
		return NULL;
	return s;
}

/* The mapping of p holding addr, or NULL. */
static const emap_t *es_find_map(const eproc_t *p, uint64_t addr)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->maps[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && addr < p->maps[lo - 1].end ? &p->maps[lo - 1] : NULL;
}

bool elf_sym_locate(elf_sym_t *es, pid_t pid, uint64_t addr, elf_sym_frame_t *fr)
{
	eproc_t *p = es_proc(es, pid, false);
	if (!p) {
		if (elf_sym_load_proc(es, pid) < 0)
			es_proc(es, pid, true); /* gone: do not try again */
		p = es_proc(es, pid, false);
	}
	const emap_t *m = p ? es_find_map(p, addr) : NULL;
	if (!m && p && !p->reloaded) {
		/* perf attached in the middle of an exec: its COMM record and
		 * the first MMAP2 records were missed, the later ones (ld.so,
		 * libc) made the pid known; what it maps now is in /proc: once */
		elf_sym_load_proc(es, pid);
		p = es_proc(es, pid, false);
		if (p) {
			p->reloaded = true;
			m = es_find_map(p, addr);
		}
	}
	fr->file = m ? m->file : NULL;
	fr->off = m ? addr - m->start + m->pgoff : 0;
	return !m || efile_want(es, m->file);
}

bool elf_sym_frame_ready(const elf_sym_frame_t *fr)
{
	return !fr->file || fr->file->state == EF_READY;
}

const char *elf_sym_frame_name(const elf_sym_frame_t *fr, char *buf, size_t size)
{
	const efile_t *f = fr->file;
	const esym_t *s = NULL;

	if (!f) {
		snprintf(buf, size, "[unknown]");
		return buf;
	}
	for (size_t i = 0; f->state == EF_READY && i < f->nseg; i++) {
		const eseg_t *g = &f->segs[i];
		if (fr->off >= g->off && fr->off - g->off < g->filesz) {
			s = efile_find(f, fr->off - g->off + g->vaddr);
			break;
		}
	}
	if (s)
		snprintf(buf, size, "%s", s->name);
	else
		snprintf(buf, size, "[%s]", f->base);
	return buf;
}

const char *elf_sym_lookup(elf_sym_t *es, pid_t pid, uint64_t addr,
			   char *buf, size_t size)
{
	elf_sym_frame_t fr;

	elf_sym_locate(es, pid, addr, &fr);
	return elf_sym_frame_name(&fr, buf, size);
}

int elf_sym_file_values(const char *path, const char *const *names, size_t n,
			uint64_t *values, elf_file_info_t *info)
{
	struct stat st;
	int r = -EINVAL;
	for (size_t i = 0; i < n; i++)
		values[i] = 0;
	memset(info, 0, sizeof(*info));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return -EINVAL;
	}
	size_t maplen = (size_t)st.st_size;
	const unsigned char *base = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return -errno;
	Elf64_Ehdr eh;
	memcpy(&eh, base, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		goto out;
	info->pie = eh.e_type == ET_DYN;
	/* the lowest PT_LOAD: where file offset 0 would be in memory */
	bool have_load = false;
	if (eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phoff < maplen &&
	    eh.e_phnum <= (maplen - eh.e_phoff) / sizeof(Elf64_Phdr)) {
		for (size_t i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			memcpy(&ph, base + eh.e_phoff + i * sizeof(ph), sizeof(ph));
			if (ph.p_type != PT_LOAD || ph.p_offset > ph.p_vaddr)
				continue;
			uint64_t v0 = ph.p_vaddr - ph.p_offset;
			if (!have_load || v0 < info->vaddr_at_off0)
				info->vaddr_at_off0 = v0;
			have_load = true;
		}
	}
	if (!have_load || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff >= maplen ||
	    eh.e_shnum > (maplen - eh.e_shoff) / sizeof(Elf64_Shdr))
		goto out;
	r = 0;
	for (size_t i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh, strsh;
		memcpy(&sh, base + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if ((sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    sh.sh_link >= eh.e_shnum)
			continue;
		memcpy(&strsh, base + eh.e_shoff + sh.sh_link * sizeof(strsh), sizeof(strsh));
		if (sh.sh_offset > maplen || sh.sh_size > maplen - sh.sh_offset ||
		    strsh.sh_offset > maplen || strsh.sh_size > maplen - strsh.sh_offset)
			continue;
		const char *strtab = (const char *)base + strsh.sh_offset;
		for (size_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
			Elf64_Sym s;
			memcpy(&s, base + sh.sh_offset + k * sizeof(s), sizeof(s));
			if (s.st_shndx == SHN_UNDEF || s.st_value == 0 || s.st_name >= strsh.sh_size)
				continue;
			const char *name = strtab + s.st_name;
			size_t room = strsh.sh_size - s.st_name;
			for (size_t j = 0; j < n; j++)
				if (!values[j] && strnlen(name, room) < room && !strcmp(name, names[j]))
					values[j] = s.st_value;
		}
	}
out:
	munmap((void *)base, maplen);
	return r;
}
