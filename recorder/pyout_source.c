/* pyout_source: the outside Python sampler (see the header): which
 * processes, when, and the p events. */
#include "pyout_source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracecast/jstr.h"
#include "profile_source.h"
#include "py_walk.h"
#include "rec_child.h"
#include "tracecast/tc_clock.h"

#define PO_PROBE_MAX 256       /* new pids probed one by one at most */
#define PO_RETRY_BACK 8        /* newest pids probed again after a listing */
#define PO_REOPEN_NS 1000000000LL /* a python* exe without a runtime yet: retried this long */
#define PO_WARN_MAX 8          /* processes named in the end warning */

/* A thread's schedstat: CPU time (ns) and times it was put on a CPU. */
typedef struct po_sched {
	uint64_t run, pcount;
} po_sched_t;

typedef struct po_task {
	unsigned long tid;
	unsigned long wid;         /* its thread state's native id (py_walk's) */
	int fd;                    /* /proc/PID/task/TID/stat */
	int fd_sched;              /* /proc/PID/task/TID/schedstat, or -1 */
	int fd_children;           /* /proc/PID/task/TID/children, or -1 (not opened) */
	bool seen;                 /* in this round */
	bool same;                 /* this round: has not run since base (not walked) */
	bool base_ok, cand_ok;
	po_sched_t base;           /* read before the walk that took stack, asleep then */
	po_sched_t cand;           /* read this round before the walk, asleep then */
	char base_state;           /* its state then */
	char *stack;               /* its stack at the last walk */
	size_t len;
	char state;                /* read this round */
} po_task_t;

typedef struct po_proc {
	pid_t pid;
	dev_t dev;                 /* /proc/PID/exe as last looked at */
	ino_t ino;
	bool exe_known;
	py_walk_t *walk;           /* NULL: not a readable Python (yet) */
	int64_t reopen_until;      /* try py_walk_open again until then */
	bool in_tree;              /* found in this look */
	int fd_children;           /* /proc/PID/task/PID/children, or -1 */
	po_task_t *tasks;
	size_t n_tasks, cap_tasks;
	unsigned long *same;       /* the round's same set (py_walk_sample), n_tasks long */
} po_proc_t;

typedef struct pyout {
	unsigned hz;
	int64_t period_ns, next_ns, next_look_ns;
	size_t n_walk;             /* processes with a walker: sampled HZ times a second */
	pid_t *roots;              /* [0]: the command (0 until started) */
	size_t n_roots;
	po_proc_t *procs;
	size_t n_procs, cap_procs;
	int fd_loadavg;
	int children;              /* /proc/.../children: 1 works, 0 unknown, -1 not here */
	long last_pid, retry_pid;
	bool started;
	char *json;                /* one event's text */
	size_t json_cap;
	unsigned long samples, lost_late, lost_torn, lost_deep, refused;
	unsigned long walks, skipped; /* process rounds walked / idle */
	char warn[PO_WARN_MAX][200];
	size_t n_warn;
	rec_notes_t *notes;  /* the front-end's messages (not owned) */
} pyout_t;

/* --- processes --- */

static po_proc_t *po_find(pyout_t *po, pid_t pid)
{
	for (size_t i = 0; i < po->n_procs; i++)
		if (po->procs[i].pid == pid)
			return &po->procs[i];
	return NULL;
}

static void po_task_close(po_task_t *t)
{
	close(t->fd);
	if (t->fd_sched >= 0)
		close(t->fd_sched);
	if (t->fd_children >= 0)
		close(t->fd_children);
	free(t->stack);
}

static void po_tasks_close(po_proc_t *p)
{
	for (size_t i = 0; i < p->n_tasks; i++)
		po_task_close(&p->tasks[i]);
	p->n_tasks = 0;
}

static void po_proc_drop(pyout_t *po, size_t i)
{
	po_proc_t *p = &po->procs[i];
	py_walk_free(p->walk);
	po_tasks_close(p);
	free(p->tasks);
	free(p->same);
	if (p->fd_children >= 0)
		close(p->fd_children);
	po->procs[i] = po->procs[--po->n_procs];
}

static po_proc_t *po_track(pyout_t *po, pid_t pid)
{
	if (po->n_procs == po->cap_procs) {
		size_t nc = po->cap_procs ? po->cap_procs * 2 : 16;
		po_proc_t *np = realloc(po->procs, nc * sizeof *np);
		if (!np)
			return NULL;
		po->procs = np;
		po->cap_procs = nc;
	}
	po_proc_t *p = &po->procs[po->n_procs++];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->in_tree = true;
	p->fd_children = -1;
	return p;
}

/* The ppid of pid from /proc/PID/stat, or -1 (gone). */
static pid_t po_ppid(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	int ppid;
	char st;
	if (!rp || sscanf(rp + 1, " %c %d", &st, &ppid) != 2)
		return -1;
	return (pid_t)ppid;
}

/* Is pid a process (its own thread group leader)? */
static bool po_is_leader(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *t = strstr(buf, "\nTgid:");
	return t && strtol(t + 6, NULL, 10) == (long)pid;
}

static bool po_is_root(const pyout_t *po, pid_t pid)
{
	for (size_t i = 0; i < po->n_roots; i++)
		if (po->roots[i] == pid)
			return true;
	return false;
}

/* Adopt the candidates (pid, ppid) whose parent is tracked or that are
 * roots, until nothing changes. */
static void po_adopt(pyout_t *po, pid_t *cand, const pid_t *ppid, size_t n, bool check_tgid)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			if (cand[i] <= 0 || (!po_is_root(po, cand[i]) && !po_find(po, ppid[i])))
				continue;
			if ((!check_tgid || po_is_leader(cand[i])) && po_track(po, cand[i]))
				changed = true;
			cand[i] = -1;
		}
	}
}

static long po_loadavg_last(pyout_t *po)
{
	char buf[128];
	if (po->fd_loadavg < 0)
		po->fd_loadavg = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	ssize_t n = po->fd_loadavg < 0 ? -1 : pread(po->fd_loadavg, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *sp = strrchr(buf, ' ');
	return sp ? strtol(sp + 1, NULL, 10) : -1;
}

/* List /proc and adopt the tree's new processes. */
static int po_list_all(pyout_t *po)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	pid_t *cand = NULL, *ppid = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		char *end;
		long v = strtol(de->d_name, &end, 10);
		if (*end || v <= 0 || v > INT_MAX || po_find(po, (pid_t)v))
			continue;
		pid_t pp = po_ppid((pid_t)v);
		if (pp < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			pid_t *nc = realloc(cand, cap * sizeof *nc), *np = nc ? realloc(ppid, cap * sizeof *np) : NULL;
			if (nc)
				cand = nc;
			if (!np) {
				r = -ENOMEM;
				break;
			}
			ppid = np;
		}
		cand[n] = (pid_t)v;
		ppid[n++] = pp;
	}
	closedir(d);
	if (r == 0)
		po_adopt(po, cand, ppid, n, false);
	free(cand);
	free(ppid);
	return r;
}

/* Find new processes of the trees: the pids handed out since the last
 * look (a pid not in /proc yet is probed again at the next look). */
static void po_discover(pyout_t *po)
{
	long last = po_loadavg_last(po), prev = po->last_pid, lo = prev;
	if (po->retry_pid > 0 && po->retry_pid <= prev)
		lo = po->retry_pid - 1;
	po->retry_pid = 0;
	po->last_pid = last;
	if (prev <= 0 || last < prev || last - lo > PO_PROBE_MAX) {
		po_list_all(po);
		po->retry_pid = last > PO_RETRY_BACK ? last - PO_RETRY_BACK + 1 : 1;
		return;
	}
	pid_t cand[PO_PROBE_MAX], ppid[PO_PROBE_MAX];
	size_t n = 0;
	for (long pid = lo + 1; pid <= last; pid++) {
		if (po_find(po, (pid_t)pid))
			continue;
		pid_t pp = po_ppid((pid_t)pid);
		if (pp < 0) {
			if (pid > prev && !po->retry_pid)
				po->retry_pid = pid;
			continue;
		}
		cand[n] = (pid_t)pid;
		ppid[n++] = pp;
	}
	po_adopt(po, cand, ppid, n, true);
}

/* Track the children listed in one /proc/.../children file (fd at 0). */
static int po_adopt_listed(pyout_t *po, int fd)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (char *q = buf, *end; *q; q = end) {
		long v = strtol(q, &end, 10);
		if (end == q)
			break;
		if (v > 0 && v <= INT_MAX && !po_find(po, (pid_t)v) && !po_track(po, (pid_t)v))
			return -ENOMEM;
	}
	return 0;
}

/* Find new processes of the trees through the kernel's children lists
 * (CONFIG_PROC_CHILDREN): one pread per process of the trees (and one
 * open per other thread of a Python process), whatever the rest of the
 * machine does. Returns -ENOENT where the kernel has no such files. */
static int po_discover_children(pyout_t *po)
{
	char path[96];
	for (size_t r = 0; r < po->n_roots; r++) /* roots alive and not tracked */
		if (po->roots[r] > 0 && !po_find(po, po->roots[r]) && kill(po->roots[r], 0) == 0 &&
		    !po_track(po, po->roots[r]))
			return -ENOMEM;
	/* procs grows while we walk it: new ones are looked at too */
	for (size_t i = 0; i < po->n_procs; i++) {
		po_proc_t *p = &po->procs[i];
		pid_t pid = p->pid;
		if (p->fd_children < 0) {
			snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
			p->fd_children = open(path, O_RDONLY | O_CLOEXEC);
			if (p->fd_children < 0 && errno == ENOENT && po->children <= 0 &&
			    access("/proc/self/task", F_OK) == 0) {
				snprintf(path, sizeof path, "/proc/%d/task/%d/children",
					 (int)getpid(), (int)getpid());
				if (access(path, R_OK) < 0)
					return -ENOENT; /* not this kernel */
			}
			if (p->fd_children < 0)
				continue; /* gone */
			po->children = 1;
		}
		int r = po_adopt_listed(po, p->fd_children);
		if (r == -ENOMEM)
			return r;
		p = &po->procs[i]; /* the array may have moved */
		for (size_t k = 0; k < p->n_tasks; k++) { /* Python's other threads */
			po_task_t *t = &p->tasks[k];
			if (t->tid == (unsigned long)pid)
				continue;
			if (t->fd_children < 0) { /* kept open: one pread per look */
				snprintf(path, sizeof path, "/proc/%d/task/%lu/children", (int)pid,
					 t->tid);
				if ((t->fd_children = open(path, O_RDONLY | O_CLOEXEC)) < 0)
					continue;
			}
			r = po_adopt_listed(po, t->fd_children);
			if (r == -ENOMEM)
				return r;
			p = &po->procs[i];
		}
	}
	return 0;
}

/* Remember why pid is not sampled, for the end warning. */
static void po_warn(pyout_t *po, pid_t pid, const char *why)
{
	po->refused++;
	if (po->n_warn < PO_WARN_MAX)
		snprintf(po->warn[po->n_warn++], sizeof po->warn[0], "pid %d: %s", (int)pid, why);
}

/* Look at each tracked process's executable: gone processes are
 * dropped, new or changed ones (exec) opened as Python if they are. */
static void po_check_exes(pyout_t *po, int64_t now)
{
	for (size_t i = 0; i < po->n_procs;) {
		po_proc_t *p = &po->procs[i];
		char path[64], err[160];
		struct stat st;
		snprintf(path, sizeof path, "/proc/%d/exe", (int)p->pid);
		if (stat(path, &st) < 0) {
			if (errno == ENOENT && kill(p->pid, 0) < 0 && errno == ESRCH) {
				po_proc_drop(po, i);
				continue;
			}
			i++; /* a kernel thread, or exe not readable: leave it */
			continue;
		}
		bool changed = !p->exe_known || st.st_dev != p->dev || st.st_ino != p->ino;
		if (changed) {
			p->exe_known = true;
			p->dev = st.st_dev;
			p->ino = st.st_ino;
			py_walk_free(p->walk);
			p->walk = NULL;
			po_tasks_close(p);
			p->reopen_until = now + PO_REOPEN_NS;
		}
		if (!p->walk && now <= p->reopen_until) {
			int r = py_walk_open(&p->walk, p->pid, err, sizeof err);
			if (r == -EPROTONOSUPPORT || r == -EPERM || r == -EACCES) {
				po_warn(po, p->pid, err);
				p->reopen_until = 0; /* not until it execs again */
			} else if (r == -ENOEXEC) {
				char exe[PATH_MAX];
				ssize_t n = readlink(path, exe, sizeof exe - 1);
				exe[n > 0 ? n : 0] = '\0';
				const char *b = strrchr(exe, '/');
				if (!b || strncmp(b + 1, "python", 6) != 0)
					p->reopen_until = 0; /* not Python: wait for an exec */
			} else if (r < 0) {
				p->reopen_until = 0;
			}
		}
		i++;
	}
}

/* --- one round --- */

static po_task_t *po_task(po_proc_t *p, unsigned long tid, bool open_it)
{
	for (size_t i = 0; i < p->n_tasks; i++)
		if (p->tasks[i].tid == tid)
			return &p->tasks[i];
	if (!open_it)
		return NULL;
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task/%lu/stat", (int)p->pid, tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (p->n_tasks == p->cap_tasks) {
		size_t nc = p->cap_tasks ? p->cap_tasks * 2 : 8;
		po_task_t *nt = realloc(p->tasks, nc * sizeof *nt);
		unsigned long *ns = nt ? realloc(p->same, nc * sizeof *ns) : NULL;
		if (nt)
			p->tasks = nt;
		if (!ns) {
			close(fd);
			return NULL;
		}
		p->same = ns;
		p->cap_tasks = nc;
	}
	snprintf(path, sizeof path, "/proc/%d/task/%lu/schedstat", (int)p->pid, tid);
	/* no base: the thread may have run since the walk that found it */
	p->tasks[p->n_tasks] = (po_task_t){ .tid = tid, .wid = tid, .fd = fd,
					    .fd_sched = open(path, O_RDONLY | O_CLOEXEC),
					    .fd_children = -1 };
	return &p->tasks[p->n_tasks++];
}

/* The task whose thread state has native id wid, or NULL. */
static po_task_t *po_task_wid(po_proc_t *p, unsigned long wid)
{
	for (size_t i = 0; i < p->n_tasks; i++)
		if (p->tasks[i].wid == wid)
			return &p->tasks[i];
	return NULL;
}

/* The state letter of a task (0 if it is gone). */
static char po_task_state(const po_task_t *t)
{
	char buf[512];
	ssize_t n = pread(t->fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	if (!rp || rp[1] != ' ' || !rp[2])
		return 0;
	return rp[2];
}

/* A task's schedstat (its CPU time and how many times it was put on a
 * CPU): 0, or -1 (gone, or no schedstat). */
static int po_task_sched(const po_task_t *t, po_sched_t *out)
{
	char buf[128], *end;
	ssize_t n = t->fd_sched < 0 ? -1 : pread(t->fd_sched, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	out->run = strtoull(buf, &end, 10);
	(void)strtoull(end, &end, 10); /* the time spent waiting for a CPU */
	char *last = end;
	out->pcount = strtoull(last, &end, 10);
	return end == last ? -1 : 0;
}

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

/* Write one thread's sample. -ENOMEM. */
static int po_emit_stack(pyout_t *po, pid_t pid, int64_t t, unsigned long tid, const char *stack,
			 size_t len, char state, const rec_emit_t *out)
{
	if (po_json_room(po, JSTR_ESCAPE_MAX(len) + 128) < 0)
		return -ENOMEM;
	size_t n = (size_t)snprintf(po->json, po->json_cap,
				    "{\"src\":\"py\",\"pid\":%d,\"tid\":%lu,\"stack\":\"",
				    (int)pid, tid);
	n += jstr_escape(po->json + n, stack, len);
	if (state < 'A' || state > 'z')
		state = '?';
	n += (size_t)snprintf(po->json + n, po->json_cap - n, "\",\"state\":\"%c\"%s}",
			      state, state == 'R' ? "" : ",\"idle\":true");
	out->emit(out->user, t, "p", po->json, n);
	po->samples++;
	return 0;
}

/* Read each known thread's /proc state for this round and fill p->same
 * with the threads that have not run since their stack was taken: a
 * thread's frames change only while it runs. Its schedstat (CPU time and
 * times put on a CPU) must equal the base: the one read, before the walk
 * that took its stack, at a time it was asleep (the state, read after
 * the schedstat, was not R); a thread not put on a CPU since has not run
 * since, and was not on a CPU at any moment of it (idle, with the state
 * of then). A thread that ran gets its state read now (stat) and, if it
 * sleeps, a new base candidate, kept if the walk takes its stack. One
 * pread per idle thread, two per other one. Returns the set's size. */
static size_t po_states(po_proc_t *p)
{
	size_t n_same = 0;
	for (size_t i = 0; i < p->n_tasks; i++) {
		po_task_t *k = &p->tasks[i];
		po_sched_t now;
		bool have = po_task_sched(k, &now) == 0;
		k->seen = false;
		k->cand_ok = false;
		k->same = have && k->base_ok && now.run == k->base.run && now.pcount == k->base.pcount;
		if (k->same) {
			k->state = k->base_state;
			p->same[n_same++] = k->wid;
			continue;
		}
		k->state = po_task_state(k);
		if (have && k->state && k->state != 'R') {
			k->cand_ok = true;
			k->cand = now;
		}
	}
	return n_same;
}

/* Sample one process; 0, or -ESRCH/-EFAULT when it is gone or exec'd. */
static int po_sample(pyout_t *po, po_proc_t *p, unsigned late, const rec_emit_t *out)
{
	py_walk_round_t rd;
	int64_t t = tc_clock_mono_ns();
	size_t n_same = po_states(p);
	int r = py_walk_sample(p->walk, p->same, n_same, &rd);
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
		po_task_t *task = po_task_wid(p, th->native_id);
		unsigned long tid = task ? task->tid : th->native_id;
		if (th->same) { /* not walked: its last stack, still true */
			if (!task || task->seen)
				continue;
			task->seen = true;
			if (po_emit_stack(po, p->pid, t, task->tid, task->stack, task->len,
					  task->state, out) < 0)
				return -ENOMEM;
			continue;
		}
		walked++;
		if (!task && !(task = po_task(p, th->native_id, true)) && !pid_claimed) {
			tid = (unsigned long)p->pid;
			task = po_task(p, tid, true);
			pid_claimed = true;
		}
		if (!task || task->seen)
			continue;
		task->wid = th->native_id;
		tid = task->tid;
		/* the state read before the walk; a thread met now, read now
		 * (no base then: it may have run since) */
		char state = task->state ? task->state : po_task_state(task);
		if (!state)
			continue; /* the thread is gone */
		task->seen = true;
		task->base_ok = task->cand_ok;
		task->base = task->cand;
		task->base_state = state;
		char *copy = realloc(task->stack, th->len ? th->len : 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, rd.text + th->off, th->len);
		task->stack = copy;
		task->len = th->len;
		if (po_emit_stack(po, p->pid, t, tid, rd.text + th->off, th->len, state, out) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < p->n_tasks;) { /* threads no longer seen */
		if (!p->tasks[i].seen) {
			po_task_close(&p->tasks[i]);
			p->tasks[i] = p->tasks[--p->n_tasks];
		} else {
			p->tasks[i].state = 0; /* read again next round */
			i++;
		}
	}
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
	po->roots[0] = pid;
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

static size_t po_count_walks(const pyout_t *po)
{
	size_t n = 0;
	for (size_t i = 0; i < po->n_procs; i++)
		n += po->procs[i].walk != NULL;
	return n;
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
		if (po->children < 0 || po_discover_children(po) == -ENOENT) {
			po->children = -1;
			po_discover(po);
		}
		po_check_exes(po, now);
		if (!po->n_walk && (po->n_walk = po_count_walks(po)))
			due = true; /* the first Python process: read it now */
	}
	if (!due)
		return;
	po->next_ns = rec_batch_next(now, po->period_ns);
	for (size_t i = 0; i < po->n_procs;) {
		po_proc_t *p = &po->procs[i];
		if (!p->walk) {
			i++;
			continue;
		}
		int r = po_sample(po, p, late, out);
		if (r == -ESRCH) {
			po_proc_drop(po, i); /* gone: the others are still read */
			continue;
		}
		if (r < 0) { /* exec'd, or unreadable now: looked at again */
			py_walk_free(p->walk);
			p->walk = NULL;
			p->exe_known = false;
		}
		i++;
	}
	po->n_walk = po_count_walks(po);
}

static void src_finish(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	pyout_t *po = self;
	(void)mono_ns;
	(void)out;
	for (size_t i = 0; i < po->n_warn; i++)
		rec_note(po->notes, "tracecast: warning: --profile=python: not sampled: %s%s",
			 po->warn[i], i + 1 == po->n_warn && po->refused > po->n_warn ?
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
	while (po->n_procs)
		po_proc_drop(po, 0);
	if (po->fd_loadavg >= 0)
		close(po->fd_loadavg);
	free(po->procs);
	free(po->roots);
	free(po->json);
	free(po);
}

int pyout_source_new(rec_source_t *src, unsigned hz, const pid_t *attach, size_t n_attach,
		     rec_notes_t *notes)
{
	if (hz < 1 || hz > 10000)
		return -EINVAL;
	pyout_t *po = calloc(1, sizeof *po);
	if (!po || !(po->roots = calloc(n_attach + 1, sizeof *po->roots))) {
		free(po);
		return -ENOMEM;
	}
	po->hz = hz;
	po->notes = notes;
	po->period_ns = 1000000000LL / hz;
	po->fd_loadavg = -1;
	if (n_attach)
		memcpy(po->roots + 1, attach, n_attach * sizeof *attach);
	po->n_roots = n_attach + 1;
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
