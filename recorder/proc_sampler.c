/* proc_sampler: CPU, memory, state and I/O of the recorded process tree,
 * read from /proc with fds kept open per process. */
#include "proc_sampler.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tracecast/jstr.h"
#include "profile_source.h"
#include "tracecast/utf8.h"

typedef struct proc_ent {
	pid_t pid;
	int fd_stat, fd_io, fd_wchan;
	int pidfd;                     /* this very process, -1 if refused */
	unsigned long long last_ticks; /* utime + stime at the last sample */
	int64_t last_ns;               /* CLOCK_MONOTONIC of the last sample */
	bool in_tree;                  /* seen in this walk */
} proc_ent_t;

/* What one read of /proc/PID/stat gives. */
typedef struct proc_stat {
	char comm[64];
	char state;
	pid_t ppid;
	unsigned long long ticks;      /* utime + stime */
	long threads;
	unsigned long long start_ticks;
	long long rss_pages;
} proc_stat_t;

struct proc_sampler {
	pid_t root;
	int root_fd;                   /* pidfd of the root, -1 if none */
	bool root_gone;                /* its pidfd said it exited */
	struct pollfd *pfd;            /* one poll over the tracked pidfds */
	size_t cap_pfd;
	proc_ent_t *ents;
	size_t n_ents, cap_ents;
	pid_t *foreign;                /* sorted pids known not to be ours */
	size_t n_foreign;
	pid_t *scan;                   /* this walk's pids of /proc */
	int fd_loadavg;                /* /proc/loadavg: the last pid handed out */
	long last_pid;                 /* as of the last walk; 0 before the first */
	long retry_pid;                /* probe again from here next walk; 0: no */
	size_t n_scan, cap_scan;
	char *buf;                     /* the JSON text */
	size_t len, cap;
	long clk_tck, page_kb;
	/* the root is a copy of the recorder until it execs: not shown */
	bool root_pre_exec;
	int64_t root_set_ns;
	dev_t self_dev;
	ino_t self_ino;
	/* the recorder source's schedule */
	int64_t period_ns, next_ns;
	unsigned hz;
};

/* Append printf output to the JSON buffer; -ENOMEM on failure. */
static int __attribute__((format(printf, 2, 3)))
ps_append(proc_sampler_t *ps, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(ps->buf + ps->len, ps->cap - ps->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < ps->cap - ps->len) {
			ps->len += (size_t)n;
			return 0;
		}
		size_t ncap = ps->cap * 2 + (size_t)n + 64;
		char *nb = realloc(ps->buf, ncap);
		if (!nb)
			return -ENOMEM;
		ps->buf = nb;
		ps->cap = ncap;
	}
}

int proc_sampler_new(proc_sampler_t **out)
{
	proc_sampler_t *ps = calloc(1, sizeof(*ps));
	*out = NULL;
	if (!ps)
		return -ENOMEM;
	ps->cap = 4096;
	ps->buf = malloc(ps->cap);
	if (!ps->buf) {
		free(ps);
		return -ENOMEM;
	}
	ps->root = -1;
	ps->root_fd = -1;
	ps->fd_loadavg = -1;
	ps->clk_tck = sysconf(_SC_CLK_TCK);
	if (ps->clk_tck <= 0)
		ps->clk_tck = 100;
	ps->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	if (ps->page_kb <= 0)
		ps->page_kb = 4;
	*out = ps;
	return 0;
}

static int64_t boottime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void ent_close(proc_ent_t *e)
{
	if (e->fd_stat >= 0)
		close(e->fd_stat);
	if (e->fd_io >= 0)
		close(e->fd_io);
	if (e->fd_wchan >= 0)
		close(e->fd_wchan);
	if (e->pidfd >= 0)
		close(e->pidfd);
	e->fd_stat = e->fd_io = e->fd_wchan = e->pidfd = -1;
}

/* Has the process held by pidfd exited (or been reaped)? A pidfd is
 * readable from then on; the pid it had may be someone else's now. */
static bool pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return pidfd >= 0 && poll(&p, 1, 0) > 0;
}

/* Is the root still the process we were given? Once its pidfd says it
 * exited, its pid names nobody of ours (it may be reused). */
static bool ps_root_alive(proc_sampler_t *ps)
{
	if (ps->root <= 0 || ps->root_gone)
		return false;
	if (pidfd_exited(ps->root_fd))
		ps->root_gone = true;
	return !ps->root_gone;
}

static void ps_forget_all(proc_sampler_t *ps)
{
	for (size_t i = 0; i < ps->n_ents; i++)
		ent_close(&ps->ents[i]);
	ps->n_ents = 0;
	free(ps->foreign);
	ps->foreign = NULL;
	ps->n_foreign = 0;
	ps->last_pid = 0; /* the next walk is a full one */
}

void proc_sampler_set_root(proc_sampler_t *ps, pid_t root)
{
	ps_forget_all(ps);
	if (ps->root_fd >= 0)
		close(ps->root_fd);
	ps->root = root;
	ps->root_fd = root > 0 ? pidfd_open(root, 0) : -1;
	/* no such process: nothing to sample; refused (an old kernel): the
	 * pid alone, as before pidfds */
	ps->root_gone = root <= 0 || (ps->root_fd < 0 && errno == ESRCH);
	ps->root_pre_exec = false;
}

/* The root was just forked by the recorder: hide it until it execs. */
static void ps_watch_exec(proc_sampler_t *ps)
{
	struct stat st;
	ps->root_pre_exec = stat("/proc/self/exe", &st) == 0;
	ps->self_dev = st.st_dev;
	ps->self_ino = st.st_ino;
	ps->root_set_ns = boottime_ns();
}

/* Is the root still the recorder's own image (forked, not exec'd yet)? */
static bool ps_root_pre_exec(proc_sampler_t *ps)
{
	char path[64];
	struct stat st;
	if (!ps->root_pre_exec)
		return false;
	if (boottime_ns() - ps->root_set_ns > 1000000000) {
		/* a root still running our binary after 1 s is a nested tracecast */
		ps->root_pre_exec = false;
		return false;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)ps->root);
	if (stat(path, &st) == 0 && st.st_dev == ps->self_dev && st.st_ino == ps->self_ino)
		return true;
	ps->root_pre_exec = false; /* exec'd (or gone): never look again */
	return false;
}

void proc_sampler_free(proc_sampler_t *ps)
{
	if (!ps)
		return;
	ps_forget_all(ps);
	if (ps->fd_loadavg >= 0)
		close(ps->fd_loadavg);
	if (ps->root_fd >= 0)
		close(ps->root_fd);
	free(ps->pfd);
	free(ps->ents);
	free(ps->scan);
	free(ps->buf);
	free(ps);
}

/* pread a whole small /proc file at offset 0; returns bytes or -errno. */
static ssize_t read_at0(int fd, char *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* Parse /proc/PID/stat text (comm may hold spaces and ')'). */
static int parse_stat(const char *s, proc_stat_t *st)
{
	const char *lp = strchr(s, '(');
	const char *rp = strrchr(s, ')');
	if (!lp || !rp || rp < lp)
		return -EINVAL;
	size_t cl = (size_t)(rp - lp - 1);
	if (cl >= sizeof(st->comm))
		cl = sizeof(st->comm) - 1;
	memcpy(st->comm, lp + 1, cl);
	st->comm[cl] = '\0';
	/* fields from 3 (state) on, space separated */
	const char *p = rp + 1;
	unsigned long long f[25] = {0};
	char state = '?';
	int field = 2;
	while (*p && field < 24) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		field++;
		if (field == 3) {
			state = *p;
			while (*p && *p != ' ')
				p++;
			continue;
		}
		char *end;
		long long v = strtoll(p, &end, 10);
		f[field] = (unsigned long long)v;
		p = end;
		while (*p && *p != ' ')
			p++;
	}
	if (field < 24)
		return -EINVAL;
	st->state = state;
	st->ppid = (pid_t)f[4];
	st->ticks = f[14] + f[15];
	st->threads = (long)f[20];
	st->start_ticks = f[22];
	st->rss_pages = (long long)f[24];
	return 0;
}

/* Read the ppid of a process we do not track (open, read, close). */
static int stat_once(pid_t pid, proc_stat_t *st)
{
	char path[64], buf[1024];
	/* *st is defined on every path: no caller can read an unset field
	 * (gcc's -Wmaybe-uninitialized flagged the st.ppid use) */
	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read_at0(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return (int)n;
	return parse_stat(buf, st);
}

static proc_ent_t *ps_find(proc_sampler_t *ps, pid_t pid)
{
	for (size_t i = 0; i < ps->n_ents; i++)
		if (ps->ents[i].pid == pid)
			return &ps->ents[i];
	return NULL;
}

/* Start tracking pid: open its files. NULL if it is gone or on ENOMEM. */
static proc_ent_t *ps_track(proc_sampler_t *ps, pid_t pid)
{
	char path[64];
	if (ps->n_ents == ps->cap_ents) {
		size_t nc = ps->cap_ents ? ps->cap_ents * 2 : 16;
		proc_ent_t *ne = realloc(ps->ents, nc * sizeof(*ne));
		if (!ne)
			return NULL;
		ps->ents = ne;
		ps->cap_ents = nc;
	}
	proc_ent_t *e = &ps->ents[ps->n_ents];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->last_ns = -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	e->pidfd = e->fd_io = e->fd_wchan = -1;
	/* the pidfd first: the files opened after it are of the same process
	 * as long as it has not exited */
	e->pidfd = pidfd_open(pid, 0);
	if (e->pidfd < 0 && errno == ESRCH)
		return NULL;
	e->fd_stat = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd_stat < 0) {
		ent_close(e);
		return NULL;
	}
	/* io and wchan may be refused (another user's process): optional */
	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	e->fd_io = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/wchan", (int)pid);
	e->fd_wchan = open(path, O_RDONLY | O_CLOEXEC);
	ps->n_ents++;
	return e;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static bool ps_is_foreign(const proc_sampler_t *ps, pid_t pid)
{
	return ps->n_foreign &&
	       bsearch(&pid, ps->foreign, ps->n_foreign, sizeof(pid_t), cmp_pid);
}

/* List the pids of /proc into ps->scan (sorted). */
static int ps_scan_proc(proc_sampler_t *ps)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	ps->n_scan = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long v = strtol(de->d_name, &end, 10);
		if (*end || v <= 0 || v > INT_MAX)
			continue;
		if (ps->n_scan == ps->cap_scan) {
			size_t nc = ps->cap_scan ? ps->cap_scan * 2 : 256;
			pid_t *ns = realloc(ps->scan, nc * sizeof(*ns));
			if (!ns) {
				closedir(d);
				return -ENOMEM;
			}
			ps->scan = ns;
			ps->cap_scan = nc;
		}
		ps->scan[ps->n_scan++] = (pid_t)v;
	}
	closedir(d);
	qsort(ps->scan, ps->n_scan, sizeof(pid_t), cmp_pid);
	return 0;
}

/* Is pid a process (thread group leader), not another thread's id? */
static bool ps_is_leader(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read_at0(fd, buf, sizeof(buf));
	close(fd);
	const char *t = n > 0 ? strstr(buf, "\nTgid:") : NULL;
	return t && strtol(t + 6, NULL, 10) == (long)pid;
}

/* Track the new pids whose parent is in the tree (or that are the root),
 * until nothing changes; clear the adopted ones (set to -1). check_tgid:
 * the pids may be thread ids (probed by number, not listed by /proc). */
static void ps_adopt(proc_sampler_t *ps, pid_t *newp, const pid_t *newpp, size_t n_new,
		     bool check_tgid)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n_new; i++) {
			if (newp[i] < 0)
				continue;
			proc_ent_t *parent = ps_find(ps, newpp[i]);
			/* the root only while it lives, and a parent only while
			 * its pidfd says it is the process we tracked: a reused
			 * pid's process and its children are not ours */
			if ((newp[i] == ps->root && ps_root_alive(ps)) ||
			    (parent && !pidfd_exited(parent->pidfd))) {
				if ((!check_tgid || ps_is_leader(newp[i])) && ps_track(ps, newp[i]))
					changed = true;
				newp[i] = -1;
			}
		}
	}
}

/* The full walk: list /proc; tracked ones stay, new pids whose parent is
 * in the tree join it; the others are remembered as foreign (pids that
 * left /proc are forgotten, so a reused pid is looked at again). */
static int ps_walk_full(proc_sampler_t *ps)
{
	int r = ps_scan_proc(ps);
	if (r < 0)
		return r;
	pid_t *nf = malloc((ps->n_scan + 1) * sizeof(pid_t));
	pid_t *newp = calloc((ps->n_scan + 1) * 2, sizeof(pid_t));
	if (!nf || !newp) {
		free(nf);
		free(newp);
		return -ENOMEM;
	}
	size_t n_nf = 0, n_new = 0;
	pid_t *newpp = newp + ps->n_scan + 1; /* their ppids */
	for (size_t i = 0; i < ps->n_scan; i++) {
		pid_t pid = ps->scan[i];
		if (ps_find(ps, pid))
			continue;
		if (ps_is_foreign(ps, pid)) {
			nf[n_nf++] = pid;
			continue;
		}
		proc_stat_t st;
		if (stat_once(pid, &st) < 0)
			continue; /* gone already */
		newp[n_new] = pid;
		newpp[n_new++] = pid == ps->root ? 0 : st.ppid;
	}
	ps_adopt(ps, newp, newpp, n_new, false);
	for (size_t i = 0; i < n_new; i++)
		if (newp[i] > 0)
			nf[n_nf++] = newp[i];
	qsort(nf, n_nf, sizeof(pid_t), cmp_pid);
	free(ps->foreign);
	ps->foreign = nf;
	ps->n_foreign = n_nf;
	free(newp);
	return 0;
}

/* The last pid handed out in our pid namespace (/proc/loadavg's last
 * field), or -1. */
static long ps_last_pid(proc_sampler_t *ps)
{
	char buf[128];
	if (ps->fd_loadavg < 0)
		ps->fd_loadavg = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	if (ps->fd_loadavg < 0 || read_at0(ps->fd_loadavg, buf, sizeof(buf)) <= 0)
		return -1;
	const char *sp = strrchr(buf, ' ');
	return sp ? strtol(sp + 1, NULL, 10) : -1;
}

/* Find new processes of the tree. Listing /proc costs ~100-300 us here, a
 * tick's reads of 10 processes ~100 us; so only the first walk lists it:
 * pids are handed out in increasing order, so the pids created since the
 * last walk are (last, now] of /proc/loadavg's last pid, probed one by
 * one (usually none). A wrap or a burst of more than PS_PROBE_MAX new pids
 * falls back to the full walk. */
#define PS_PROBE_MAX 256
#define PS_RETRY_BACK 8
static int ps_walk(proc_sampler_t *ps)
{
	long last = ps_last_pid(ps);
	long prev = ps->last_pid, lo = prev;
	/* A pid is handed out (and counted in /proc/loadavg) a moment before
	 * its process shows in /proc: a pid not there yet is probed once more
	 * at the next walk, not taken for gone (else the command, and all of
	 * the tree under it, could be missed for good). */
	if (ps->retry_pid > 0 && ps->retry_pid <= prev)
		lo = ps->retry_pid - 1;
	ps->retry_pid = 0;
	ps->last_pid = last;
	if (prev <= 0 || last < prev || last - lo > PS_PROBE_MAX) {
		int r = ps_walk_full(ps);
		/* the same for a listing: the newest pids are probed again */
		ps->retry_pid = last > PS_RETRY_BACK ? last - PS_RETRY_BACK + 1 : 1;
		return r;
	}
	pid_t newp[PS_PROBE_MAX], newpp[PS_PROBE_MAX];
	size_t n_new = 0;
	for (long pid = lo + 1; pid <= last; pid++) {
		proc_stat_t st;
		if (ps_find(ps, (pid_t)pid))
			continue; /* tracked */
		if (stat_once((pid_t)pid, &st) < 0) {
			if (pid > prev && !ps->retry_pid)
				ps->retry_pid = pid; /* not there yet, or gone */
			continue;
		}
		newp[n_new] = (pid_t)pid;
		newpp[n_new++] = (pid_t)pid == ps->root ? 0 : st.ppid;
	}
	ps_adopt(ps, newp, newpp, n_new, true);
	return 0;
}

/* Append comm as a JSON string (invalid UTF-8 repaired). */
static int ps_append_str(proc_sampler_t *ps, const char *s)
{
	char fixed[UTF8_REPAIR_MAX(64)], esc[JSTR_ESCAPE_MAX(UTF8_REPAIR_MAX(64))];
	size_t n = strlen(s);
	if (n > 64)
		n = 64;
	utf8_carry_t c;
	utf8_carry_init(&c);
	size_t fl = utf8_repair(&c, s, n, fixed, true);
	size_t el = jstr_escape(esc, fixed, fl);
	return ps_append(ps, "\"%.*s\"", (int)el, esc);
}

/* What ps_sample_one found. */
enum { PS_GONE = 0, PS_SHOWN = 1, PS_HIDDEN = 2 };

/* Sample one tracked process into the buffer. Returns PS_SHOWN if written,
 * PS_HIDDEN if alive but not shown (strace, or a process before its exec:
 * still tracked, so its exec and its children are seen), PS_GONE if it is
 * gone, -errno on ENOMEM. */
static int ps_sample_one(proc_sampler_t *ps, proc_ent_t *e, int64_t mono_ns,
			 bool first)
{
	char buf[1024];
	proc_stat_t st;
	if (read_at0(e->fd_stat, buf, sizeof(buf)) <= 0 || parse_stat(buf, &st) < 0)
		return PS_GONE;
	double cpu = 0;
	int64_t tick_ns = 1000000000 / ps->clk_tck;
	if (e->last_ns >= 0 && mono_ns > e->last_ns) {
		cpu = (double)(st.ticks - e->last_ticks) * (double)tick_ns /
		      (double)(mono_ns - e->last_ns);
	} else if (e->last_ns < 0) {
		int64_t age = boottime_ns() - (int64_t)st.start_ticks * tick_ns;
		if (age > 0)
			cpu = (double)st.ticks * (double)tick_ns / (double)age;
	}
	if (cpu < 0)
		cpu = 0;
	e->last_ticks = st.ticks;
	e->last_ns = mono_ns;
	if (e->pid == ps->root && (strcmp(st.comm, "strace") == 0 || ps_root_pre_exec(ps)))
		return PS_HIDDEN; /* --strace wraps the command, or not exec'd yet */
	if (st.ppid == ps->root && strcmp(st.comm, "strace") == 0)
		return PS_HIDDEN; /* strace's child before it execs the command
				   * (kept: it becomes the command) */

	unsigned long long rchar = 0, wchar = 0;
	if (e->fd_io >= 0 && read_at0(e->fd_io, buf, sizeof(buf)) > 0) {
		const char *p = strstr(buf, "rchar:");
		if (p)
			rchar = strtoull(p + 6, NULL, 10);
		p = strstr(buf, "wchar:");
		if (p)
			wchar = strtoull(p + 6, NULL, 10);
	}
	/* A running task has no wait channel (the kernel prints "0"): one
	 * read saved per busy process and tick. */
	char wchan[128] = "";
	if (st.state != 'R' && e->fd_wchan >= 0 &&
	    read_at0(e->fd_wchan, wchan, sizeof(wchan)) > 0) {
		wchan[strcspn(wchan, "\n")] = '\0';
		if (strcmp(wchan, "0") == 0)
			wchan[0] = '\0';
	} else {
		wchan[0] = '\0';
	}
	int r = ps_append(ps, "%s{\"pid\":%d,\"ppid\":%d,\"comm\":", first ? "" : ",",
			  (int)e->pid, (int)st.ppid);
	if (!r)
		r = ps_append_str(ps, st.comm);
	if (!r)
		r = ps_append(ps, ",\"cpu\":%.3f,\"rss_kb\":%lld,\"state\":\"%c\",\"wchan\":",
			      cpu, st.rss_pages * ps->page_kb,
			      ((st.state >= 'A' && st.state <= 'Z') ||
			       (st.state >= 'a' && st.state <= 'z')) ? st.state : '?');
	if (!r)
		r = ps_append_str(ps, wchan);
	if (!r)
		r = ps_append(ps, ",\"threads\":%ld,\"read_kb\":%llu,\"write_kb\":%llu}",
			      st.threads, rchar / 1024, wchar / 1024);
	return r < 0 ? r : PS_SHOWN;
}

/* One poll over the tracked processes' pidfds: ps->pfd[i].revents is set
 * for those that exited. 0 or -ENOMEM. */
static int ps_check_exits(proc_sampler_t *ps)
{
	if (ps->n_ents > ps->cap_pfd) {
		struct pollfd *np = realloc(ps->pfd, ps->cap_ents * sizeof(*np));
		if (!np)
			return -ENOMEM;
		ps->pfd = np;
		ps->cap_pfd = ps->cap_ents;
	}
	for (size_t i = 0; i < ps->n_ents; i++)
		ps->pfd[i] = (struct pollfd){ .fd = ps->ents[i].pidfd, .events = POLLIN };
	if (ps->n_ents && poll(ps->pfd, ps->n_ents, 0) < 0)
		for (size_t i = 0; i < ps->n_ents; i++)
			ps->pfd[i].revents = 0; /* cannot tell: sample as before */
	for (size_t i = 0; i < ps->n_ents; i++)
		ps->pfd[i].revents &= POLLIN;
	return 0;
}

int proc_sampler_sample(proc_sampler_t *ps, int64_t mono_ns,
			const char **json, size_t *len)
{
	*json = NULL;
	*len = 0;
	if (ps->root <= 0)
		return 0;
	int r = ps_walk(ps);
	if (r < 0)
		return r;
	ps->len = 0;
	r = ps_append(ps, "{\"src\":\"proc\",\"procs\":[");
	if (r < 0)
		return r;
	r = ps_check_exits(ps);
	if (r < 0)
		return r;
	int count = 0;
	size_t keep = 0;
	for (size_t i = 0; i < ps->n_ents; i++) {
		proc_ent_t *e = &ps->ents[i];
		/* exited: its pid may be another's already, never sampled */
		r = ps->pfd[i].revents ? PS_GONE : ps_sample_one(ps, e, mono_ns, count == 0);
		if (r < 0)
			return r;
		bool alive = r != PS_GONE;
		if (r == PS_SHOWN)
			count++;
		if (alive)
			ps->ents[keep++] = *e;
		else
			ent_close(e);
	}
	ps->n_ents = keep;
	r = ps_append(ps, "]}");
	if (r < 0)
		return r;
	if (count == 0 && keep == 0)
		return 0;
	*json = ps->buf;
	*len = ps->len;
	return count;
}

/* --- the recorder source --- */

static int src_prepare(void *self, rec_spawn_t *spawn)
{
	proc_sampler_t *ps = self;
	return profile_source_note_rate(spawn->sources, "proc_hz", ps->hz);
}

static void src_started(void *self, pid_t pid, int64_t mono_ns)
{
	proc_sampler_t *ps = self;
	proc_sampler_set_root(ps, pid);
	ps_watch_exec(ps);
	ps->next_ns = mono_ns; /* the first sample right away */
}

static int64_t src_deadline(void *self)
{
	proc_sampler_t *ps = self;
	return ps->root > 0 ? ps->next_ns : INT64_MAX;
}

static void src_tick(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	proc_sampler_t *ps = self;
	if (ps->root <= 0 || mono_ns < ps->next_ns)
		return;
	/* Ticks on multiples of the period plus half the batch grid: at 20 Hz
	 * the batch grid itself (rec_source.h), so the writer's flush and the
	 * window's wake-ups share the tick's wake-up. */
	ps->next_ns = rec_batch_next(mono_ns, ps->period_ns);
	const char *json;
	size_t len;
	int r = proc_sampler_sample(ps, mono_ns, &json, &len);
	if (r > 0)
		out->emit(out->user, mono_ns, "p", json, len);
	else if (r == 0 && json == NULL && ps->n_ents == 0) {
		if (!ps_root_alive(ps))
			ps->root = -1; /* the whole tree is gone: stop sampling */
		else
			ps->last_pid = 0; /* not read this time: list /proc again */
	}
}

static void src_free(void *self)
{
	proc_sampler_free(self);
}

int proc_sampler_source_new(rec_source_t *src, unsigned hz)
{
	if (hz < 1 || hz > 1000)
		return -EINVAL;
	proc_sampler_t *ps;
	int r = proc_sampler_new(&ps);
	if (r < 0)
		return r;
	ps->hz = hz;
	ps->period_ns = 1000000000 / hz;
	memset(src, 0, sizeof(*src));
	src->name = "proc";
	src->self = ps;
	src->prepare = src_prepare;
	src->started = src_started;
	src->deadline = src_deadline;
	src->tick = src_tick;
	src->free = src_free;
	return 0;
}
