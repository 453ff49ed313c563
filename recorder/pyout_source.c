/* pyout_source: the outside Python sampler (see the header): when, and
 * the p events (which processes: pyout_tree; their threads: pyout_tasks). */
#include "pyout_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracecast/jstr.h"
#include "profile_source.h"
#include "py_walk.h"
#include "pyout_tasks.h"
#include "pyout_tree.h"
#include "rec_child.h"
#include "tracecast/tc_clock.h"

typedef struct pyout {
	unsigned hz;
	int64_t period_ns, next_ns, next_look_ns;
	size_t n_walk;             /* processes with a walker: sampled HZ times a second */
	pyout_tree_t tree;         /* the processes */
	bool started;
	char *json;                /* one event's text */
	size_t json_cap;
	unsigned long samples, lost_late, lost_torn, lost_deep;
	unsigned long walks, skipped; /* process rounds walked / idle */
	rec_notes_t *notes;  /* the front-end's messages (not owned) */
} pyout_t;

/* --- one round --- */

static int po_json_room(pyout_t *po, size_t need)
{
	if (need <= po->json_cap)
		return 0;
	size_t cap = po->json_cap ? po->json_cap : 4096;
	while (cap < need)
		cap *= 2;
	char *n = realloc(po->json, cap);
	if (!n)
		return -ENOMEM;
	po->json = n;
	po->json_cap = cap;
	return 0;
}

static void po_emit_lost(pyout_t *po, pid_t pid, int64_t t, unsigned late, unsigned torn,
			 unsigned deep, const rec_emit_t *out)
{
	char buf[200];
	unsigned n = late + torn + deep;
	int len = snprintf(buf, sizeof buf, "{\"src\":\"py\",\"pid\":%d,\"lost\":%u,\"late\":%u,"
			   "\"torn\":%u,\"deep\":%u,\"lost_ns\":%lld}", (int)pid, n, late, torn,
			   deep, (long long)n * (long long)po->period_ns);
	out->emit(out->user, t, "p", buf, (size_t)len);
}

/* Write one thread's sample (its stack, or the task's kept one when
 * stack is NULL) and keep its text in the task. -ENOMEM. */
static int po_emit_stack(pyout_t *po, pid_t pid, int64_t t, pyout_task_t *task, const char *stack,
			 size_t len, char state, const rec_emit_t *out)
{
	po->samples++;
	if (!stack && task->event_len) { /* the same stack and state as last written */
		out->emit(out->user, t, "p", task->event, task->event_len);
		return 0;
	}
	if (!stack) {
		stack = task->stack;
		len = task->len;
	}
	if (po_json_room(po, JSTR_ESCAPE_MAX(len) + 128) < 0)
		return -ENOMEM;
	size_t n = (size_t)snprintf(po->json, po->json_cap,
				    "{\"src\":\"py\",\"pid\":%d,\"tid\":%lu,\"stack\":\"",
				    (int)pid, task->tid);
	n += jstr_escape(po->json + n, stack, len);
	if (state < 'A' || state > 'z')
		state = '?';
	n += (size_t)snprintf(po->json + n, po->json_cap - n, "\",\"state\":\"%c\"%s}",
			      state, state == 'R' ? "" : ",\"idle\":true");
	out->emit(out->user, t, "p", po->json, n);
	return pyout_tasks_keep_event(task, po->json, n);
}

/* Sample one process; 0, or -ESRCH/-EFAULT when it is gone or exec'd. */
static int po_sample(pyout_t *po, pyout_proc_t *p, unsigned late, const rec_emit_t *out)
{
	py_walk_round_t rd;
	int64_t t = tc_clock_mono_ns();
	size_t n_same = pyout_tasks_begin(&p->tasks);
	int r = py_walk_sample(p->walk, p->tasks.same, n_same, &rd);
	if (r < 0)
		return r;
	/* A thread state whose native id is no thread of this process is the
	 * one that forked it (CPython 3.11 keeps the parent's id in the child):
	 * it is the child's main thread, the pid, unless another state is. */
	bool pid_claimed = false;
	for (size_t i = 0; i < rd.n; i++)
		if (rd.threads[i].native_id == (unsigned long)p->pid)
			pid_claimed = true;
	unsigned long walked = 0;
	for (size_t i = 0; i < rd.n; i++) {
		const py_walk_thread_t *th = &rd.threads[i];
		pyout_task_t *task = pyout_tasks_by_wid(&p->tasks, th->native_id);
		unsigned long tid = task ? task->tid : th->native_id;
		if (th->same) { /* not walked: its last stack, still true */
			if (!task || task->seen)
				continue;
			task->seen = true;
			if (po_emit_stack(po, p->pid, t, task, NULL, 0, task->state, out) < 0)
				return -ENOMEM;
			continue;
		}
		walked++;
		if (!task && !(task = pyout_tasks_get(&p->tasks, th->native_id, true)) && !pid_claimed) {
			tid = (unsigned long)p->pid;
			task = pyout_tasks_get(&p->tasks, tid, true);
			pid_claimed = true;
		}
		if (!task || task->seen)
			continue;
		task->wid = th->native_id;
		tid = task->tid;
		/* the state read before the walk; a thread met now, read now
		 * (no base then: it may have run since) */
		char state = task->state ? task->state : pyout_tasks_state(task);
		if (!state)
			continue; /* the thread is gone */
		if (pyout_tasks_took(task, state, rd.text + th->off, th->len) < 0)
			return -ENOMEM;
		if (po_emit_stack(po, p->pid, t, task, rd.text + th->off, th->len, state, out) < 0)
			return -ENOMEM;
	}
	pyout_tasks_end(&p->tasks);
	if (walked)
		po->walks++;
	else
		po->skipped++;
	po->lost_late += late;
	po->lost_torn += rd.torn;
	po->lost_deep += rd.deep;
	if (late || rd.torn || rd.deep)
		po_emit_lost(po, p->pid, t, late, rd.torn, rd.deep, out);
	return 0;
}

/* --- the recorder source --- */

static int src_prepare(void *self, rec_spawn_t *spawn)
{
	pyout_t *po = self;
	int r = profile_source_note_rate(spawn->sources, "python_hz", po->hz);
	if (r < 0 || !spawn->sources)
		return r;
	json_t *prof = json_object_get(spawn->sources, "profile");
	return json_object_set_new(prof, "python_sampler", json_string("outside")) < 0 ? -ENOMEM : 0;
}

static void src_started(void *self, pid_t pid, int64_t mono_ns)
{
	pyout_t *po = self;
	po->tree.roots[0] = pid;
	po->started = true;
	po->next_ns = mono_ns;
	po->next_look_ns = mono_ns;
}

/* With no Python process to read, the loop is woken for the looks only
 * (every REC_BATCH_NS), not HZ times a second. */
static int64_t src_deadline(void *self)
{
	pyout_t *po = self;
	return !po->started ? INT64_MAX : po->n_walk ? po->next_ns : po->next_look_ns;
}

static void src_tick(void *self, int64_t now, const rec_emit_t *out)
{
	pyout_t *po = self;
	bool due = po->started && po->n_walk && now >= po->next_ns;
	if (!due && (!po->started || now < po->next_look_ns))
		return;
	/* rounds whose time passed while the loop was busy: lost, not made up */
	unsigned late = 0;
	if (due && now - po->next_ns >= po->period_ns)
		late = (unsigned)((now - po->next_ns) / po->period_ns);
	if (now >= po->next_look_ns) {
		po->next_look_ns = rec_batch_next(now, REC_BATCH_NS);
		pyout_tree_look(&po->tree, now);
		if (!po->n_walk && (po->n_walk = pyout_tree_count_walks(&po->tree)))
			due = true; /* the first Python process: read it now */
	}
	if (!due)
		return;
	po->next_ns = rec_batch_next(now, po->period_ns);
	for (size_t i = 0; i < po->tree.n_procs;) {
		pyout_proc_t *p = &po->tree.procs[i];
		if (!p->walk) {
			i++;
			continue;
		}
		int r = po_sample(po, p, late, out);
		if (r == -ESRCH) {
			pyout_tree_drop(&po->tree, i); /* gone: the others are still read */
			continue;
		}
		if (r < 0) /* exec'd, or unreadable now: looked at again */
			pyout_tree_unread(p);
		i++;
	}
	po->n_walk = pyout_tree_count_walks(&po->tree);
}

static void src_finish(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	pyout_t *po = self;
	(void)mono_ns;
	(void)out;
	const pyout_tree_t *tr = &po->tree;
	for (size_t i = 0; i < tr->n_warn; i++)
		rec_note(po->notes, "tracecast: warning: --profile=python: not sampled: %s%s",
			 tr->warn[i], i + 1 == tr->n_warn && tr->refused > tr->n_warn ?
			 " (and more)" : "");
	unsigned long lost = po->lost_late + po->lost_torn + po->lost_deep;
	if (getenv("TRACECAST_PYOUT_STATS"))
		rec_note(po->notes, "tracecast: python-outside: %lu process rounds walked, %lu idle "
			 "(not walked), %lu samples", po->walks, po->skipped, po->samples);
	/* a few late rounds are normal under load; say it when it matters */
	if (lost && lost * 100 > po->samples)
		rec_note(po->notes, "tracecast: warning: --profile=python: %lu samples lost "
			 "(%lu late, %lu torn, %lu too deep; %lu written)", lost, po->lost_late,
			 po->lost_torn, po->lost_deep, po->samples);
}

static void src_free(void *self)
{
	pyout_t *po = self;
	if (!po)
		return;
	pyout_tree_cleanup(&po->tree);
	free(po->json);
	free(po);
}

int pyout_source_new(rec_source_t *src, unsigned hz, const pid_t *attach, size_t n_attach,
		     rec_notes_t *notes)
{
	if (hz < 1 || hz > 10000)
		return -EINVAL;
	pyout_t *po = calloc(1, sizeof *po);
	if (!po || pyout_tree_init(&po->tree, attach, n_attach) < 0) {
		free(po);
		return -ENOMEM;
	}
	po->hz = hz;
	po->notes = notes;
	po->period_ns = 1000000000LL / hz;
	memset(src, 0, sizeof *src);
	src->name = "python";
	src->self = po;
	src->prepare = src_prepare;
	src->started = src_started;
	src->deadline = src_deadline;
	src->tick = src_tick;
	src->finish = src_finish;
	src->free = src_free;
	return 0;
}

int pyout_probe(char *err, size_t errsz)
{
	static const uint64_t magic = 0x7472616365636173ULL; /* what the child holds */
	int pfd[2];
	if (!py_walk_available()) {
		snprintf(err, errsz, "tracecast was built without the CPython %s headers "
			 "(python3-dev)", py_walk_version());
		return -ENOSYS;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -errno;
	}
	rec_children_t *kids = NULL;
	pid_t pid = rec_children_new(&kids) < 0 ? -ENOMEM : rec_child_fork(kids, NULL, NULL);
	if (pid < 0) {
		rec_children_free(kids);
		close(pfd[0]);
		close(pfd[1]);
		snprintf(err, errsz, "fork: %s", strerror(-pid));
		return pid;
	}
	if (pid == 0) { /* wait for the parent to close its end, then go */
		char c;
		close(pfd[1]);
		while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(pfd[0]);
	uint64_t got = 0;
	struct iovec l = { &got, sizeof got }, r = { (void *)&magic, sizeof magic };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	int e = n < 0 ? errno : 0;
	close(pfd[1]);
	rec_child_wait(kids, pid, -1, NULL);
	rec_children_free(kids);
	if (n == (ssize_t)sizeof got && got == magic)
		return 0;
	snprintf(err, errsz, "process_vm_readv on a child process: %s",
		 e ? strerror(e) : "short read");
	return e ? -e : -EIO;
}
