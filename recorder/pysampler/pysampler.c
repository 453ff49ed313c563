/* pysampler: the native half of `tracecast rec --profile=python`, the
 * CPython extension module _tracecast_sampler.
 *
 * tracecast_sampler.py (loaded through sitecustomize) uses it when it was
 * built for the running Python, else samples in pure Python. Both send the
 * same lines to the recorder's control socket:
 *   {"code":"p","data":"{\"src\":\"py\",\"pid\":P,\"tid\":T,\"stack\":\"..\"}","time":NS}
 *
 * Why native: the sampler's cost is its wake-ups (100 a second in every
 * Python process), and a pure-Python round after a 10 ms sleep runs with
 * cold caches. Here a round is: wake on a condition variable (CLOCK_MONOTONIC
 * grid, so all processes' rounds coincide), take the GIL with the thread
 * state PyGILState_Ensure made for this thread, walk every other thread state's frames (the same frames
 * sys._current_frames() returns), append one cached line head per thread
 * plus the time, drop the GIL. Sends (every SEND_NS) happen without the
 * GIL (SEND_NS: PYS_SEND_NS). The thread is a plain pthread: Python's threading never sees it.
 *
 * Caches: code object -> "module:qualname" (holding a reference, so a
 * pointer is never reused while cached) and (tid, code pointers) -> the
 * line's head. Both restart when too big.
 *
 * Contract with the Python side:
 *   s = Sampler(path, hz, pid)  nothing runs yet
 *   s.start()                   the thread runs (GIL held by the caller)
 *   s.stop(timeout) -> bool     stop, send the rest; False if the thread
 *                               did not finish in time (it is left)
 *   s.cpu                       the thread's CPU seconds once stopped
 *   s.rounds                    (taken, skipped being late) once stopped
 *   s.dead                      an error stopped it (one stderr line said so)
 *   s.forget()                  in a forked child: close the parent's socket
 * In a forked child the object is inert: its thread and thread state
 * belonged to the parent (CPython frees the state in the child). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#if PY_VERSION_HEX < 0x030B0000
#error "pysampler needs CPython 3.11 or later (PyFrame_GetGlobals, native_thread_id)"
#endif

#define PYS_SEND_NS 50000000LL /* send at least this often (window: 100 ms) */
#define PYS_MAX_DEPTH 256      /* frames kept per stack (the innermost) */
#define PYS_MAX_ENTRIES 4096   /* cache entries before a restart */
#define PYS_BUF_MAX (8 << 20)  /* unsent bytes kept at most */
#define PYS_IDLE_NS 45000000LL /* threads' run time read this often */

typedef struct pys_name { /* code object -> its frame name */
	PyObject *code;    /* strong reference; NULL: empty slot */
	char *name;        /* "module:qualname", ';' made '_' */
	size_t len;
} pys_name_t;

typedef struct pys_stack { /* (tid, idle, code pointers) -> line head */
	uint64_t hash;
	unsigned long tid;
	bool idle;
	PyObject **codes;  /* borrowed: every one is held by the name cache */
	size_t n;
	char *head;        /* NULL: empty slot */
	size_t len;
} pys_stack_t;

/* A thread seen in a round: its CPU time when the sampler thread last
 * read it, to tell on-CPU samples from idle ones. */
typedef struct pys_thr {
	unsigned long tid;
	int fd;               /* /proc/self/task/TID/schedstat, -1: none */
	long long cpu, wall;  /* cpu < 0: not read yet */
	bool idle;            /* used under half the time since the last read */
} pys_thr_t;

typedef struct pys_buf {
	char *p;
	size_t len, cap;
} pys_buf_t;

typedef struct pys_sampler {
	PyObject_HEAD
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	long long period_ns;
	long pid;             /* the process this object belongs to */
	PyInterpreterState *interp;
	PyThreadState *ts;    /* the sampler thread's own (set by it) */
	PyThreadState *main_ts; /* the thread that called start() ... */
	unsigned long main_tid; /* ... and its native id (after a fork the
				 * state still holds the parent's) */
	pthread_t thread;
	bool started, joined;
	/* A round through Py_AddPendingCall (see pys_main): 0 none, 1 posted,
	 * 2 the callback samples, 3 it is done, 4 the thread took it back. */
	atomic_int round_state;
	atomic_long pending_out; /* callbacks posted, not yet run: s must live */
	bool round_err;
	pthread_mutex_t lock; /* guards stopping/done for the cond */
	pthread_cond_t cond;
	bool stopping, done;
	atomic_bool dead;
	double cpu;           /* < 0: not known */
	unsigned long rounds, skipped; /* taken; skipped, being late */
	long long thr_read_at; /* when the threads' schedstat was last read */
	pys_thr_t *thr;       /* threads of the last rounds */
	size_t n_thr, cap_thr;
	int fd;
	pys_buf_t out;        /* lines not sent yet (sampler thread only) */
	pys_buf_t tmp;        /* scratch for building heads */
	pys_name_t *names;
	size_t n_names, cap_names;
	pys_stack_t *stacks;
	size_t n_stacks, cap_stacks;
	char err[160];
} pys_sampler_t;

static long long pys_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* --- buffers --- */

static int pys_buf_add(pys_buf_t *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

/* Append s as the inside of a JSON string (no quotes). */
static int pys_buf_esc(pys_buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];
		size_t el;
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			el = 2;
		} else if (c < 0x20) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			el = 6;
		} else {
			continue;
		}
		if (pys_buf_add(b, s + run, i - run) < 0 || pys_buf_add(b, e, el) < 0)
			return -1;
		run = i + 1;
	}
	return pys_buf_add(b, s + run, n - run);
}

/* --- caches (open addressing, linear probing, sizes powers of two) --- */

static uint64_t pys_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static void pys_caches_clear(pys_sampler_t *s)
{
	for (size_t i = 0; i < s->cap_stacks; i++) {
		free(s->stacks[i].codes);
		free(s->stacks[i].head);
	}
	memset(s->stacks, 0, s->cap_stacks * sizeof *s->stacks);
	s->n_stacks = 0;
	for (size_t i = 0; i < s->cap_names; i++) {
		Py_XDECREF(s->names[i].code);
		free(s->names[i].name);
	}
	memset(s->names, 0, s->cap_names * sizeof *s->names);
	s->n_names = 0;
}

/* "module:qualname" of code, run in frame f (GIL held). */
static char *pys_frame_name(PyFrameObject *f, PyCodeObject *code, size_t *len)
{
	PyObject *glob = PyFrame_GetGlobals(f), *mod = NULL, *qual, *text = NULL;
	char *out = NULL;

	if (glob && PyDict_Check(glob))
		mod = PyDict_GetItemString(glob, "__name__"); /* borrowed */
	qual = PyObject_GetAttrString((PyObject *)code, "co_qualname");
	if (!qual) {
		PyErr_Clear();
		qual = PyObject_GetAttrString((PyObject *)code, "co_name");
	}
	if (qual && mod && PyUnicode_Check(mod) && PyUnicode_GET_LENGTH(mod))
		text = PyUnicode_FromFormat("%U:%S", mod, qual);
	else if (qual) /* what the pure-Python sampler writes too */
		text = PyUnicode_FromFormat("?:%S", qual);
	Py_XDECREF(qual);
	Py_XDECREF(glob);
	PyObject *bytes = text ? PyUnicode_AsEncodedString(text, "utf-8", "replace") : NULL;
	Py_XDECREF(text);
	if (bytes) {
		Py_ssize_t n = PyBytes_GET_SIZE(bytes);
		out = malloc((size_t)n + 1);
		if (out) {
			memcpy(out, PyBytes_AS_STRING(bytes), (size_t)n + 1);
			for (char *p = out; (p = strchr(p, ';')); )
				*p = '_';
			*len = (size_t)n;
		}
		Py_DECREF(bytes);
	}
	PyErr_Clear();
	return out;
}

/* The cached name of code (adding it from frame f), or NULL. */
static pys_name_t *pys_name_of(pys_sampler_t *s, PyFrameObject *f, PyCodeObject *code)
{
	size_t mask = s->cap_names - 1;
	size_t i = (size_t)pys_mix(0, (uintptr_t)code) & mask;
	for (; s->names[i].code; i = (i + 1) & mask)
		if (s->names[i].code == (PyObject *)code)
			return &s->names[i];
	pys_name_t *e = &s->names[i];
	e->name = pys_frame_name(f, code, &e->len);
	if (!e->name)
		return NULL;
	Py_INCREF(code);
	e->code = (PyObject *)code;
	s->n_names++;
	return e;
}

/* The stack slot for (tid, codes): a hit, or the empty slot to fill. */
static pys_stack_t *pys_stack_find(pys_sampler_t *s, uint64_t h, unsigned long tid,
				   bool idle, PyObject **codes, size_t n)
{
	size_t mask = s->cap_stacks - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		pys_stack_t *e = &s->stacks[i];
		if (!e->head || (e->hash == h && e->tid == tid && e->idle == idle && e->n == n &&
				 memcmp(e->codes, codes, n * sizeof *codes) == 0))
			return e;
	}
}

/* Build the line head of a stack whose top frame is top (GIL held). */
static int pys_make_head(pys_sampler_t *s, pys_stack_t *e, PyFrameObject *top,
			 unsigned long tid, bool idle, PyObject **codes, size_t n,
			 bool truncated, uint64_t h)
{
	/* names innermost first, as walked */
	const pys_name_t *nm[PYS_MAX_DEPTH];
	PyFrameObject *f = top;
	size_t k = 0;
	Py_INCREF(f);
	while (f && k < n) {
		nm[k] = pys_name_of(s, f, (PyCodeObject *)codes[k]);
		if (!nm[k]) {
			Py_DECREF(f);
			return -1;
		}
		k++;
		PyFrameObject *b = PyFrame_GetBack(f);
		Py_DECREF(f);
		f = b;
	}
	Py_XDECREF(f);
	if (k < n)
		return -1; /* cannot happen: the stack is frozen under the GIL */

	/* the stack text, root first */
	pys_buf_t *t = &s->tmp;
	t->len = 0;
	int r = truncated ? pys_buf_add(t, "[truncated]", 11) : 0;
	for (size_t i = n; r == 0 && i-- > 0;) {
		if (t->len && pys_buf_add(t, ";", 1) < 0)
			return -1;
		r = pys_buf_add(t, nm[i]->name, nm[i]->len);
	}
	/* data = {"src":"py","pid":P,"tid":T,"stack":"<t escaped>"}, then the
	 * head = {"code":"p","data":"<data escaped>","time": */
	pys_buf_t data = { 0 }, head = { 0 };
	char num[64];
	int nl = snprintf(num, sizeof num, "{\"src\":\"py\",\"pid\":%ld,\"tid\":%lu,%s\"stack\":\"",
			  s->pid, tid, idle ? "\"idle\":1," : "");
	r = r ? r : pys_buf_add(&data, num, (size_t)nl);
	r = r ? r : pys_buf_esc(&data, t->p ? t->p : "", t->len);
	r = r ? r : pys_buf_add(&data, "\"}", 2);
	r = r ? r : pys_buf_add(&head, "{\"code\":\"p\",\"data\":\"", 20);
	r = r ? r : pys_buf_esc(&head, data.p, data.len);
	r = r ? r : pys_buf_add(&head, "\",\"time\":", 9);
	free(data.p);
	PyObject **copy = r ? NULL : malloc(n * sizeof *codes + 1);
	if (!copy) {
		free(head.p);
		return -1;
	}
	memcpy(copy, codes, n * sizeof *codes);
	*e = (pys_stack_t){ .hash = h, .tid = tid, .idle = idle, .codes = copy, .n = n,
			    .head = head.p, .len = head.len };
	s->n_stacks++;
	return 0;
}

/* Is thread tid idle (per the sampler thread's last reading of its CPU
 * time)? A thread not known yet is added (not idle: nothing read yet).
 * Called during a round (GIL held, or the main thread's callback). */
static bool pys_thr_idle(pys_sampler_t *s, unsigned long tid)
{
	for (size_t i = 0; i < s->n_thr; i++)
		if (s->thr[i].tid == tid) {
			return s->thr[i].idle;
		}
	if (s->n_thr == s->cap_thr) {
		size_t nc = s->cap_thr ? 2 * s->cap_thr : 16;
		pys_thr_t *t = realloc(s->thr, nc * sizeof *t);
		if (!t)
			return false;
		s->thr = t;
		s->cap_thr = nc;
	}
	s->thr[s->n_thr++] = (pys_thr_t){ .tid = tid, .fd = -2, .cpu = -1 };
	return false;
}

/* Nanoseconds thread t ran or waited for a CPU (schedstat's first two
 * fields: on the CPU, and runnable on a run queue), or its CPU time when
 * schedstat cannot be read; -1 when the thread is gone. Counting the run
 * queue wait keeps a busy thread on a loaded machine busy. */
static long long pys_thr_busy(pys_thr_t *t)
{
	if (t->fd == -2) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/task/%lu/schedstat", t->tid);
		t->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (t->fd >= 0) {
		char buf[96];
		ssize_t n = pread(t->fd, buf, sizeof buf - 1, 0);
		unsigned long long run, wait;
		if (n > 0) {
			buf[n] = '\0';
			if (sscanf(buf, "%llu %llu", &run, &wait) == 2)
				return (long long)(run + wait);
		}
		return -1;
	}
	struct timespec ts;
	/* the kernel's per-thread CPU clock of any tid of this process */
	clockid_t cid = (clockid_t)(((unsigned)~(unsigned)t->tid << 3) | 6);
	if (clock_gettime(cid, &ts) < 0)
		return -1;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The sampler thread, before a round (no GIL): read how long every thread
 * of the last round ran or waited for a CPU. A thread that did so less than
 * half of the time since the last reading is idle (blocked, sleeping,
 * waiting): a sample
 * of it counts only with --idle (py-spy's default is the same). Threads
 * gone (their file no longer reads) are forgotten. These reads are this
 * thread's syscalls, dropped from the trace with it. */
static void pys_thr_read(pys_sampler_t *s)
{
	long long wall = pys_mono_ns();
	size_t k = 0;
	for (size_t i = 0; i < s->n_thr; i++) {
		pys_thr_t *t = &s->thr[i];
		long long cpu = pys_thr_busy(t);
		if (cpu < 0) {
			if (t->fd >= 0)
				close(t->fd);
			continue;
		}
		if (t->cpu >= 0 && wall > t->wall)
			t->idle = 2 * (cpu - t->cpu) < wall - t->wall;
		t->cpu = cpu;
		t->wall = wall;
		s->thr[k++] = *t;
	}
	s->n_thr = k;
}

/* Rounds skipped (late: a C call held the GIL): a record of its own,
 * {"src":"py","pid":P,"lost":N,"lost_ns":NS}, at the time they were
 * found (sampler thread, buffer owned). */
static int pys_lost(pys_sampler_t *s, unsigned long n, long long lost_ns, long long now)
{
	char line[192];
	int l = snprintf(line, sizeof line, "{\"code\":\"p\",\"data\":\"{\\\"src\\\":"
			 "\\\"py\\\",\\\"pid\\\":%ld,\\\"lost\\\":%lu,\\\"lost_ns\\\":%lld}\","
			 "\"time\":%lld}\n", s->pid, n, lost_ns, now);
	return pys_buf_add(&s->out, line, (size_t)l);
}

/* One thread's sample into s->out (GIL held). */
static int pys_sample_thread(pys_sampler_t *s, PyThreadState *ts, const char *tail, size_t tl)
{
	PyObject *codes[PYS_MAX_DEPTH];
	PyFrameObject *top = PyThreadState_GetFrame(ts), *f = top;
	size_t n = 0;
	unsigned long tid = ts == s->main_ts ? s->main_tid : ts->native_thread_id;
	uint64_t h = pys_mix(0, tid);

	if (!top)
		return 0; /* not running Python code */
	Py_INCREF(f);
	while (f && n < PYS_MAX_DEPTH) {
		PyCodeObject *c = PyFrame_GetCode(f);
		codes[n++] = (PyObject *)c;
		h = pys_mix(h, (uintptr_t)c);
		Py_DECREF(c); /* the frame holds it, and the frame is frozen */
		PyFrameObject *b = PyFrame_GetBack(f);
		Py_DECREF(f);
		f = b;
	}
	bool truncated = f != NULL;
	Py_XDECREF(f);
	h = pys_mix(h, truncated);
	bool idle = pys_thr_idle(s, tid);
	h = pys_mix(h, idle);

	if (s->n_stacks * 2 >= s->cap_stacks || s->n_names * 2 + PYS_MAX_DEPTH >= s->cap_names)
		pys_caches_clear(s);
	pys_stack_t *e = pys_stack_find(s, h, tid, idle, codes, n);
	int r = 0;
	if (!e->head)
		r = pys_make_head(s, e, top, tid, idle, codes, n, truncated, h);
	Py_DECREF(top);
	if (r < 0)
		return -1;
	if (pys_buf_add(&s->out, e->head, e->len) < 0 || pys_buf_add(&s->out, tail, tl) < 0)
		return -1;
	return 0;
}

/* One round over every thread but ours (GIL held). The list is walked
 * without the runtime's HEAD_LOCK, which extensions cannot take: with the
 * GIL held, no thread state is freed under us (CPython deletes thread
 * states with the GIL held: a thread's own at its end, the others' after a
 * fork or at finalization), and a state added meanwhile is added at the
 * head, which we have already read. */
static int pys_round(pys_sampler_t *s)
{
	char tail[32];
	int tl = snprintf(tail, sizeof tail, "%lld}\n", pys_mono_ns());
	for (PyThreadState *ts = PyInterpreterState_ThreadHead(s->interp); ts;
	     ts = PyThreadState_Next(ts)) {
		if (ts != s->ts && pys_sample_thread(s, ts, tail, (size_t)tl) < 0) {
			snprintf(s->err, sizeof s->err, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The round, run by the main thread between two bytecodes (holding the
 * GIL it already had): only if the sampler thread still waits for it. */
static int pys_pending_cb(void *arg)
{
	pys_sampler_t *s = arg;
	int posted = 1;

	atomic_fetch_sub(&s->pending_out, 1);
	if (!atomic_compare_exchange_strong(&s->round_state, &posted, 2))
		return 0; /* stale: that round was taken back */
	if (pys_round(s) < 0)
		s->round_err = true;
	atomic_store(&s->round_state, 3);
	return 0;
}

static void pys_sleep_ns(long ns)
{
	struct timespec ts = { 0, ns };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Ask the main thread to run the next round between two of its bytecodes
 * (Py_AddPendingCall). False if refused (the queue is full). From now on
 * until pys_settle() the buffers belong to that callback. */
static bool pys_post(pys_sampler_t *s)
{
	atomic_store(&s->round_state, 1);
	atomic_fetch_add(&s->pending_out, 1);
	if (Py_AddPendingCall(pys_pending_cb, s) != 0) {
		atomic_fetch_sub(&s->pending_out, 1);
		atomic_store(&s->round_state, 0);
		return false;
	}
	return true;
}

/* The posted round: true if the main thread ran it, false if it did not
 * (taken back: a late callback finds nothing to do). The buffers are this
 * thread's again afterwards. */
static bool pys_settle(pys_sampler_t *s)
{
	int posted = 1;
	bool ran = true;

	if (atomic_compare_exchange_strong(&s->round_state, &posted, 4))
		ran = false;
	while (atomic_load(&s->round_state) == 2) /* running now: a moment */
		pys_sleep_ns(50000);
	atomic_store(&s->round_state, 0);
	return ran;
}

/* Send what is buffered (no GIL held). */
static int pys_send(pys_sampler_t *s)
{
	if (!s->out.len)
		return 0;
	if (s->fd < 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", s->path);
		s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			snprintf(s->err, sizeof s->err, "%s: %s", s->path, strerror(errno));
			return -1;
		}
	}
	for (size_t off = 0; off < s->out.len;) {
		ssize_t n = send(s->fd, s->out.p + off, s->out.len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(s->err, sizeof s->err, "%s", strerror(n < 0 ? errno : EPIPE));
			return -1;
		}
		off += (size_t)n;
	}
	s->out.len = 0;
	return 0;
}

static bool pys_stopping(pys_sampler_t *s)
{
	pthread_mutex_lock(&s->lock);
	bool stop = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

/* Sleep until abs_ns or a stop; true if stopping. */
/* One clock_nanosleep, not a condition variable's timed wait: glibc's
 * adds a futex wake after every timeout, and each syscall of this thread
 * costs a ptrace stop under --strace. A stop is seen within
 * PYS_WAIT_SLICE_NS. */
#define PYS_WAIT_SLICE_NS 50000000LL
static bool pys_wait(pys_sampler_t *s, long long abs_ns)
{
	for (;;) {
		if (pys_stopping(s))
			return true;
		long long now = pys_mono_ns();
		if (now >= abs_ns)
			return false;
		long long until = abs_ns - now > PYS_WAIT_SLICE_NS ? now + PYS_WAIT_SLICE_NS : abs_ns;
		struct timespec ts = { .tv_sec = until / 1000000000LL,
				       .tv_nsec = until % 1000000000LL };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

static void *pys_main(void *arg)
{
	pys_sampler_t *s = arg;
	/* A thread state of our own, made and bound to this thread the way
	 * CPython documents for threads it did not start. */
	PyGILState_STATE g = PyGILState_Ensure();
	s->ts = PyEval_SaveThread();
	long long p = s->period_ns, now = pys_mono_ns();
	long long next = (now / p + 1) * p, send_at = (now / PYS_SEND_NS + 1) * PYS_SEND_NS;
	char hello[48];
	/* First: name this thread, whose syscalls are not the program's
	 * (the recorder's strace source drops them) */
	int hl = snprintf(hello, sizeof hello, "{\"sampler_tid\":%ld}\n", (long)gettid());
	int r = pys_buf_add(&s->out, hello, (size_t)hl);
	if (r == 0)
		r = pys_send(s);

	/* A round per period. The main thread runs it, between two of its
	 * bytecodes, when it runs Python (posted at the start of the period,
	 * settled at its end): taking the GIL from a thread that runs Python
	 * makes that thread drop it and wait for it again, two futex calls of
	 * the program's own per round under strace (issue 12). If it ran no
	 * Python all period (blocked with the GIL free, or a C call holding
	 * it) this thread takes the GIL and runs the round itself. */
	bool posted = false;
	while (r == 0 && !pys_wait(s, next)) {
		bool ran = posted && pys_settle(s);
		posted = false;
		if (ran) {
			s->rounds++;
			if (s->round_err) {
				r = -1;
				snprintf(s->err, sizeof s->err, "out of memory");
			}
		}
		/* idle or not over windows of PYS_IDLE_NS, not every round:
		 * a read per thread is a syscall (a ptrace stop under strace) */
		if (pys_mono_ns() - s->thr_read_at >= PYS_IDLE_NS) {
			pys_thr_read(s);
			s->thr_read_at = pys_mono_ns();
		}
		if (!ran && r == 0) {
			PyEval_RestoreThread(s->ts);
			/* stop() sets the flag before it lets the GIL go: a round
			 * that waited for the GIL meanwhile would sample the exit */
			bool stop = pys_stopping(s);
			if (!stop) {
				r = pys_round(s);
				s->rounds++;
			}
			PyEval_SaveThread();
			if (stop)
				break;
		}
		now = pys_mono_ns();
		if (r == 0 && now >= send_at) {
			r = pys_send(s);
			send_at = (now / PYS_SEND_NS + 1) * PYS_SEND_NS;
		}
		if (s->out.len > PYS_BUF_MAX)
			s->out.len = 0; /* cannot happen: sends block instead */
		next += p;
		if (next < now) { /* late (a long GIL hold): skip, no burst */
			unsigned long lost = (unsigned long)((now - next) / p + 1);
			s->skipped += lost;
			if (pys_lost(s, lost, (long long)lost * p, now) < 0)
				r = -1;
			next = (now / p + 1) * p;
		}
		if (r == 0)
			posted = pys_post(s);
	}
	if (posted)
		(void)pys_settle(s); /* the main thread is in stop(): not running it */
	if (r == 0)
		r = pys_send(s);
	struct timespec cpu;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
	/* The end, under the GIL: report, free the caches and our state. */
	PyEval_RestoreThread(s->ts);
	if (r < 0) {
		atomic_store(&s->dead, true);
		PySys_WriteStderr("tracecast: python sampler stopped: %.150s\n", s->err);
	}
	pys_caches_clear(s);
	PyGILState_Release(g); /* deletes our thread state, drops the GIL */
	pthread_mutex_lock(&s->lock);
	s->cpu = (double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9;
	s->done = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* --- the Python type --- */

static int pys_init(PyObject *self, PyObject *args, PyObject *kw)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	const char *path;
	int hz;
	long pid;

	if (s->interp) {
		PyErr_SetString(PyExc_RuntimeError, "Sampler already initialised");
		return -1;
	}
	(void)kw;
	if (!PyArg_ParseTuple(args, "sil", &path, &hz, &pid))
		return -1;
	if (hz < 1 || hz > 10000) {
		PyErr_Format(PyExc_ValueError, "bad rate %d", hz);
		return -1;
	}
	if (strlen(path) >= sizeof s->path) {
		PyErr_SetString(PyExc_ValueError, "socket path too long");
		return -1;
	}
	snprintf(s->path, sizeof s->path, "%s", path);
	s->period_ns = 1000000000LL / hz;
	s->pid = pid;
	s->fd = -1;
	s->cpu = -1;
	s->cap_names = 1;
	while (s->cap_names < 2 * PYS_MAX_ENTRIES + 2 * PYS_MAX_DEPTH)
		s->cap_names *= 2;
	s->cap_stacks = 2 * PYS_MAX_ENTRIES;
	s->names = calloc(s->cap_names, sizeof *s->names);
	s->stacks = calloc(s->cap_stacks, sizeof *s->stacks);
	if (!s->names || !s->stacks) {
		PyErr_NoMemory();
		return -1;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->lock, NULL);
	s->interp = PyInterpreterState_Get();
	return 0;
}

/* A copy in a forked child, or never set up: leave everything alone. */
static bool pys_foreign(const pys_sampler_t *s)
{
	return !s->interp || s->pid != (long)getpid();
}

static PyObject *pys_start(PyObject *self, PyObject *unused)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	sigset_t all, old;
	(void)unused;

	if (pys_foreign(s) || s->started) {
		PyErr_SetString(PyExc_RuntimeError, "Sampler cannot start");
		return NULL;
	}
	s->main_ts = PyThreadState_Get();
	s->main_tid = (unsigned long)gettid();
	/* Signals stay with the program's threads (Python's handlers run in
	 * the main thread; a C thread taking them would only delay them). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&s->thread, NULL, pys_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		errno = r;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	s->started = true;
	Py_RETURN_NONE;
}

static PyObject *pys_stop(PyObject *self, PyObject *args)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	double timeout = 0.5;
	bool done;

	if (!PyArg_ParseTuple(args, "|d", &timeout))
		return NULL;
	if (pys_foreign(s) || !s->started)
		Py_RETURN_FALSE;
	if (s->joined)
		Py_RETURN_TRUE;
	long long until = pys_mono_ns() + (long long)(timeout * 1e9);
	struct timespec ts = { .tv_sec = until / 1000000000LL, .tv_nsec = until % 1000000000LL };
	pthread_mutex_lock(&s->lock); /* with the GIL still held: no round after */
	s->stopping = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	Py_BEGIN_ALLOW_THREADS
	pthread_mutex_lock(&s->lock);
	while (!s->done && pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
		;
	done = s->done;
	pthread_mutex_unlock(&s->lock);
	if (done)
		pthread_join(s->thread, NULL);
	Py_END_ALLOW_THREADS
	if (!done)
		Py_RETURN_FALSE;
	s->joined = true;
	Py_RETURN_TRUE;
}

static PyObject *pys_forget(PyObject *self, PyObject *unused)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	(void)unused;
	if (pys_foreign(s) && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	Py_RETURN_NONE;
}

static PyObject *pys_get_cpu(PyObject *self, void *unused)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	(void)unused;
	if (!s->joined || s->cpu < 0)
		Py_RETURN_NONE;
	return PyFloat_FromDouble(s->cpu);
}

static PyObject *pys_get_rounds(PyObject *self, void *unused)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	(void)unused;
	if (!s->joined)
		Py_RETURN_NONE;
	return Py_BuildValue("(kk)", s->rounds, s->skipped);
}

static PyObject *pys_get_dead(PyObject *self, void *unused)
{
	(void)unused;
	return PyBool_FromLong(atomic_load(&((pys_sampler_t *)self)->dead));
}

static void pys_dealloc(PyObject *self)
{
	pys_sampler_t *s = (pys_sampler_t *)self;
	if ((s->started && !s->joined && !pys_foreign(s)) || atomic_load(&s->pending_out) > 0) {
		/* still running (stop() timed out): the thread keeps using s;
		 * or a posted round callback will still read it */
		return;
	}
	if (s->fd >= 0)
		close(s->fd);
	if (!pys_foreign(s))
		pys_caches_clear(s); /* empty unless never started */
	free(s->names);
	free(s->stacks);
	free(s->out.p);
	free(s->tmp.p);
	for (size_t i = 0; i < s->n_thr; i++)
		if (s->thr[i].fd >= 0)
			close(s->thr[i].fd);
	free(s->thr);
	Py_TYPE(self)->tp_free(self);
}

static PyMethodDef pys_methods[] = {
	{ "start", pys_start, METH_NOARGS, "Start the sampling thread." },
	{ "stop", pys_stop, METH_VARARGS,
	  "stop(timeout=0.5) -> bool: stop the thread and send the rest." },
	{ "forget", pys_forget, METH_NOARGS,
	  "In a forked child: close the parent's socket (the copy is inert)." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef pys_getset[] = {
	{ "cpu", pys_get_cpu, NULL, "the thread's CPU seconds once stopped, else None", NULL },
	{ "dead", pys_get_dead, NULL, "an error stopped the sampler", NULL },
	{ "rounds", pys_get_rounds, NULL,
	  "(rounds taken, rounds skipped being late) once stopped, else None", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject pys_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "_tracecast_sampler.Sampler",
	.tp_basicsize = sizeof(pys_sampler_t),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Sampler(path, hz, pid): native stack sampler of this process.",
	.tp_new = PyType_GenericNew,
	.tp_init = pys_init,
	.tp_dealloc = pys_dealloc,
	.tp_methods = pys_methods,
	.tp_getset = pys_getset,
};

static struct PyModuleDef pys_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "_tracecast_sampler",
	.m_doc = "tracecast's native Python stack sampler.",
	.m_size = -1,
};

PyMODINIT_FUNC PyInit__tracecast_sampler(void);
PyMODINIT_FUNC PyInit__tracecast_sampler(void)
{
	if (PyType_Ready(&pys_type) < 0)
		return NULL;
	PyObject *m = PyModule_Create(&pys_module);
	if (!m)
		return NULL;
	Py_INCREF(&pys_type);
	if (PyModule_AddObject(m, "Sampler", (PyObject *)&pys_type) < 0) {
		Py_DECREF(&pys_type);
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
