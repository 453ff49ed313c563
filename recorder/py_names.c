/* py_names: frame names read from outside, cached (see the header). */
#include "py_names.h"

#if PYO_OK

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PN_CAP 4096             /* name cache slots; cleared at half full */
#define PN_STR_MAX 512          /* characters of a name read at most */
#define PN_DICT_SCAN 32         /* entries of a globals dict searched */
#define PN_MODS 256
#define PN_PF 64                /* objects read ahead per walk */
#define PN_PF_BYTES 128         /* bytes read of each: a str's header and 80 ASCII characters */

/* (code, globals) -> "module:qualname", checked against the code's name
 * pointers and first line each time it is used. */
typedef struct pn_name {
	uint64_t code, globals;     /* code 0: an empty slot */
	uint64_t filename, name, qualname;
	int32_t firstlineno;
	char *text;
	size_t len;
} pn_name_t;

/* A module's name by its globals dict, checked against the dict's keys
 * object each time it is used (a dict at the same address later, another
 * module's, has other keys). */
typedef struct pn_mod {
	uint64_t globals, keys;     /* globals 0: an empty slot */
	char *name;
} pn_mod_t;

struct py_names {
	pid_t pid;
	uint64_t str_type, dict_type;
	uint64_t name_key;          /* the interned "__name__" str, once met */
	pn_name_t *names;
	size_t n_names;
	pn_mod_t *mods;             /* globals dict -> module name */
	/* the names' objects of one walk, read in one call (py_names_prefetch) */
	uint64_t pf_addr[PN_PF];
	unsigned char *pf_buf;      /* PN_PF * PN_PF_BYTES */
	size_t n_pf;
	struct iovec liov[PN_PF], riov[PN_PF];
	char *unknown;              /* the last name of an unknown module */
};

py_names_t *py_names_new(pid_t pid, uint64_t str_type, uint64_t dict_type)
{
	py_names_t *pn = calloc(1, sizeof *pn);
	if (!pn)
		return NULL;
	pn->pid = pid;
	pn->str_type = str_type;
	pn->dict_type = dict_type;
	pn->names = calloc(PN_CAP, sizeof *pn->names);
	pn->mods = calloc(PN_MODS, sizeof *pn->mods);
	pn->pf_buf = malloc(PN_PF * PN_PF_BYTES);
	if (!pn->names || !pn->mods || !pn->pf_buf) {
		py_names_free(pn);
		return NULL;
	}
	return pn;
}

void py_names_free(py_names_t *pn)
{
	if (!pn)
		return;
	for (size_t i = 0; pn->names && i < PN_CAP; i++)
		free(pn->names[i].text);
	free(pn->names);
	for (size_t i = 0; pn->mods && i < PN_MODS; i++)
		free(pn->mods[i].name);
	free(pn->mods);
	free(pn->pf_buf);
	free(pn->unknown);
	free(pn);
}

void py_names_prefetch_drop(py_names_t *pn)
{
	pn->n_pf = 0;
}

/* --- strings --- */

/* Append code point c as UTF-8 to out (room for 4 bytes checked by the
 * caller). */
static size_t pn_utf8(char *out, uint32_t c)
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

/* The slot of (a, b) in the name cache's table. */
static size_t pn_hash(uint64_t a, uint64_t b)
{
	uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	return (size_t)(h >> 32) & (PN_CAP - 1);
}

/* The PN_PF_BYTES read ahead at addr in this walk, or NULL. */
static const unsigned char *pn_pf(const py_names_t *pn, uint64_t addr)
{
	for (size_t i = 0; i < pn->n_pf; i++)
		if (pn->pf_addr[i] == addr)
			return pn->pf_buf + i * PN_PF_BYTES;
	return NULL;
}

/* The str object at addr as UTF-8 into out (cap >= 4 * PN_STR_MAX + 1),
 * NUL-terminated. Returns its length, or -1 if it is not a ready compact
 * str (then out is ""). */
static long pn_str(const py_names_t *pn, uint64_t addr, char *out)
{
	unsigned char h[PYO_ASCII_SIZE];
	unsigned char data[PN_STR_MAX * 4];
	const unsigned char *pf = addr ? pn_pf(pn, addr) : NULL;
	out[0] = '\0';
	if (pf)
		memcpy(h, pf, sizeof h);
	if (!addr || (!pf && py_mem_read(pn->pid, addr, h, sizeof h) < 0) ||
	    py_mem_rd64(h, PYO_OB_TYPE) != pn->str_type)
		return -1;
	uint32_t state = py_mem_rd32(h, PYO_STR_STATE);
	int64_t n = (int64_t)py_mem_rd64(h, PYO_STR_LENGTH);
	if (!(state & PYO_STR_COMPACT_MASK) || !(state & PYO_STR_READY_MASK) || n < 0)
		return -1;
	if (n > PN_STR_MAX)
		n = PN_STR_MAX;
	if (state & PYO_STR_ASCII_MASK) {
		if (pf && PYO_ASCII_SIZE + (size_t)n <= PN_PF_BYTES)
			memcpy(out, pf + PYO_ASCII_SIZE, (size_t)n);
		else if (py_mem_read(pn->pid, addr + PYO_ASCII_SIZE, out, (size_t)n) < 0)
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
	if (py_mem_read(pn->pid, addr + PYO_COMPACT_SIZE, data, (size_t)n * kind) < 0)
		return -1;
	size_t len = 0;
	for (int64_t i = 0; i < n; i++) {
		uint32_t c = kind == 1 ? data[i] : kind == 2 ? (uint32_t)(data[2 * i] | data[2 * i + 1] << 8)
			   : py_mem_rd32(data, (size_t)i * 4);
		len += pn_utf8(out + len, c);
	}
	out[len] = '\0';
	return (long)len;
}

/* The __name__ of the globals dict at addr into out, or -1. Only the
 * first PN_DICT_SCAN entries are looked at: a module's __name__ is its
 * dict's first key. */
static long pn_module(py_names_t *pn, uint64_t globals, char *out)
{
	unsigned char d[PYO_DICT_VALUES + 8], k[PYO_DK_INDICES];
	unsigned char ent[PN_DICT_SCAN * PYO_DKE_SIZE];
	char key[PN_STR_MAX * 4 + 1];
	const unsigned char *pf = globals ? pn_pf(pn, globals) : NULL;
	out[0] = '\0';
	if (pf)
		memcpy(d, pf, sizeof d);
	if (!globals || (!pf && py_mem_read(pn->pid, globals, d, sizeof d) < 0) ||
	    py_mem_rd64(d, PYO_OB_TYPE) != pn->dict_type || py_mem_rd64(d, PYO_DICT_VALUES) != 0)
		return -1;
	uint64_t keys = py_mem_rd64(d, PYO_DICT_KEYS);
	pn_mod_t *m = &pn->mods[pn_hash(globals, 0) % PN_MODS];
	if (m->globals == globals && m->keys == keys && m->name) {
		size_t n = strlen(m->name);
		memcpy(out, m->name, n + 1);
		return (long)n;
	}
	if (!keys || py_mem_read(pn->pid, keys, k, sizeof k) < 0)
		return -1;
	unsigned log2_ib = k[PYO_DK_LOG2_INDEX_BYTES];
	bool general = k[PYO_DK_KIND] == PYO_DICT_KEYS_GENERAL;
	int64_t n = (int64_t)py_mem_rd64(k, PYO_DK_NENTRIES);
	size_t esz = general ? PYO_DKE_SIZE : PYO_DUE_SIZE;
	size_t koff = general ? PYO_DKE_KEY : PYO_DUE_KEY;
	size_t voff = general ? PYO_DKE_VALUE : PYO_DUE_VALUE;
	if (log2_ib > 40 || n <= 0)
		return -1;
	if (n > PN_DICT_SCAN)
		n = PN_DICT_SCAN;
	uint64_t entries = keys + PYO_DK_INDICES + ((uint64_t)1 << log2_ib);
	if (py_mem_read(pn->pid, entries, ent, (size_t)n * esz) < 0)
		return -1;
	for (int64_t i = 0; i < n; i++) {
		uint64_t kp = py_mem_rd64(ent, (size_t)i * esz + koff);
		if (!kp)
			continue;
		if (kp != pn->name_key) {
			if (pn_str(pn, kp, key) != 8 || strcmp(key, "__name__") != 0)
				continue;
			pn->name_key = kp; /* interned: the same object in every dict */
		}
		long sl = pn_str(pn, py_mem_rd64(ent, (size_t)i * esz + voff), out);
		if (sl > 0) { /* kept for the module's next functions */
			char *name = strdup(out);
			if (name) {
				free(m->name);
				*m = (pn_mod_t){ globals, keys, name };
			}
		}
		return sl;
	}
	return -1;
}

/* --- the name cache --- */

static void pn_clear(py_names_t *pn)
{
	for (size_t i = 0; i < PN_CAP; i++)
		free(pn->names[i].text);
	memset(pn->names, 0, PN_CAP * sizeof *pn->names);
	pn->n_names = 0;
}

/* The name of frame f (see the header). */
int py_names_get(py_names_t *pn, const py_mem_frame_t *f, bool last, bool *missed,
		 const char **out, size_t *len)
{
	uint64_t code = py_mem_rd64(f->raw, PYO_FR_CODE), globals = py_mem_rd64(f->raw, PYO_FR_GLOBALS);
	uint64_t fn = py_mem_rd64(f->code, PYO_CO_FILENAME), nm = py_mem_rd64(f->code, PYO_CO_NAME);
	uint64_t qn = py_mem_rd64(f->code, PYO_CO_QUALNAME);
	int32_t line = (int32_t)py_mem_rd32(f->code, PYO_CO_FIRSTLINENO);
	size_t i = pn_hash(code, globals);
	for (; pn->names[i].code; i = (i + 1) & (PN_CAP - 1)) {
		pn_name_t *e = &pn->names[i];
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
	if (!pn->names[i].code && pn->n_names >= PN_CAP / 2) {
		pn_clear(pn);
		i = pn_hash(code, globals);
	}
	char mod[PN_STR_MAX * 4 + 1], qual[PN_STR_MAX * 4 + 1];
	*missed = true;
	if (pn_str(pn, qn, qual) < 0 && pn_str(pn, nm, qual) < 0)
		return -EAGAIN; /* a code object always has a name: torn */
	bool known = pn_module(pn, globals, mod) > 0;
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
	pn_name_t *e = &pn->names[i];
	if (!known) { /* used once, not kept */
		free(pn->unknown);
		pn->unknown = text;
		*out = text;
		*len = ml + ql + 1;
		return 0;
	}
	if (!e->code)
		pn->n_names++;
	*e = (pn_name_t){ code, globals, fn, nm, qn, line, text, ml + ql + 1 };
	*out = e->text;
	*len = e->len;
	return 0;
}

/* Is frame f's name in the cache, as py_names_get would take it? */
static bool pn_known(const py_names_t *pn, const py_mem_frame_t *f)
{
	uint64_t code = py_mem_rd64(f->raw, PYO_FR_CODE), globals = py_mem_rd64(f->raw, PYO_FR_GLOBALS);
	for (size_t i = pn_hash(code, globals); pn->names[i].code; i = (i + 1) & (PN_CAP - 1)) {
		const pn_name_t *e = &pn->names[i];
		if (e->code == code && e->globals == globals)
			return e->filename == py_mem_rd64(f->code, PYO_CO_FILENAME) &&
			       e->name == py_mem_rd64(f->code, PYO_CO_NAME) &&
			       e->qualname == py_mem_rd64(f->code, PYO_CO_QUALNAME) &&
			       e->firstlineno == (int32_t)py_mem_rd32(f->code, PYO_CO_FIRSTLINENO);
	}
	return false;
}

static void pn_pf_add(py_names_t *pn, uint64_t addr)
{
	if (!addr || pn->n_pf == PN_PF || pn_pf(pn, addr))
		return;
	pn->pf_addr[pn->n_pf++] = addr;
}

/* Read ahead, in one call, the objects the names of the n frames not in
 * the cache will need: their globals dicts' heads, then their qualname
 * strs' heads and first characters (a str near the end of a mapping
 * fails the read from there on: those are read one by one later). */
void py_names_prefetch(py_names_t *pn, const py_mem_frame_t *frames, size_t n)
{
	pn->n_pf = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const py_mem_frame_t *f = &frames[i];
			if (pn_known(pn, f))
				continue;
			pn_pf_add(pn, pass == 0 ? py_mem_rd64(f->raw, PYO_FR_GLOBALS)
					       : py_mem_rd64(f->code, PYO_CO_QUALNAME));
		}
	}
	if (!pn->n_pf)
		return;
	for (size_t i = 0; i < pn->n_pf; i++) {
		pn->liov[i] = (struct iovec){ pn->pf_buf + i * PN_PF_BYTES, PN_PF_BYTES };
		pn->riov[i] = (struct iovec){ (void *)(uintptr_t)pn->pf_addr[i], PN_PF_BYTES };
	}
	ssize_t got = process_vm_readv(pn->pid, pn->liov, pn->n_pf, pn->riov, pn->n_pf, 0);
	pn->n_pf = got <= 0 ? 0 : (size_t)got / PN_PF_BYTES; /* those read whole */
}

#else /* no CPython headers at build time: nothing to name */
typedef int py_names_none_t; /* ISO C: a translation unit declares something */
#endif
