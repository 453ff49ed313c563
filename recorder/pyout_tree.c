/* pyout_tree: the processes the outside Python sampler reads (see the
 * header). */
#include "pyout_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TR_PROBE_MAX 256       /* new pids probed one by one at most */
#define TR_RETRY_BACK 8        /* newest pids probed again after a listing */
#define TR_REOPEN_NS 1000000000LL /* a python* exe without a runtime yet: retried this long */
#define TR_EXE_EVERY_NS 1000000000LL /* a process being read: its exe stat'd this often */

int pyout_tree_init(pyout_tree_t *tr, const pid_t *attach, size_t n_attach)
{
	memset(tr, 0, sizeof *tr);
	tr->fd_loadavg = -1;
	if (!(tr->roots = calloc(n_attach + 1, sizeof *tr->roots)))
		return -ENOMEM;
	if (n_attach)
		memcpy(tr->roots + 1, attach, n_attach * sizeof *attach);
	tr->n_roots = n_attach + 1;
	return 0;
}

void pyout_tree_cleanup(pyout_tree_t *tr)
{
	while (tr->n_procs)
		pyout_tree_drop(tr, 0);
	if (tr->fd_loadavg >= 0)
		close(tr->fd_loadavg);
	free(tr->procs);
	free(tr->roots);
	memset(tr, 0, sizeof *tr);
	tr->fd_loadavg = -1;
}

static pyout_proc_t *tr_find(pyout_tree_t *tr, pid_t pid)
{
	for (size_t i = 0; i < tr->n_procs; i++)
		if (tr->procs[i].pid == pid)
			return &tr->procs[i];
	return NULL;
}

void pyout_tree_drop(pyout_tree_t *tr, size_t i)
{
	pyout_proc_t *p = &tr->procs[i];
	py_walk_free(p->walk);
	pyout_tasks_cleanup(&p->tasks);
	if (p->fd_children >= 0)
		close(p->fd_children);
	tr->procs[i] = tr->procs[--tr->n_procs];
}

static pyout_proc_t *tr_track(pyout_tree_t *tr, pid_t pid)
{
	if (tr->n_procs == tr->cap_procs) {
		size_t nc = tr->cap_procs ? tr->cap_procs * 2 : 16;
		pyout_proc_t *np = realloc(tr->procs, nc * sizeof *np);
		if (!np)
			return NULL;
		tr->procs = np;
		tr->cap_procs = nc;
	}
	pyout_proc_t *p = &tr->procs[tr->n_procs++];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->tasks.pid = pid;
	p->fd_children = -1;
	return p;
}

/* The ppid of pid from /proc/PID/stat, or -1 (gone). */
static pid_t tr_ppid(pid_t pid)
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
static bool tr_is_leader(pid_t pid)
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

static bool tr_is_root(const pyout_tree_t *tr, pid_t pid)
{
	for (size_t i = 0; i < tr->n_roots; i++)
		if (tr->roots[i] == pid)
			return true;
	return false;
}

/* Adopt the candidates (pid, ppid) whose parent is tracked or that are
 * roots, until nothing changes. */
static void tr_adopt(pyout_tree_t *tr, pid_t *cand, const pid_t *ppid, size_t n, bool check_tgid)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			if (cand[i] <= 0 || (!tr_is_root(tr, cand[i]) && !tr_find(tr, ppid[i])))
				continue;
			if ((!check_tgid || tr_is_leader(cand[i])) && tr_track(tr, cand[i]))
				changed = true;
			cand[i] = -1;
		}
	}
}

static long tr_loadavg_last(pyout_tree_t *tr)
{
	char buf[128];
	if (tr->fd_loadavg < 0)
		tr->fd_loadavg = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	ssize_t n = tr->fd_loadavg < 0 ? -1 : pread(tr->fd_loadavg, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *sp = strrchr(buf, ' ');
	return sp ? strtol(sp + 1, NULL, 10) : -1;
}

/* List /proc and adopt the tree's new processes. */
static int tr_list_all(pyout_tree_t *tr)
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
		if (*end || v <= 0 || v > INT_MAX || tr_find(tr, (pid_t)v))
			continue;
		pid_t pp = tr_ppid((pid_t)v);
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
		tr_adopt(tr, cand, ppid, n, false);
	free(cand);
	free(ppid);
	return r;
}

/* Find new processes of the trees: the pids handed out since the last
 * look (a pid not in /proc yet is probed again at the next look). */
static void tr_discover(pyout_tree_t *tr)
{
	long last = tr_loadavg_last(tr), prev = tr->last_pid, lo = prev;
	if (tr->retry_pid > 0 && tr->retry_pid <= prev)
		lo = tr->retry_pid - 1;
	tr->retry_pid = 0;
	tr->last_pid = last;
	if (prev <= 0 || last < prev || last - lo > TR_PROBE_MAX) {
		tr_list_all(tr);
		tr->retry_pid = last > TR_RETRY_BACK ? last - TR_RETRY_BACK + 1 : 1;
		return;
	}
	pid_t cand[TR_PROBE_MAX], ppid[TR_PROBE_MAX];
	size_t n = 0;
	for (long pid = lo + 1; pid <= last; pid++) {
		if (tr_find(tr, (pid_t)pid))
			continue;
		pid_t pp = tr_ppid((pid_t)pid);
		if (pp < 0) {
			if (pid > prev && !tr->retry_pid)
				tr->retry_pid = pid;
			continue;
		}
		cand[n] = (pid_t)pid;
		ppid[n++] = pp;
	}
	tr_adopt(tr, cand, ppid, n, true);
}

/* Track the children listed in one /proc/.../children file (fd at 0). */
static int tr_adopt_listed(pyout_tree_t *tr, int fd)
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
		if (v > 0 && v <= INT_MAX && !tr_find(tr, (pid_t)v) && !tr_track(tr, (pid_t)v))
			return -ENOMEM;
	}
	return 0;
}

/* Find new processes of the trees through the kernel's children lists
 * (CONFIG_PROC_CHILDREN): one pread per process of the trees (and one
 * open per other thread of a Python process), whatever the rest of the
 * machine does. Returns -ENOENT where the kernel has no such files. */
static int tr_discover_children(pyout_tree_t *tr)
{
	char path[96];
	for (size_t r = 0; r < tr->n_roots; r++) /* roots alive and not tracked */
		if (tr->roots[r] > 0 && !tr_find(tr, tr->roots[r]) && kill(tr->roots[r], 0) == 0 &&
		    !tr_track(tr, tr->roots[r]))
			return -ENOMEM;
	/* procs grows while we walk it: new ones are looked at too */
	for (size_t i = 0; i < tr->n_procs; i++) {
		pyout_proc_t *p = &tr->procs[i];
		pid_t pid = p->pid;
		if (p->fd_children < 0) {
			snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
			p->fd_children = open(path, O_RDONLY | O_CLOEXEC);
			if (p->fd_children < 0 && errno == ENOENT && tr->children <= 0 &&
			    access("/proc/self/task", F_OK) == 0) {
				snprintf(path, sizeof path, "/proc/%d/task/%d/children",
					 (int)getpid(), (int)getpid());
				if (access(path, R_OK) < 0)
					return -ENOENT; /* not this kernel */
			}
			if (p->fd_children < 0)
				continue; /* gone */
			tr->children = 1;
		}
		int r = tr_adopt_listed(tr, p->fd_children);
		if (r == -ENOMEM)
			return r;
		p = &tr->procs[i]; /* the array may have moved */
		for (size_t k = 0; k < p->tasks.n; k++) { /* Python's other threads */
			pyout_task_t *t = &p->tasks.v[k];
			if (t->tid == (unsigned long)pid)
				continue;
			if (t->fd_children < 0) { /* kept open: one pread per look */
				snprintf(path, sizeof path, "/proc/%d/task/%lu/children", (int)pid,
					 t->tid);
				if ((t->fd_children = open(path, O_RDONLY | O_CLOEXEC)) < 0)
					continue;
			}
			r = tr_adopt_listed(tr, t->fd_children);
			if (r == -ENOMEM)
				return r;
			p = &tr->procs[i];
		}
	}
	return 0;
}

/* Remember why pid is not sampled, for the end warning. */
static void tr_warn(pyout_tree_t *tr, pid_t pid, const char *why)
{
	tr->refused++;
	if (tr->n_warn < PYOUT_TREE_WARN_MAX)
		snprintf(tr->warn[tr->n_warn++], sizeof tr->warn[0], "pid %d: %s", (int)pid, why);
}

/* Look at each tracked process's executable: gone processes are
 * dropped, new or changed ones (exec) opened as Python if they are. A
 * process being read is looked at once a second only: an exec makes its
 * next walk fail (the old addresses, unmapped or no interpreter state
 * there), which unreads it (pyout_tree_unread) and so looks at it at the
 * next look; the stat catches the exec whose walk still succeeds. */
static void tr_check_exes(pyout_tree_t *tr, int64_t now)
{
	for (size_t i = 0; i < tr->n_procs;) {
		pyout_proc_t *p = &tr->procs[i];
		char path[64], err[160];
		struct stat st;
		if (p->walk && p->exe_known && now < p->exe_next) {
			i++;
			continue;
		}
		p->exe_next = now + TR_EXE_EVERY_NS;
		snprintf(path, sizeof path, "/proc/%d/exe", (int)p->pid);
		if (stat(path, &st) < 0) {
			if (errno == ENOENT && kill(p->pid, 0) < 0 && errno == ESRCH) {
				pyout_tree_drop(tr, i);
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
			pyout_tasks_close(&p->tasks);
			p->reopen_until = now + TR_REOPEN_NS;
		}
		if (!p->walk && now <= p->reopen_until) {
			int r = py_walk_open(&p->walk, p->pid, err, sizeof err);
			if (r == -EPROTONOSUPPORT || r == -EPERM || r == -EACCES) {
				tr_warn(tr, p->pid, err);
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

void pyout_tree_look(pyout_tree_t *tr, int64_t now)
{
	if (tr->children < 0 || tr_discover_children(tr) == -ENOENT) {
		tr->children = -1;
		tr_discover(tr);
	}
	tr_check_exes(tr, now);
}

void pyout_tree_unread(pyout_proc_t *p)
{
	py_walk_free(p->walk);
	p->walk = NULL;
	p->exe_known = false;
}

size_t pyout_tree_count_walks(const pyout_tree_t *tr)
{
	size_t n = 0;
	for (size_t i = 0; i < tr->n_procs; i++)
		n += tr->procs[i].walk != NULL;
	return n;
}
