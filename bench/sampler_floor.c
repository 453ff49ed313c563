/* sampler_floor: the raw limit of a 100 Hz sampler that reads Python
 * processes from outside, for bench/profile.sh.
 *
 * usage: sampler_floor HZ CMD [ARG...]
 *
 * Runs CMD and, HZ times a second on the CLOCK_MONOTONIC grid (woken by
 * poll(), as the recorder is), makes for each python* process of its tree
 * the least any outside sampler must: one 8-byte process_vm_readv of the
 * process, and one pread of each of its threads' schedstat (has it run
 * since?). No stack is read, nothing is written. SF_LEVEL=0 wakes only
 * (no scans either),
 * 1 adds the process reads, 2 (the default) the thread reads too. The tree is followed
 * through /proc/PID/task/TID/children four times a second. At exit it
 * prints its own CPU time on stderr ("sampler_floor: cpu_ms=X ticks=N
 * proc_reads=P thread_reads=T") and exits with CMD's status. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SF_MAX_PROCS 64
#define SF_MAX_THREADS 64
#define SF_SCAN_NS 250000000LL

typedef struct sf_proc {
	pid_t pid;
	int python;               /* 1 python*, 0 not, -1 not looked at yet */
	char exe[64];             /* its executable when last looked at */
	uint64_t addr;            /* a mapped address (its first mapping) */
	int fd[SF_MAX_THREADS];   /* its threads' schedstat */
	long tid[SF_MAX_THREADS]; /* whose */
	size_t nfd;
} sf_proc_t;

static int64_t sf_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static sf_proc_t *sf_find(sf_proc_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == pid)
			return &v[i];
	return NULL;
}

/* Look at a process's executable: python* or not, and (when it changed)
 * its first mapping. */
static void sf_look(sf_proc_t *p)
{
	char path[64], exe[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)p->pid);
	ssize_t n = readlink(path, exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (p->python >= 0 && strcmp(exe, p->exe) == 0)
		return; /* no exec since */
	memcpy(p->exe, exe, (size_t)n + 1);
	const char *base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	p->python = strncmp(base, "python", 6) == 0;
	if (!p->python)
		return;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)p->pid);
	FILE *f = fopen(path, "r");
	unsigned long long a = 0;
	if (f && fscanf(f, "%llx", &a) == 1)
		p->addr = a;
	if (f)
		fclose(f);
}

/* The threads of a python process: each one's schedstat opened once,
 * closed when it is gone. */
static void sf_threads(sf_proc_t *p)
{
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task", (int)p->pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	bool seen[SF_MAX_THREADS] = { false };
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		long tid = strtol(e->d_name, NULL, 10);
		size_t j = 0;
		while (j < p->nfd && p->tid[j] != tid)
			j++;
		if (j == p->nfd && p->nfd < SF_MAX_THREADS) {
			snprintf(path, sizeof path, "/proc/%d/task/%ld/schedstat", (int)p->pid, tid);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			p->fd[p->nfd] = fd;
			p->tid[p->nfd++] = tid;
		}
		if (j < p->nfd)
			seen[j] = true;
	}
	closedir(d);
	for (size_t j = p->nfd; j-- > 0;) {
		if (seen[j])
			continue;
		close(p->fd[j]);
		p->fd[j] = p->fd[--p->nfd];
		p->tid[j] = p->tid[p->nfd];
		seen[j] = seen[p->nfd];
	}
}

/* Follow the tree from root: children of every thread of every process. */
static void sf_scan(sf_proc_t *v, size_t *n, pid_t root)
{
	if (!sf_find(v, *n, root) && *n < SF_MAX_PROCS)
		v[(*n)++] = (sf_proc_t){ .pid = root, .python = -1 };
	for (size_t i = 0; i < *n; i++) {
		char path[96], buf[4096];
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)v[i].pid, (int)v[i].pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
		if (fd >= 0)
			close(fd);
		if (got > 0) {
			buf[got] = '\0';
			for (char *s = buf, *end; *s; s = end) {
				long c = strtol(s, &end, 10);
				if (end == s)
					break;
				if (c > 0 && !sf_find(v, *n, (pid_t)c) && *n < SF_MAX_PROCS)
					v[(*n)++] = (sf_proc_t){ .pid = (pid_t)c, .python = -1 };
			}
		}
		sf_look(&v[i]); /* again: it may have exec'd */
		if (v[i].python == 1)
			sf_threads(&v[i]);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: sampler_floor HZ CMD [ARG...]\n");
		return 2;
	}
	int64_t period = 1000000000LL / atoi(argv[1]);
	const char *lv = getenv("SF_LEVEL");
	int level = lv ? atoi(lv) : 2;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	static sf_proc_t procs[SF_MAX_PROCS];
	size_t n = 0;
	unsigned long ticks = 0, preads = 0, treads = 0;
	int64_t next = sf_now() / period * period + period, next_scan = 0;
	char buf[128];
	for (;;) {
		int64_t now = sf_now();
		if (now >= next_scan && level >= 1) {
			sf_scan(procs, &n, child);
			next_scan = now + SF_SCAN_NS;
		}
		if (now >= next) {
			ticks++;
			for (size_t i = 0; i < n; i++) {
				sf_proc_t *p = &procs[i];
				if (p->python != 1 || !p->addr || level < 1)
					continue;
				uint64_t word;
				struct iovec l = { &word, sizeof word };
				struct iovec r = { (void *)(uintptr_t)p->addr, sizeof word };
				process_vm_readv(p->pid, &l, 1, &r, 1, 0);
				preads++;
				for (size_t j = 0; level >= 2 && j < p->nfd; j++, treads++)
					(void)!pread(p->fd[j], buf, sizeof buf, 0);
			}
			next = now / period * period + period;
		}
		int64_t wait_ns = next - sf_now();
		struct pollfd pf = { .fd = pidfd, .events = POLLIN };
		int ms = wait_ns > 0 ? (int)((wait_ns + 999999) / 1000000) : 0;
		if (poll(&pf, 1, ms) > 0)
			break;
	}
	int status = 0;
	waitpid(child, &status, 0);
	struct timespec cpu;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	double ms = (double)cpu.tv_sec * 1e3 + (double)cpu.tv_nsec / 1e6;
	fprintf(stderr, "sampler_floor: cpu_ms=%.1f ticks=%lu proc_reads=%lu thread_reads=%lu\n",
		ms, ticks, preads, treads);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
