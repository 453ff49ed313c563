/* py_walk: Python stacks of another process, read with process_vm_readv
 * (see the header): the rounds over its interpreters' thread states; the
 * image (py_image), each thread's walk (py_thread) and the names
 * (py_names) are modules of their own. */
#include "py_walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "py_image.h"
#include "py_mem.h"
#include "py_names.h"
#include "py_thread.h"

#if PYO_OK

#define PW_MAX_INTERPS 64
#define PW_MAX_TSTATES 4096
#define PW_TSG 64               /* thread states of the last round read in its first call */

struct py_walk {
	pid_t pid;
	py_image_t image;
	uint64_t interp0;           /* the first interpreter, as last read */
	uint64_t tsg[PW_TSG];       /* its thread states in the last round, in order */
	size_t n_tsg;
	unsigned char *tsh;         /* their states read in the round's first call */
	py_names_t *names;
	py_thread_t *th;
	py_walk_thread_t *threads;
	size_t n_threads, cap_threads;
	py_thread_text_t text;
};

bool py_walk_available(void)
{
	return true;
}

const char *py_walk_version(void)
{
	return py_image_version();
}

/* --- rounds --- */

/* Add a thread to the round's list; -ENOMEM. */
static int pw_add(py_walk_t *w, unsigned long tid, size_t off, size_t len, bool same)
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
	struct iovec l[2 + PW_TSG + PY_THREAD_GUESS_IOVS], rv[2 + PW_TSG + PY_THREAD_GUESS_IOVS];
	size_t tend[PW_TSG], bytes = 8, chosen = PW_TSG;
	py_thread_guess_t guess;
	memset(round, 0, sizeof *round);
	w->text.len = 0;
	w->n_threads = 0;
	/* the first interpreter's head with the runtime's pointer to it, and
	 * its thread states, in one call, guessing they are the last round's */
	size_t k = 0;
	l[k] = (struct iovec){ &interp, 8 };
	rv[k++] = (struct iovec){ (void *)(uintptr_t)(w->image.runtime + PYO_RT_INTERP_HEAD), 8 };
	if (w->interp0) {
		l[k] = (struct iovec){ ih, sizeof ih };
		rv[k++] = (struct iovec){ (void *)(uintptr_t)w->interp0, sizeof ih };
		bytes += sizeof ih;
		for (size_t i = 0; i < w->n_tsg; i++) {
			unsigned long was = 0;
			bool known = py_thread_known(w->th, w->tsg[i], &was);
			bool walk = !known || !py_thread_in_set(was, same, n_same);
			if (chosen == PW_TSG && known && walk) {
				/* the first thread to walk: its first read too (the
				 * thread walker's buffers are its until it is walked) */
				chosen = i;
				py_thread_guess_add(w->th, w->tsg[i], same, n_same, &guess, l, rv, &k, &bytes);
				tend[i] = guess.end_h;
				continue;
			}
			if (walk && chosen == PW_TSG)
				chosen = PW_TSG + 1; /* one walked before: none chosen */
			l[k] = (struct iovec){ w->tsh + i * PY_MEM_TS_BYTES, PY_MEM_TS_BYTES };
			rv[k++] = (struct iovec){ (void *)(uintptr_t)w->tsg[i], PY_MEM_TS_BYTES };
			bytes += PY_MEM_TS_BYTES;
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
		if (!(ni == 0 && have) && (r = py_mem_read(w->pid, interp, ih, sizeof ih)) < 0)
			return r == -ESRCH ? r : 0; /* freed under us: next round */
		uint64_t next_interp = py_mem_rd64(ih, PYO_IS_NEXT);
		/* each thread state's next comes with its own first read: a state
		 * that cannot be read (freed under us) ends the list this round */
		uint64_t ts = py_mem_rd64(ih, PYO_IS_THREADS_HEAD);
		if (ni == 0)
			w->n_tsg = 0;
		for (size_t nts = 0; ts && nts < PW_MAX_TSTATES; nts++) {
			unsigned long tid = 0;
			uint64_t next = 0;
			size_t off = 0, len = 0;
			/* a thread of the same set whose state came with the first
			 * call (the guessed list held): no call of its own */
			bool held = ni == 0 && nts < n_pre && w->tsg[nts] == ts;
			py_thread_guess_t *pg = held && nts == chosen ? &guess : NULL;
			const unsigned char *pre = !held ? NULL : pg ? guess.h : w->tsh + nts * PY_MEM_TS_BYTES;
			if (ni == 0 && nts < PW_TSG)
				w->tsg[w->n_tsg++] = ts;
			if (pre && py_mem_rd64(pre, PYO_TS_INTERP) == interp &&
			    py_thread_in_set((unsigned long)py_mem_rd64(pre, PYO_TS_NATIVE_ID), same, n_same)) {
				if (pw_add(w, (unsigned long)py_mem_rd64(pre, PYO_TS_NATIVE_ID),
					   w->text.len, 0, true) < 0)
					return -ENOMEM;
				ts = py_mem_rd64(pre, PYO_TS_NEXT);
				continue;
			}
			r = -EAGAIN;
			for (int t = 0; t < PY_WALK_TRIES && (r == -EAGAIN || r == -ELOOP); t++) {
				w->text.len = w->n_threads ? w->threads[w->n_threads - 1].off +
							w->threads[w->n_threads - 1].len : 0;
				r = py_thread_try(w->th, ts, interp, t == PY_WALK_TRIES - 1, same,
						  n_same, t == 0 ? pg : NULL, (size_t)got,
						  &w->text, &tid, &next, &off, &len);
			}
			ts = next;
			if (r == PY_THREAD_SAME) {
				if (pw_add(w, tid, off, 0, true) < 0)
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
			if (pw_add(w, tid, off, len, false) < 0)
				return -ENOMEM;
		}
		interp = next_interp;
	}
	round->threads = w->threads;
	round->n = w->n_threads;
	round->text = w->text.s;
	return 0;
}

/* --- opening --- */

int py_walk_open(py_walk_t **out, pid_t pid, char *err, size_t errsz)
{
	py_walk_t *w = calloc(1, sizeof *w);
	int r;
	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->pid = pid;
	if ((r = py_image_find(pid, &w->image, err, errsz)) < 0)
		goto fail;
	r = -ENOMEM;
	w->tsh = malloc(PW_TSG * PY_MEM_TS_BYTES);
	w->names = py_names_new(pid, w->image.str_type, w->image.dict_type);
	w->th = w->names ? py_thread_new(pid, w->image.code_type, w->names) : NULL;
	if (!w->tsh || !w->th)
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
	py_thread_free(w->th);
	py_names_free(w->names);
	free(w->tsh);
	free(w->threads);
	free(w->text.s);
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
