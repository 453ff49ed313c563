/* strace_victim: a program doing known things for the --strace tests.
 *
 *   openat of a missing path (ENOENT);
 *   write(1, "UNIQUE-strace-victim-c0ffee\n") once;
 *   a forked child that exits 3;
 *   a thread blocked in read() on a pipe while the main thread writes to
 *     it after a pause (strace prints <unfinished ...> / <... resumed>;
 *     the main thread first waits until /proc shows the thread in read);
 *   a forked child killed by SIGSEGV (a real null write, no core file);
 *   a forked child that execs /bin/true.
 * Its terminal output is the same every run (no pids, no times). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pipefd[2];
static volatile pid_t reader_tid;

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(99);
}

static void *reader(void *arg)
{
	char buf[64];
	(void)arg;
	reader_tid = (pid_t)syscall(SYS_gettid);
	ssize_t n = read(pipefd[0], buf, sizeof(buf));
	return (void *)(intptr_t)n;
}

/* Fork a child running fn; return its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid < 0)
		exit(98);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			exit(97);
	return st;
}

/* Wait (up to 20 s) until the reader thread sits in read(): its
 * /proc/self/task/TID/syscall starts with the read syscall number. */
static void wait_reader_blocked(void)
{
	char path[64], buf[64], want[16];
	snprintf(want, sizeof(want), "%d ", (int)SYS_read);
	struct timespec step = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < 2000; i++) {
		if (reader_tid) {
			snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)reader_tid);
			int fd = open(path, O_RDONLY);
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
			if (fd >= 0)
				close(fd);
			if (n > 0 && strncmp(buf, want, strlen(want)) == 0)
				return;
		}
		nanosleep(&step, NULL);
	}
}

static void child_exit3(void)
{
	_exit(3);
}

static void child_segv(void)
{
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGSEGV, SIG_DFL);
	*(volatile int *)(intptr_t)0 = 1;
}

static void child_exec(void)
{
	execl("/bin/true", "true", (char *)NULL);
	_exit(127);
}

int main(void)
{
	say("victim: start\n");
	int fd = open("/nonexistent-tracecast-victim/missing.txt", O_RDONLY);
	if (fd >= 0 || errno != ENOENT)
		return 2;
	say("UNIQUE-strace-victim-c0ffee\n");

	int st = in_child(child_exit3);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return 3;
	say("victim: child exited 3\n");

	if (pipe(pipefd) < 0)
		return 4;
	pthread_t t;
	if (pthread_create(&t, NULL, reader, NULL) != 0)
		return 5;
	wait_reader_blocked();
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	if (write(pipefd[1], "ping", 4) != 4)
		return 6;
	void *got;
	pthread_join(t, &got);
	if ((intptr_t)got != 4)
		return 7;
	say("victim: thread read 4 bytes\n");

	st = in_child(child_segv);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
		return 8;
	say("victim: child killed by SIGSEGV\n");

	st = in_child(child_exec);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 9;
	say("victim: done\n");
	return 0;
}
