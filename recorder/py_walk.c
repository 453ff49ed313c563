/* py_walk: Python stacks of another process, read with process_vm_readv
 * (see the header for the checks that keep a torn read out). */
#include "py_walk.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "py_offsets.h" /* generated at build time: build/gen/py_offsets.h */
#include "elf_sym.h"

#if PYO_OK

#define PW_MAX_INTERPS 64
#define PW_MAX_TSTATES 4096
#define PW_NAMES_CAP 4096        /* name cache slots; cleared at half full */
#define PW_SEEN_CAP 4096         /* > 2 * PY_WALK_MAX_DEPTH */
#define PW_IOV_BATCH 1024        /* IOV_MAX */
#define PW_STR_MAX 512           /* characters of a name read at most */
#define PW_DICT_SCAN 32          /* entries of a globals dict searched */
#define PW_FR_BYTES (PYO_FR_OWNER + 1)
#define PW_CO_BYTES (PYO_CO_FIRSTTRACEABLE + 4)
#define PW_TS_END(a, b) ((a) > (b) ? (a) : (b))
#define PW_TS_BYTES (PW_TS_END(PYO_TS_NATIVE_ID, PW_TS_END(PYO_TS_DATASTACK_CHUNK, \
							 PYO_TS_DATASTACK_TOP)) + 8)
#define PW_STACK_MAX (16 * 1024)   /* bytes of a thread's frame stack read at once */
#define PW_WIN 8192                /* a window read under a frame met outside them */
#define PW_NWIN 4                  /* windows per walk */

/* One frame as the chain walk read it. */
typedef struct pw_frame {
	uint64_t addr;
	int where;                  /* read from: 0 the top chunk, 1 + k window k, -1 alone */
	size_t vat;                 /* where its re-read is in w->verify */
	unsigned char raw[PW_FR_BYTES];
	unsigned char code[PW_CO_BYTES];
} pw_frame_t;

/* What the last walks of a thread state found: the next walk guesses one
 * of the last PW_CFG _PyCFrames (the C stack holds one per entry into the
 * eval loop: a thread that waits in different places moves between a
 * few) and the data-stack range up to the highest top seen in the chunk,
 * and reads them with the thread state in one call (a guess that proves
 * wrong is read again). */
#define PW_CFG 8
#define PW_GW 2                 /* windows of the last walk read again (<= PW_NWIN) */
#define PW_STACK_SLACK 512      /* bytes read above the highest top seen */
#define PW_CSPAN 8192           /* bytes of C stack read around the recent _PyCFrames */
typedef struct pw_tsc {
	uint64_t ts, chunk, stop, smax;
	uint64_t cf[PW_CFG];        /* most recent first */
	uint64_t wlo[PW_GW], whi[PW_GW]; /* the windows of its last walk */
	size_t nw;
	unsigned long tid;          /* its native id then */
} pw_tsc_t;
#define PW_TSC 64
#define PW_TSG 64               /* thread states of the last round read in its first call */
#define PW_SAME 1               /* pw_try: a thread of the same set, not walked */

/* (code, globals) -> "module:qualname", checked against the code's name
 * pointers and first line each time it is used. */
typedef struct pw_name {
	uint64_t code, globals;     /* code 0: an empty slot */
	uint64_t filename, name, qualname;
	int32_t firstlineno;
	char *text;
	size_t len;
} pw_name_t;

/* A module's name by its globals dict, checked against the dict's keys
 * object each time it is used (a dict at the same address later, another
 * module's, has other keys). */
typedef struct pw_mod {
	uint64_t globals, keys;     /* globals 0: an empty slot */
	char *name;
} pw_mod_t;
#define PW_MODS 256
#define PW_PF 64                /* objects read ahead per walk */
#define PW_PF_BYTES 128         /* bytes read of each: a str's header and 80 ASCII characters */

struct py_walk {
	pid_t pid;
	uint64_t runtime, code_type, str_type, dict_type;
	uint64_t name_key;          /* the interned "__name__" str, once met */
	uint64_t interp0;           /* the first interpreter, as last read */
	uint64_t tsg[PW_TSG];       /* its thread states in the last round, in order */
	size_t n_tsg;
	unsigned char *tsh;         /* their states read in the round's first call */
	pw_frame_t *frames;
	uint64_t *seen;
	unsigned *seen_gen;
	unsigned gen;
	uint64_t *tstates;
	struct iovec *liov, *riov;
	unsigned char *verify;      /* the re-read of a chain */
	unsigned char *stack;       /* the top of the thread's frame stack */
	unsigned char *cspan;       /* the C stack around its recent _PyCFrames */
	uint64_t stack_lo, stack_hi; /* its addresses in the process */
	pw_tsc_t tsc[PW_TSC];
	unsigned char *win[PW_NWIN]; /* windows under frames met outside it */
	uint64_t win_lo[PW_NWIN], win_hi[PW_NWIN];
	size_t n_win;
	pw_name_t *names;
	size_t n_names;
	pw_mod_t *mods;             /* globals dict -> module name */
	/* the names' objects of one walk, read in one call (pw_prefetch) */
	uint64_t pf_addr[PW_PF];
	unsigned char *pf_buf;      /* PW_PF * PW_PF_BYTES */
	size_t n_pf;
	char *unknown;              /* the last name of an unknown module */
	py_walk_thread_t *threads;
	size_t n_threads, cap_threads;
	char *text;
	size_t len, cap;
};

static uint64_t rd64(const unsigned char *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof v);
	return v;
}

static uint32_t rd32(const unsigned char *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof v);
	return v;
}

/* Read len bytes at addr of the process: 0, or -errno (-EFAULT for a
 * short read: part of the range is not mapped). */
static int pw_read(const py_walk_t *w, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(w->pid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -EFAULT;
}

/* Read the n ranges set up in w->liov/w->riov in as few calls as the
 * kernel allows. 0, or -errno / -EFAULT as pw_read. */
static int pw_readv(const py_walk_t *w, size_t n)
{
	for (size_t i = 0; i < n; i += PW_IOV_BATCH) {
		size_t k = n - i < PW_IOV_BATCH ? n - i : PW_IOV_BATCH, want = 0;
		for (size_t j = 0; j < k; j++)
			want += w->liov[i + j].iov_len;
		ssize_t got = process_vm_readv(w->pid, w->liov + i, k, w->riov + i, k, 0);
		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -EFAULT;
	}
	return 0;
}

bool py_walk_available(void)
{
	return true;
}

const char *py_walk_version(void)
{
#define PW_STR2(x) #x
#define PW_STR(a, b) PW_STR2(a) "." PW_STR2(b)
	return PW_STR(PYO_MAJOR, PYO_MINOR);
}

/* --- strings --- */

/* Append code point c as UTF-8 to out (room for 4 bytes checked by the
 * caller). */
static size_t pw_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c >= 0xd800 && c < 0xe000)
		c = 0xfffd; /* a lone surrogate: not valid UTF-8 */
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	if (c > 0x10ffff)
		c = 0xfffd;
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* The str object at addr as UTF-8 into out (cap >= 4 * PW_STR_MAX + 1),
 * NUL-terminated. Returns its length, or -1 if it is not a ready compact
 * str (then out is ""). */
static size_t pw_hash(uint64_t a, uint64_t b)
{
	uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	return (size_t)(h >> 32) & (PW_NAMES_CAP - 1);
}

/* The PW_PF_BYTES read ahead at addr in this walk, or NULL. */
static const unsigned char *pw_pf(const py_walk_t *w, uint64_t addr)
{
	for (size_t i = 0; i < w->n_pf; i++)
		if (w->pf_addr[i] == addr)
			return w->pf_buf + i * PW_PF_BYTES;
	return NULL;
}

static long pw_str(const py_walk_t *w, uint64_t addr, char *out)
{
	unsigned char h[PYO_ASCII_SIZE];
	unsigned char data[PW_STR_MAX * 4];
	const unsigned char *pf = addr ? pw_pf(w, addr) : NULL;
	out[0] = '\0';
	if (pf)
		memcpy(h, pf, sizeof h);
	if (!addr || (!pf && pw_read(w, addr, h, sizeof h) < 0) ||
	    rd64(h, PYO_OB_TYPE) != w->str_type)
		return -1;
	uint32_t state = rd32(h, PYO_STR_STATE);
	int64_t n = (int64_t)rd64(h, PYO_STR_LENGTH);
	if (!(state & PYO_STR_COMPACT_MASK) || !(state & PYO_STR_READY_MASK) || n < 0)
		return -1;
	if (n > PW_STR_MAX)
		n = PW_STR_MAX;
	if (state & PYO_STR_ASCII_MASK) {
		if (pf && PYO_ASCII_SIZE + (size_t)n <= PW_PF_BYTES)
			memcpy(out, pf + PYO_ASCII_SIZE, (size_t)n);
		else if (pw_read(w, addr + PYO_ASCII_SIZE, out, (size_t)n) < 0)
			return -1;
		for (int64_t i = 0; i < n; i++)
			if ((unsigned char)out[i] >= 0x80)
				out[i] = '?';
		out[n] = '\0';
		return (long)n;
	}
	unsigned kind = (state & PYO_STR_KIND_MASK) / (PYO_STR_KIND_MASK & -PYO_STR_KIND_MASK);
	if (kind != 1 && kind != 2 && kind != 4)
		return -1;
	if (pw_read(w, addr + PYO_COMPACT_SIZE, data, (size_t)n * kind) < 0)
		return -1;
	size_t len = 0;
	for (int64_t i = 0; i < n; i++) {
		uint32_t c = kind == 1 ? data[i] : kind == 2 ? (uint32_t)(data[2 * i] | data[2 * i + 1] << 8)
			   : rd32(data, (size_t)i * 4);
		len += pw_utf8(out + len, c);
	}
	out[len] = '\0';
	return (long)len;
}

/* The __name__ of the globals dict at addr into out, or -1. Only the
 * first PW_DICT_SCAN entries are looked at: a module's __name__ is its
 * dict's first key. */
static long pw_module(py_walk_t *w, uint64_t globals, char *out)
{
	unsigned char d[PYO_DICT_VALUES + 8], k[PYO_DK_INDICES];
	unsigned char ent[PW_DICT_SCAN * PYO_DKE_SIZE];
	char key[PW_STR_MAX * 4 + 1];
	const unsigned char *pf = globals ? pw_pf(w, globals) : NULL;
	out[0] = '\0';
	if (pf)
		memcpy(d, pf, sizeof d);
	if (!globals || (!pf && pw_read(w, globals, d, sizeof d) < 0) ||
	    rd64(d, PYO_OB_TYPE) != w->dict_type || rd64(d, PYO_DICT_VALUES) != 0)
		return -1;
	uint64_t keys = rd64(d, PYO_DICT_KEYS);
	pw_mod_t *m = &w->mods[pw_hash(globals, 0) % PW_MODS];
	if (m->globals == globals && m->keys == keys && m->name) {
		size_t n = strlen(m->name);
		memcpy(out, m->name, n + 1);
		return (long)n;
	}
	if (!keys || pw_read(w, keys, k, sizeof k) < 0)
		return -1;
	unsigned log2_ib = k[PYO_DK_LOG2_INDEX_BYTES];
	bool general = k[PYO_DK_KIND] == PYO_DICT_KEYS_GENERAL;
	int64_t n = (int64_t)rd64(k, PYO_DK_NENTRIES);
	size_t esz = general ? PYO_DKE_SIZE : PYO_DUE_SIZE;
	size_t koff = general ? PYO_DKE_KEY : PYO_DUE_KEY;
	size_t voff = general ? PYO_DKE_VALUE : PYO_DUE_VALUE;
	if (log2_ib > 40 || n <= 0)
		return -1;
	if (n > PW_DICT_SCAN)
		n = PW_DICT_SCAN;
	uint64_t entries = keys + PYO_DK_INDICES + ((uint64_t)1 << log2_ib);
	if (pw_read(w, entries, ent, (size_t)n * esz) < 0)
		return -1;
	for (int64_t i = 0; i < n; i++) {
		uint64_t kp = rd64(ent, (size_t)i * esz + koff);
		if (!kp)
			continue;
		if (kp != w->name_key) {
			if (pw_str(w, kp, key) != 8 || strcmp(key, "__name__") != 0)
				continue;
			w->name_key = kp; /* interned: the same object in every dict */
		}
		long sl = pw_str(w, rd64(ent, (size_t)i * esz + voff), out);
		if (sl > 0) { /* kept for the module's next functions */
			char *name = strdup(out);
			if (name) {
				free(m->name);
				*m = (pw_mod_t){ globals, keys, name };
			}
		}
		return sl;
	}
	return -1;
}

/* --- the name cache --- */

static void pw_names_clear(py_walk_t *w)
{
	for (size_t i = 0; i < PW_NAMES_CAP; i++)
		free(w->names[i].text);
	memset(w->names, 0, PW_NAMES_CAP * sizeof *w->names);
	w->n_names = 0;
}


/* The name of frame f, from the cache or read (*missed set then) into
 * *out. A module name that cannot be read (its globals dict changing
 * under us, or no __name__) is never cached: -EAGAIN, or on the last try
 * (last) the name "?:qualname" as the in-process sampler writes it.
 * -ENOMEM. */
static int pw_name(py_walk_t *w, const pw_frame_t *f, bool last, bool *missed,
		   const char **out, size_t *len)
{
	uint64_t code = rd64(f->raw, PYO_FR_CODE), globals = rd64(f->raw, PYO_FR_GLOBALS);
	uint64_t fn = rd64(f->code, PYO_CO_FILENAME), nm = rd64(f->code, PYO_CO_NAME);
	uint64_t qn = rd64(f->code, PYO_CO_QUALNAME);
	int32_t line = (int32_t)rd32(f->code, PYO_CO_FIRSTLINENO);
	size_t i = pw_hash(code, globals);
	for (; w->names[i].code; i = (i + 1) & (PW_NAMES_CAP - 1)) {
		pw_name_t *e = &w->names[i];
		if (e->code != code || e->globals != globals)
			continue;
		if (e->filename == fn && e->name == nm && e->qualname == qn && e->firstlineno == line) {
			*out = e->text;
			*len = e->len;
			return 0;
		}
		/* the same address, another code object: name it again */
		free(e->text);
		e->text = NULL;
		break;
	}
	if (!w->names[i].code && w->n_names >= PW_NAMES_CAP / 2) {
		pw_names_clear(w);
		i = pw_hash(code, globals);
	}
	char mod[PW_STR_MAX * 4 + 1], qual[PW_STR_MAX * 4 + 1];
	*missed = true;
	if (pw_str(w, qn, qual) < 0 && pw_str(w, nm, qual) < 0)
		return -EAGAIN; /* a code object always has a name: torn */
	bool known = pw_module(w, globals, mod) > 0;
	if (!known && !last)
		return -EAGAIN;
	if (!known)
		snprintf(mod, sizeof mod, "?");
	size_t ml = strlen(mod), ql = strlen(qual);
	char *text = malloc(ml + ql + 2);
	if (!text)
		return -ENOMEM;
	memcpy(text, mod, ml);
	text[ml] = ':';
	memcpy(text + ml + 1, qual, ql + 1);
	for (char *p = text; *p; p++)
		if (*p == ';')
			*p = '_'; /* the folded stack's separator */
	pw_name_t *e = &w->names[i];
	if (!known) { /* used once, not kept */
		free(w->unknown);
		w->unknown = text;
		*out = text;
		*len = ml + ql + 1;
		return 0;
	}
	if (!e->code)
		w->n_names++;
	*e = (pw_name_t){ code, globals, fn, nm, qn, line, text, ml + ql + 1 };
	*out = e->text;
	*len = e->len;
	return 0;
}

/* Is frame f's name in the cache, as pw_name would take it? */
static bool pw_name_known(const py_walk_t *w, const pw_frame_t *f)
{
	uint64_t code = rd64(f->raw, PYO_FR_CODE), globals = rd64(f->raw, PYO_FR_GLOBALS);
	for (size_t i = pw_hash(code, globals); w->names[i].code; i = (i + 1) & (PW_NAMES_CAP - 1)) {
		const pw_name_t *e = &w->names[i];
		if (e->code == code && e->globals == globals)
			return e->filename == rd64(f->code, PYO_CO_FILENAME) &&
			       e->name == rd64(f->code, PYO_CO_NAME) &&
			       e->qualname == rd64(f->code, PYO_CO_QUALNAME) &&
			       e->firstlineno == (int32_t)rd32(f->code, PYO_CO_FIRSTLINENO);
	}
	return false;
}

static void pw_pf_add(py_walk_t *w, uint64_t addr)
{
	if (!addr || w->n_pf == PW_PF || pw_pf(w, addr))
		return;
	w->pf_addr[w->n_pf++] = addr;
}

/* Read ahead, in one call, the objects the names of the n frames not in
 * the cache will need: their globals dicts' heads, then their qualname
 * strs' heads and first characters (a str near the end of a mapping
 * fails the read from there on: those are read one by one later). */
static void pw_prefetch(py_walk_t *w, size_t n)
{
	w->n_pf = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const pw_frame_t *f = &w->frames[i];
			if (pw_name_known(w, f))
				continue;
			pw_pf_add(w, pass == 0 ? rd64(f->raw, PYO_FR_GLOBALS)
					       : rd64(f->code, PYO_CO_QUALNAME));
		}
	}
	if (!w->n_pf)
		return;
	for (size_t i = 0; i < w->n_pf; i++) {
		w->liov[i] = (struct iovec){ w->pf_buf + i * PW_PF_BYTES, PW_PF_BYTES };
		w->riov[i] = (struct iovec){ (void *)(uintptr_t)w->pf_addr[i], PW_PF_BYTES };
	}
	ssize_t got = process_vm_readv(w->pid, w->liov, w->n_pf, w->riov, w->n_pf, 0);
	w->n_pf = got <= 0 ? 0 : (size_t)got / PW_PF_BYTES; /* those read whole */
}

/* --- walking one thread --- */

/* Has the chain walk met addr before? (adds it) */
static bool pw_seen(py_walk_t *w, uint64_t addr)
{
	size_t i = (size_t)((addr >> 3) * 0x9e3779b97f4a7c15ULL >> 40) & (PW_SEEN_CAP - 1);
	for (; w->seen_gen[i] == w->gen; i = (i + 1) & (PW_SEEN_CAP - 1))
		if (w->seen[i] == addr)
			return true;
	w->seen_gen[i] = w->gen;
	w->seen[i] = addr;
	return false;
}

/* Read the chain again in ONE call, framed by two reads of the thread's
 * _PyCFrame pointer: [tstate->cframe, cframe->current_frame, every frame,
 * tstate->cframe]. 0 when nothing changed, -EAGAIN when something did,
 * -errno. The _PyCFrame lives on the C stack, where a later activation
 * reuses its address and a finished one leaves a stale current_frame, so
 * it must be the thread's at both ends; the callers' prev_instr (fixed
 * while their callee runs) must be unchanged too, so a stack that was
 * unwound and built again in between is caught unless it came back to
 * the very same instructions. */
static int pw_verify(py_walk_t *w, uint64_t ts, uint64_t cframe, uint64_t top, size_t n,
		     bool codes)
{
	uint64_t cf0 = 0, cf1 = 0, now_top = 0;
	uint64_t lo[1 + PW_NWIN], hi[1 + PW_NWIN];
	size_t at[1 + PW_NWIN], k = 2, used = 0;
	w->liov[0] = (struct iovec){ &cf0, 8 };
	w->riov[0] = (struct iovec){ (void *)(uintptr_t)(ts + PYO_TS_CFRAME), 8 };
	w->liov[1] = (struct iovec){ &now_top, 8 };
	w->riov[1] = (struct iovec){ (void *)(uintptr_t)(cframe + PYO_CF_CURRENT_FRAME), 8 };
	/* frames read from one block are read again as one span of it (the
	 * kernel pins each range's pages: one range, not one per frame) */
	for (size_t j = 0; j <= PW_NWIN; j++)
		lo[j] = UINT64_MAX, hi[j] = 0;
	for (size_t i = 0; i < n; i++) {
		const pw_frame_t *f = &w->frames[i];
		if (f->where < 0)
			continue;
		if (f->addr < lo[f->where])
			lo[f->where] = f->addr;
		if (f->addr + PW_FR_BYTES > hi[f->where])
			hi[f->where] = f->addr + PW_FR_BYTES;
	}
	for (size_t j = 0; j <= PW_NWIN; j++) {
		if (!hi[j])
			continue;
		at[j] = used;
		w->liov[k] = (struct iovec){ w->verify + used, (size_t)(hi[j] - lo[j]) };
		w->riov[k++] = (struct iovec){ (void *)(uintptr_t)lo[j], (size_t)(hi[j] - lo[j]) };
		used += (size_t)(hi[j] - lo[j]);
	}
	for (size_t i = 0; i < n; i++) {
		pw_frame_t *f = &w->frames[i];
		if (f->where >= 0) {
			f->vat = at[f->where] + (size_t)(f->addr - lo[f->where]);
			continue;
		}
		f->vat = used;
		w->liov[k] = (struct iovec){ w->verify + used, PW_FR_BYTES };
		w->riov[k++] = (struct iovec){ (void *)(uintptr_t)f->addr, PW_FR_BYTES };
		used += PW_FR_BYTES;
	}
	/* the code objects too, after the frames that hold them: a frame
	 * unchanged at the check held its code, so what is read is that code */
	for (size_t i = 0; codes && i < n; i++) {
		w->liov[k] = (struct iovec){ w->frames[i].code, PW_CO_BYTES };
		w->riov[k++] = (struct iovec){ (void *)(uintptr_t)rd64(w->frames[i].raw, PYO_FR_CODE),
					       PW_CO_BYTES };
	}
	w->liov[k] = (struct iovec){ &cf1, 8 };
	w->riov[k++] = w->riov[0];
	int r = pw_readv(w, k);
	if (r < 0)
		return r == -EFAULT ? -EAGAIN : r;
	if (cf0 != cframe || cf1 != cframe || now_top != top)
		return -EAGAIN;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *a = w->frames[i].raw, *b = w->verify + w->frames[i].vat;
		if (rd64(a, PYO_FR_CODE) != rd64(b, PYO_FR_CODE) ||
		    rd64(a, PYO_FR_GLOBALS) != rd64(b, PYO_FR_GLOBALS) ||
		    rd64(a, PYO_FR_PREVIOUS) != rd64(b, PYO_FR_PREVIOUS) ||
		    (i > 0 && rd64(a, PYO_FR_PREV_INSTR) != rd64(b, PYO_FR_PREV_INSTR)) ||
		    a[PYO_FR_OWNER] != b[PYO_FR_OWNER])
			return -EAGAIN;
	}
	return 0;
}

/* Append to the round's text; -ENOMEM. */
static int pw_text(py_walk_t *w, const char *s, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + n)
			cap *= 2;
		char *p = realloc(w->text, cap);
		if (!p)
			return -ENOMEM;
		w->text = p;
		w->cap = cap;
	}
	memcpy(w->text + w->len, s, n);
	w->len += n;
	return 0;
}

/* Read the frame at f into out: from the top chunk read at the start of
 * the walk, from a window read earlier in it, or else with a window of
 * its own: a frame's callers are below it in the same chunk (an older
 * chunk, a greenlet's), so the PW_WIN bytes that end with it are read in
 * one call (the window is cut to f's own page if that fails: the bytes
 * below may not be mapped). 0, or -errno. */
static int pw_frame_at(py_walk_t *w, uint64_t f, unsigned char *out, int *where)
{
	/* (f is what the process held: any value; no sum may wrap) */
	if (f >= w->stack_lo && f < w->stack_hi && w->stack_hi - f >= PW_FR_BYTES) {
		memcpy(out, w->stack + (f - w->stack_lo), PW_FR_BYTES);
		*where = 0;
		return 0;
	}
	for (size_t i = 0; i < w->n_win; i++)
		if (f >= w->win_lo[i] && f < w->win_hi[i] && w->win_hi[i] - f >= PW_FR_BYTES) {
			memcpy(out, w->win[i] + (f - w->win_lo[i]), PW_FR_BYTES);
			*where = 1 + (int)i;
			return 0;
		}
	*where = -1;
	if (w->n_win == PW_NWIN || f < PW_WIN || f > UINT64_MAX - PW_FR_BYTES)
		return pw_read(w, f, out, PW_FR_BYTES);
	uint64_t hi = f + PW_FR_BYTES, lo = hi - PW_WIN;
	size_t k = w->n_win;
	if (pw_read(w, lo, w->win[k], PW_WIN) < 0) {
		lo = f & ~(uint64_t)4095;
		if (pw_read(w, lo, w->win[k], (size_t)(hi - lo)) < 0)
			return pw_read(w, f, out, PW_FR_BYTES);
	}
	w->win_lo[k] = lo;
	w->win_hi[k] = hi;
	w->n_win++;
	memcpy(out, w->win[k] + (f - lo), PW_FR_BYTES);
	*where = 1 + (int)k;
	return 0;
}

static bool pw_in(unsigned long tid, const unsigned long *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == tid)
			return true;
	return false;
}

/* The first read of a thread state: the state itself and, unless its
 * thread is of the same set, the guesses of its last walks (pw_tsc_t)
 * and the windows its last walk read, all in the caller's call. */
typedef struct pw_guess {
	unsigned char h[PW_TS_BYTES];
	uint64_t clo, chi;          /* the C-stack span asked (w->cspan); chi 0: none */
	size_t nw;
	uint64_t glo, ghi;          /* the stack range asked; ghi 0: none */
	uint64_t wlo[PW_GW], whi[PW_GW];
	size_t end_h, end_stack, end_c, end_w[PW_GW]; /* where each part ends in the call's bytes */
} pw_guess_t;

/* Append q's iovecs for thread state ts to liov/riov at *k; *bytes is the
 * call's byte count so far. */
static void pw_guess_add(py_walk_t *w, uint64_t ts, const unsigned long *same, size_t n_same,
			 pw_guess_t *q, struct iovec *liov, struct iovec *riov, size_t *k,
			 size_t *bytes)
{
	pw_tsc_t *g = &w->tsc[(ts >> 4) % PW_TSC];
	q->nw = 0;
	q->glo = q->ghi = q->clo = q->chi = 0;
	liov[*k] = (struct iovec){ q->h, sizeof q->h };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)ts, sizeof q->h };
	*bytes += sizeof q->h;
	q->end_h = *bytes;
	if (g->ts != ts || !g->cf[0] || pw_in(g->tid, same, n_same)) {
		q->end_stack = q->end_c = *bytes;
		return;
	}
	for (; q->nw < g->nw; q->nw++) {
		q->wlo[q->nw] = g->wlo[q->nw];
		q->whi[q->nw] = g->whi[q->nw];
		size_t n = (size_t)(g->whi[q->nw] - g->wlo[q->nw]);
		liov[*k] = (struct iovec){ w->win[q->nw], n };
		riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)g->wlo[q->nw], n };
		*bytes += n;
		q->end_w[q->nw] = *bytes;
	}
	/* the stack last (a read stops at its first range that fails): up to
	 * a little above the highest top seen, not past that top's page (the
	 * chunk may end there) */
	uint64_t ghi = g->smax + PW_STACK_SLACK, base = g->chunk + PYO_CHUNK_DATA;
	uint64_t page_end = (g->smax + 4095) & ~(uint64_t)4095;
	if (ghi > page_end)
		ghi = page_end;
	uint64_t glo = ghi - PW_STACK_MAX > base ? ghi - PW_STACK_MAX : base;
	if (g->chunk && g->smax > glo && ghi > glo) {
		q->glo = glo;
		q->ghi = ghi;
		liov[*k] = (struct iovec){ w->stack, (size_t)(ghi - glo) };
		riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)glo, (size_t)(ghi - glo) };
		*bytes += (size_t)(ghi - glo);
	}
	q->end_stack = *bytes;
	/* the C stack around the recent _PyCFrames (greenlets and calls from
	 * C put the current one at a new place each time, near the others):
	 * the span of the most recent ones that fits PW_CSPAN, last again */
	uint64_t clo = g->cf[0], chi = g->cf[0] + PYO_CF_SIZE;
	for (size_t j = 1; j < PW_CFG && g->cf[j]; j++) {
		uint64_t lo = g->cf[j] < clo ? g->cf[j] : clo;
		uint64_t hi = g->cf[j] + PYO_CF_SIZE > chi ? g->cf[j] + PYO_CF_SIZE : chi;
		if (hi - lo > PW_CSPAN)
			continue;
		clo = lo;
		chi = hi;
	}
	q->clo = clo;
	q->chi = chi;
	liov[*k] = (struct iovec){ w->cspan, (size_t)(chi - clo) };
	riov[(*k)++] = (struct iovec){ (void *)(uintptr_t)clo, (size_t)(chi - clo) };
	*bytes += (size_t)(chi - clo);
	q->end_c = *bytes;
}

/* One try at thread state ts: 0 (its stack appended to the text, *off
 * and *len set; len 0: no frames), PW_SAME (a thread of the same set:
 * *tid and *next set, not walked), -EAGAIN (changed under us), -ELOOP
 * (the chain loops: torn too), -E2BIG (too deep), -errno. pre: the first
 * read, made by the caller (got: the bytes its call read), or NULL. */
static int pw_try(py_walk_t *w, uint64_t ts, uint64_t interp, bool last, const unsigned long *same,
		  size_t n_same, pw_guess_t *pre, size_t got, unsigned long *tid, uint64_t *next,
		  size_t *off, size_t *len)
{
	pw_guess_t own, *q = pre ? pre : &own;
	pw_tsc_t *g = &w->tsc[(ts >> 4) % PW_TSC];
	int r;
	w->n_pf = 0; /* what the last walk read ahead is not this one's */
	if (!pre) {
		size_t k = 0, bytes = 0;
		pw_guess_add(w, ts, same, n_same, q, w->liov, w->riov, &k, &bytes);
		ssize_t n = process_vm_readv(w->pid, w->liov, k, w->riov, k, 0);
		if (n < 0 && errno != EFAULT)
			return -errno;
		got = n < 0 ? 0 : (size_t)n;
	}
	if (got < q->end_h)
		return -EAGAIN;
	if (g->ts != ts)
		*g = (pw_tsc_t){ .ts = ts };
	const unsigned char *h = q->h;
	bool have_c = q->chi && got >= q->end_c;
	bool have_stack = q->ghi && got >= q->end_stack;
	if (rd64(h, PYO_TS_INTERP) != interp)
		return -EAGAIN; /* not (any more) a thread state of interp */
	*tid = (unsigned long)rd64(h, PYO_TS_NATIVE_ID);
	*next = rd64(h, PYO_TS_NEXT);
	*off = w->len;
	*len = 0;
	g->tid = *tid;
	if (pw_in(*tid, same, n_same))
		return PW_SAME;
	uint64_t cframe = rd64(h, PYO_TS_CFRAME), top = 0;
	uint64_t chunk = rd64(h, PYO_TS_DATASTACK_CHUNK), stop = rd64(h, PYO_TS_DATASTACK_TOP);
	if (chunk != g->chunk)
		g->smax = 0;
	g->chunk = chunk;
	g->stop = stop;
	if (stop > g->smax)
		g->smax = stop;
	if (!cframe)
		return 0;
	size_t hit = PW_CFG;
	for (size_t j = 0; j < PW_CFG; j++)
		if (g->cf[j] == cframe)
			hit = j;
	/* cframe to the front of the recent ones */
	memmove(g->cf + 1, g->cf, (hit < PW_CFG ? hit : PW_CFG - 1) * sizeof g->cf[0]);
	g->cf[0] = cframe;
	if (have_c && cframe >= q->clo && cframe < q->chi && q->chi - cframe >= PYO_CF_SIZE)
		top = rd64(w->cspan, (size_t)(cframe - q->clo) + PYO_CF_CURRENT_FRAME);
	else if ((r = pw_read(w, cframe + PYO_CF_CURRENT_FRAME, &top, 8)) < 0)
		return r == -EFAULT ? -EAGAIN : r;
	/* The frames of plain calls live in the thread's data stack: its top
	 * chunk is read in one call (its last PW_STACK_MAX bytes), so most
	 * frames of the chain cost no call of their own; the others (a
	 * generator's, an older chunk's, a greenlet's) through windows
	 * (pw_frame_at), the last walk's read with the state. What these
	 * reads give is checked like the rest. */
	w->stack_lo = w->stack_hi = 0;
	w->n_win = 0;
	for (size_t j = 0; j < q->nw && got >= q->end_w[j]; j++) {
		w->win_lo[j] = q->wlo[j];
		w->win_hi[j] = q->whi[j];
		w->n_win++;
	}
	if (chunk && stop > chunk + PYO_CHUNK_DATA) {
		uint64_t lo = chunk + PYO_CHUNK_DATA;
		if (stop - lo > PW_STACK_MAX)
			lo = stop - PW_STACK_MAX;
		if (have_stack && stop <= q->ghi && stop > q->glo) {
			/* the guess: the frames above glo come from it, the
			 * others (a deeper stack) through windows */
			w->stack_lo = q->glo;
			w->stack_hi = stop;
		} else if (pw_read(w, lo, w->stack, (size_t)(stop - lo)) == 0) {
			w->stack_lo = lo;
			w->stack_hi = stop;
		}
	}
	size_t n = 0;
	w->gen++;
	if (w->gen == 0) { /* wrapped: every stamp is stale */
		memset(w->seen_gen, 0, PW_SEEN_CAP * sizeof *w->seen_gen);
		w->gen = 1;
	}
	for (uint64_t f = top; f; f = rd64(w->frames[n - 1].raw, PYO_FR_PREVIOUS)) {
		if (n == PY_WALK_MAX_DEPTH)
			return -E2BIG;
		if (pw_seen(w, f))
			return -ELOOP;
		w->frames[n].addr = f;
		if ((r = pw_frame_at(w, f, w->frames[n].raw, &w->frames[n].where)) < 0)
			return r == -EFAULT ? -EAGAIN : r;
		n++;
	}
	/* A generator's frame is linked to its caller only while it runs:
	 * CPython clears its previous after each yield, without a push or a
	 * pop, and the thread's _PyCFrame lives on the C stack, where a new
	 * run of the generator puts it at the same address. So a chain that
	 * ends in a generator frame was read across a yield (the caller's
	 * frames are missing), however stable it reads: torn. (A generator
	 * run from C with no Python frame under it is dropped too.) */
	if (n && w->frames[n - 1].raw[PYO_FR_OWNER] == PYO_FRAME_OWNED_BY_GENERATOR)
		return -EAGAIN;
	/* the check, and the code objects, in one call */
	if ((r = pw_verify(w, ts, cframe, top, n, true)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (rd64(w->frames[i].code, PYO_OB_TYPE) != w->code_type)
			return -EAGAIN;
	bool missed = false, first = true;
	pw_prefetch(w, n);
	for (size_t i = n; i-- > 0;) { /* root first */
		const pw_frame_t *f = &w->frames[i];
		uint64_t code = rd64(f->raw, PYO_FR_CODE);
		uint64_t start = code + PYO_CO_CODE_ADAPTIVE +
				 (uint64_t)rd32(f->code, PYO_CO_FIRSTTRACEABLE) * PYO_CODEUNIT_SIZE;
		/* a frame still being set up (before its first instruction) is
		 * not shown, as sys._current_frames() does not show it */
		if (f->raw[PYO_FR_OWNER] != PYO_FRAME_OWNED_BY_GENERATOR &&
		    rd64(f->raw, PYO_FR_PREV_INSTR) < start)
			continue;
		const char *name;
		size_t nl;
		if ((r = pw_name(w, f, last, &missed, &name, &nl)) < 0)
			return r;
		if ((!first && pw_text(w, ";", 1) < 0) || pw_text(w, name, nl) < 0)
			return -ENOMEM;
		first = false;
	}
	w->n_pf = 0;
	/* names read now were read after the check: check again */
	if (missed && (r = pw_verify(w, ts, cframe, top, n, false)) < 0) {
		w->len = *off;
		return r;
	}
	*len = w->len - *off;
	/* the windows this walk read: read with the state next time */
	g->nw = 0;
	for (size_t j = 0; j < w->n_win && g->nw < PW_GW; j++) {
		g->wlo[g->nw] = w->win_lo[j];
		g->whi[g->nw++] = w->win_hi[j];
	}
	return 0;
}

/* --- rounds --- */

/* Add a thread to the round's list; -ENOMEM. */
static int pw_thread(py_walk_t *w, unsigned long tid, size_t off, size_t len, bool same)
{
	if (w->n_threads == w->cap_threads) {
		size_t nc = w->cap_threads ? w->cap_threads * 2 : 16;
		py_walk_thread_t *nt = realloc(w->threads, nc * sizeof *nt);
		if (!nt)
			return -ENOMEM;
		w->threads = nt;
		w->cap_threads = nc;
	}
	w->threads[w->n_threads++] = (py_walk_thread_t){ tid, off, len, same };
	return 0;
}

int py_walk_sample(py_walk_t *w, const unsigned long *same, size_t n_same,
		   py_walk_round_t *round)
{
	unsigned char ih[PYO_IS_THREADS_HEAD + 8];
	uint64_t interp = 0;
	struct iovec l[2 + PW_TSG + 2 + PW_GW], rv[2 + PW_TSG + 2 + PW_GW];
	size_t tend[PW_TSG], bytes = 8, chosen = PW_TSG;
	pw_guess_t guess;
	memset(round, 0, sizeof *round);
	w->len = 0;
	w->n_threads = 0;
	/* the first interpreter's head with the runtime's pointer to it, and
	 * its thread states, in one call, guessing they are the last round's */
	size_t k = 0;
	l[k] = (struct iovec){ &interp, 8 };
	rv[k++] = (struct iovec){ (void *)(uintptr_t)(w->runtime + PYO_RT_INTERP_HEAD), 8 };
	if (w->interp0) {
		l[k] = (struct iovec){ ih, sizeof ih };
		rv[k++] = (struct iovec){ (void *)(uintptr_t)w->interp0, sizeof ih };
		bytes += sizeof ih;
		for (size_t i = 0; i < w->n_tsg; i++) {
			const pw_tsc_t *g = &w->tsc[(w->tsg[i] >> 4) % PW_TSC];
			bool known = g->ts == w->tsg[i], walk = !known || !pw_in(g->tid, same, n_same);
			if (chosen == PW_TSG && known && walk) {
				/* the first thread to walk: its first read too (w->stack
				 * and w->win are its until it is walked) */
				chosen = i;
				pw_guess_add(w, w->tsg[i], same, n_same, &guess, l, rv, &k, &bytes);
				tend[i] = guess.end_h;
				continue;
			}
			if (walk && chosen == PW_TSG)
				chosen = PW_TSG + 1; /* one walked before: none chosen */
			l[k] = (struct iovec){ w->tsh + i * PW_TS_BYTES, PW_TS_BYTES };
			rv[k++] = (struct iovec){ (void *)(uintptr_t)w->tsg[i], PW_TS_BYTES };
			bytes += PW_TS_BYTES;
			tend[i] = bytes;
		}
	}
	ssize_t got = process_vm_readv(w->pid, l, k, rv, k, 0);
	if (got < 0 && errno != EFAULT)
		return -errno;
	if (got < 8)
		return -EFAULT;
	bool have = got >= (ssize_t)(8 + sizeof ih) && interp == w->interp0;
	/* the guessed states read whole */
	size_t n_pre = 0;
	while (have && n_pre < w->n_tsg && (size_t)got >= tend[n_pre])
		n_pre++;
	w->interp0 = interp;
	int r;
	for (int ni = 0; interp && ni < PW_MAX_INTERPS; ni++) {
		if (!(ni == 0 && have) && (r = pw_read(w, interp, ih, sizeof ih)) < 0)
			return r == -ESRCH ? r : 0; /* freed under us: next round */
		uint64_t next_interp = rd64(ih, PYO_IS_NEXT);
		/* each thread state's next comes with its own first read: a state
		 * that cannot be read (freed under us) ends the list this round */
		uint64_t ts = rd64(ih, PYO_IS_THREADS_HEAD);
		if (ni == 0)
			w->n_tsg = 0;
		for (size_t nts = 0; ts && nts < PW_MAX_TSTATES; nts++) {
			unsigned long tid = 0;
			uint64_t next = 0;
			size_t off = 0, len = 0;
			/* a thread of the same set whose state came with the first
			 * call (the guessed list held): no call of its own */
			bool held = ni == 0 && nts < n_pre && w->tsg[nts] == ts;
			pw_guess_t *pg = held && nts == chosen ? &guess : NULL;
			const unsigned char *pre = !held ? NULL : pg ? guess.h : w->tsh + nts * PW_TS_BYTES;
			if (ni == 0 && nts < PW_TSG)
				w->tsg[w->n_tsg++] = ts;
			if (pre && rd64(pre, PYO_TS_INTERP) == interp &&
			    pw_in((unsigned long)rd64(pre, PYO_TS_NATIVE_ID), same, n_same)) {
				if (pw_thread(w, (unsigned long)rd64(pre, PYO_TS_NATIVE_ID), w->len, 0,
					      true) < 0)
					return -ENOMEM;
				ts = rd64(pre, PYO_TS_NEXT);
				continue;
			}
			r = -EAGAIN;
			for (int t = 0; t < PY_WALK_TRIES && (r == -EAGAIN || r == -ELOOP); t++) {
				w->len = w->n_threads ? w->threads[w->n_threads - 1].off +
							w->threads[w->n_threads - 1].len : 0;
				r = pw_try(w, ts, interp, t == PY_WALK_TRIES - 1, same, n_same,
					   t == 0 ? pg : NULL, (size_t)got, &tid, &next, &off, &len);
			}
			ts = next;
			if (r == PW_SAME) {
				if (pw_thread(w, tid, off, 0, true) < 0)
					return -ENOMEM;
				continue;
			}
			if (r == -ESRCH || r == -ENOMEM || r == -EPERM)
				return r;
			if (r == -ELOOP || r == -E2BIG) { /* a loop under every try, or deep */
				round->deep++;
				continue;
			}
			if (r < 0) {
				round->torn++;
				continue;
			}
			if (!len)
				continue;
			if (pw_thread(w, tid, off, len, false) < 0)
				return -ENOMEM;
		}
		interp = next_interp;
	}
	round->threads = w->threads;
	round->n = w->n_threads;
	round->text = w->text;
	return 0;
}

/* --- opening --- */

/* Find the CPython image mapped by pid and the symbols' addresses. */
static int pw_find(py_walk_t *w, uint64_t *version_addr, char *err, size_t errsz)
{
	static const char *const names[] = {
		"_PyRuntime", "Py_Version", "PyCode_Type", "PyUnicode_Type", "PyDict_Type",
	};
	char path[64], line[4096], tried[PATH_MAX] = "";
	snprintf(path, sizeof path, "/proc/%d/maps", (int)w->pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	int ret = -ENOEXEC;
	snprintf(err, errsz, "no CPython image mapped");
	while (fgets(line, sizeof line, fp)) {
		uint64_t start, end, pgoff;
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n",
			   &start, &end, &pgoff, &pos) < 3 || pos == 0)
			continue;
		char *file = line + pos;
		file[strcspn(file, "\n")] = '\0';
		const char *base = strrchr(file, '/');
		if (file[0] != '/' || !base)
			continue;
		base++;
		if (strncmp(base, "python", 6) != 0 && strncmp(base, "libpython", 9) != 0)
			continue;
		if (!strcmp(file, tried))
			continue; /* its first mapping was looked at already */
		snprintf(tried, sizeof tried, "%s", file);
		uint64_t v[5];
		elf_file_info_t info;
		if (elf_sym_file_values(file, names, 5, v, &info) < 0 || !v[0])
			continue;
		uint64_t bias = info.pie ? start - pgoff - info.vaddr_at_off0 : 0;
		if (!v[1]) {
			snprintf(err, errsz, "%s has no Py_Version: older than CPython 3.11", file);
			ret = -EPROTONOSUPPORT;
			continue;
		}
		if (!v[2] || !v[3] || !v[4]) {
			snprintf(err, errsz, "%s lacks the type objects' symbols", file);
			ret = -EPROTONOSUPPORT;
			continue;
		}
		w->runtime = v[0] + bias;
		*version_addr = v[1] + bias;
		w->code_type = v[2] + bias;
		w->str_type = v[3] + bias;
		w->dict_type = v[4] + bias;
		ret = 0;
		break;
	}
	fclose(fp);
	return ret;
}

int py_walk_open(py_walk_t **out, pid_t pid, char *err, size_t errsz)
{
	py_walk_t *w = calloc(1, sizeof *w);
	uint64_t vaddr = 0, version = 0;
	int r;
	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->pid = pid;
	if ((r = pw_find(w, &vaddr, err, errsz)) < 0)
		goto fail;
	if ((r = pw_read(w, vaddr, &version, sizeof version)) < 0) {
		snprintf(err, errsz, "cannot read its memory: %s", strerror(-r));
		goto fail;
	}
	if ((version >> 16) != (PYO_VERSION_HEX >> 16)) {
		snprintf(err, errsz, "it runs CPython %u.%u; the outside sampler reads %s only",
			 (unsigned)(version >> 24), (unsigned)((version >> 16) & 0xff),
			 py_walk_version());
		r = -EPROTONOSUPPORT;
		goto fail;
	}
	r = -ENOMEM;
	w->frames = malloc(PY_WALK_MAX_DEPTH * sizeof *w->frames);
	w->seen = malloc(PW_SEEN_CAP * sizeof *w->seen);
	w->seen_gen = calloc(PW_SEEN_CAP, sizeof *w->seen_gen);
	w->tstates = malloc(PW_MAX_TSTATES * sizeof *w->tstates);
	w->liov = malloc((2 * PY_WALK_MAX_DEPTH + PW_NWIN + 4) * sizeof *w->liov);
	w->riov = malloc((2 * PY_WALK_MAX_DEPTH + PW_NWIN + 4) * sizeof *w->riov);
	w->verify = malloc(PW_STACK_MAX + PW_NWIN * PW_WIN + PY_WALK_MAX_DEPTH * PW_FR_BYTES);
	w->stack = malloc(PW_STACK_MAX);
	w->tsh = malloc(PW_TSG * PW_TS_BYTES);
	w->cspan = malloc(PW_CSPAN);
	w->pf_buf = malloc(PW_PF * PW_PF_BYTES);
	w->mods = calloc(PW_MODS, sizeof *w->mods);
	for (size_t i = 0; i < PW_NWIN; i++)
		if (!(w->win[i] = malloc(PW_WIN)))
			goto fail;
	w->names = calloc(PW_NAMES_CAP, sizeof *w->names);
	if (!w->frames || !w->seen || !w->seen_gen || !w->tstates || !w->liov || !w->riov ||
	    !w->verify || !w->stack || !w->tsh || !w->cspan || !w->pf_buf || !w->mods || !w->names)
		goto fail;
	*out = w;
	return 0;
fail:
	py_walk_free(w);
	return r;
}

void py_walk_free(py_walk_t *w)
{
	if (!w)
		return;
	for (size_t i = 0; w->names && i < PW_NAMES_CAP; i++)
		free(w->names[i].text);
	free(w->names);
	free(w->unknown);
	free(w->frames);
	free(w->seen);
	free(w->seen_gen);
	free(w->tstates);
	free(w->liov);
	free(w->riov);
	free(w->verify);
	free(w->stack);
	free(w->tsh);
	free(w->cspan);
	free(w->pf_buf);
	for (size_t i = 0; w->mods && i < PW_MODS; i++)
		free(w->mods[i].name);
	free(w->mods);
	for (size_t i = 0; i < PW_NWIN; i++)
		free(w->win[i]);
	free(w->threads);
	free(w->text);
	free(w);
}

#else /* the CPython headers were not found at build time */

bool py_walk_available(void)
{
	return false;
}

const char *py_walk_version(void)
{
	return "none";
}

int py_walk_open(py_walk_t **out, pid_t pid, char *err, size_t errsz)
{
	(void)pid;
	*out = NULL;
	snprintf(err, errsz, "tracecast was built without the CPython headers (python3-dev)");
	return -EPROTONOSUPPORT;
}

int py_walk_sample(py_walk_t *w, const unsigned long *same, size_t n_same,
		   py_walk_round_t *round)
{
	(void)w;
	(void)same;
	(void)n_same;
	memset(round, 0, sizeof *round);
	return -ENOSYS;
}

void py_walk_free(py_walk_t *w)
{
	(void)w;
}

#endif
