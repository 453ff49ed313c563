/* tl_proc: threads to processes and commands (see tl_proc.h). */
#include "tl_proc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TL_COMM 16               /* TASK_COMM_LEN, with the NUL */

typedef struct tp_thread {
	long pid;                /* 0: unknown */
	char comm[TL_COMM];      /* at creation ("" unknown) */
	char pend_comm[TL_COMM]; /* of an unfinished execve */
	int32_t last_exec;       /* latest exec entry of it, -1 none */
	bool pend_thread;        /* an unfinished clone had CLONE_THREAD */
	bool pend_exec;          /* an unfinished execve waits */
	bool seen;
} tp_thread_t;

typedef struct tp_exec {
	size_t i;                /* the line that did it */
	int32_t prev;            /* the thread's exec before, -1 none */
	char comm[TL_COMM];
} tp_exec_t;

typedef struct tp_pcomm {
	long pid;
	char comm[TL_COMM];
} tp_pcomm_t;

struct tl_proc {
	tp_thread_t *th;
	size_t n_th, cap_th;
	tp_exec_t *ex;
	size_t n_ex, cap_ex;
	tp_pcomm_t *pc;          /* from /proc samples, first seen per pid */
	size_t n_pc, cap_pc;
	bool any;                /* a thread was seen (the first is the root) */
};

int tl_proc_new(tl_proc_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void tl_proc_free(tl_proc_t *p)
{
	if (!p)
		return;
	free(p->th);
	free(p->ex);
	free(p->pc);
	free(p);
}

/* Grow *arr to hold n + 1 elements of size sz. */
static int tp_reserve(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	while (nc <= n)
		nc *= 2;
	void *q = realloc(*arr, nc * sz);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*cap = nc;
	return 0;
}

/* The entry of tidx, created (zeroed) when new; NULL on OOM. */
static tp_thread_t *tp_thread(tl_proc_t *p, long tidx)
{
	if (tidx < 0)
		return NULL;
	if ((size_t)tidx >= p->n_th) {
		if (tp_reserve((void **)&p->th, &p->cap_th, (size_t)tidx, sizeof(*p->th)) < 0)
			return NULL;
		for (size_t k = p->n_th; k <= (size_t)tidx; k++) {
			memset(&p->th[k], 0, sizeof(p->th[k]));
			p->th[k].last_exec = -1;
		}
		p->n_th = (size_t)tidx + 1;
	}
	return &p->th[tidx];
}

static bool name_is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(s, lit, n);
}

int tl_proc_wants(const char *name, size_t len)
{
	return name_is(name, len, "clone") || name_is(name, len, "clone3") ||
	       name_is(name, len, "fork") || name_is(name, len, "vfork") ||
	       name_is(name, len, "execve") || name_is(name, len, "execveat");
}

/* The comm of thread t at line i. */
static const char *tp_comm_at(const tl_proc_t *p, const tp_thread_t *t, size_t i)
{
	for (int32_t e = t->last_exec; e >= 0; e = p->ex[e].prev)
		if (p->ex[e].i <= i)
			return p->ex[e].comm;
	return t->comm;
}

/* The command name an execve of args gives: the basename of its first
 * argument, a quoted string, cut to 15 bytes; "" when not a plain string. */
static void exec_comm(const strace_line_t *sl, bool at, char *out)
{
	const char *a = sl->args, *end = sl->args + sl->args_len;

	out[0] = '\0';
	if (!a)
		return;
	if (at) { /* execveat(dirfd, "path", ...) */
		const char *c = memchr(a, ',', (size_t)(end - a));
		if (!c)
			return;
		for (a = c + 1; a < end && *a == ' '; a++)
			;
	}
	if (a >= end || *a != '"')
		return;
	const char *s = ++a, *base = s;
	while (a < end && *a != '"') {
		if (*a == '\\')
			return; /* an escaped path: leave it unknown */
		if (*a == '/')
			base = a + 1;
		a++;
	}
	if (a >= end)
		return;
	size_t n = (size_t)(a - base);
	if (n >= TL_COMM)
		n = TL_COMM - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

/* The new tid of a successful clone-like return ("1234"), or 0. */
static long clone_ret(const strace_line_t *sl)
{
	long v = 0;

	if (!sl->has_ret || sl->err || !sl->ret_len)
		return 0;
	for (size_t k = 0; k < sl->ret_len; k++) {
		if (sl->ret[k] < '0' || sl->ret[k] > '9')
			return 0;
		if (v < 100000000L)
			v = v * 10 + (sl->ret[k] - '0');
	}
	return v;
}

static bool has_thread_flag(const strace_line_t *sl)
{
	return sl->args && memmem(sl->args, sl->args_len, "CLONE_THREAD", 12);
}

int tl_proc_line(tl_proc_t *p, size_t i, long tidx, const strace_line_t *sl,
		 long (*new_tidx)(void *user, long tid), void *user)
{
	tp_thread_t *t = tp_thread(p, tidx);

	if (!t)
		return tidx < 0 ? 0 : -ENOMEM;
	if (!t->seen) {
		t->seen = true;
		/* never seen created: the root is its own process, an
		 * attached thread the attached pid's */
		if (!t->pid)
			t->pid = sl->attach_pid ? sl->attach_pid : !p->any ? sl->tid : 0;
	}
	p->any = true;
	if (!(sl->kind == STRACE_CALL || sl->kind == STRACE_UNFINISHED ||
	      sl->kind == STRACE_RESUMED) || !sl->name || !tl_proc_wants(sl->name, sl->name_len))
		return 0;
	bool exec = sl->name[0] == 'e', at = exec && sl->name_len == 8;
	if (sl->kind == STRACE_UNFINISHED) {
		if (exec) {
			exec_comm(sl, at, t->pend_comm);
			t->pend_exec = true;
		} else {
			t->pend_thread = has_thread_flag(sl);
		}
		return 0;
	}
	if (exec) {
		char comm[TL_COMM];
		bool ok = sl->has_ret && !sl->err && sl->ret_len == 1 && sl->ret[0] == '0';
		if (sl->kind == STRACE_RESUMED) {
			memcpy(comm, t->pend_comm, TL_COMM);
			if (!t->pend_exec)
				ok = false;
			t->pend_exec = false;
		} else {
			exec_comm(sl, at, comm);
		}
		if (!ok || !comm[0])
			return 0;
		if (tp_reserve((void **)&p->ex, &p->cap_ex, p->n_ex, sizeof(*p->ex)) < 0)
			return -ENOMEM;
		p->ex[p->n_ex] = (tp_exec_t){ i, t->last_exec, {0} };
		memcpy(p->ex[p->n_ex].comm, comm, TL_COMM);
		t->last_exec = (int32_t)p->n_ex++;
		return 0;
	}
	long child = clone_ret(sl);
	if (!child)
		return 0;
	bool thread = sl->kind == STRACE_RESUMED ? t->pend_thread || has_thread_flag(sl)
						 : has_thread_flag(sl);
	t->pend_thread = false;
	long pid = t->pid, cidx = new_tidx(user, child);
	char comm[TL_COMM];
	memcpy(comm, tp_comm_at(p, t, i), TL_COMM);
	tp_thread_t *c = tp_thread(p, cidx);
	if (!c)
		return cidx < 0 ? 0 : -ENOMEM;
	c->pid = thread ? pid : child;
	memcpy(c->comm, comm, TL_COMM);
	return 0;
}

int tl_proc_sample(tl_proc_t *p, long pid, const char *comm)
{
	if (pid <= 0 || !comm || !comm[0])
		return 0;
	for (size_t k = 0; k < p->n_pc; k++)
		if (p->pc[k].pid == pid)
			return 0;
	if (tp_reserve((void **)&p->pc, &p->cap_pc, p->n_pc, sizeof(*p->pc)) < 0)
		return -ENOMEM;
	p->pc[p->n_pc].pid = pid;
	size_t n = strnlen(comm, TL_COMM - 1);
	memcpy(p->pc[p->n_pc].comm, comm, n);
	p->pc[p->n_pc].comm[n] = '\0';
	p->n_pc++;
	return 0;
}

void tl_proc_get(const tl_proc_t *p, size_t i, long tidx, long *pid, const char **comm)
{
	*pid = 0;
	*comm = "";
	if (!p || tidx < 0 || (size_t)tidx >= p->n_th)
		return;
	const tp_thread_t *t = &p->th[tidx];
	*pid = t->pid;
	*comm = tp_comm_at(p, t, i);
	if (!**comm && t->pid)
		for (size_t k = 0; k < p->n_pc; k++)
			if (p->pc[k].pid == t->pid) {
				*comm = p->pc[k].comm;
				break;
			}
}
