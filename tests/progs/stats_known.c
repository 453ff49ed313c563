/* A workload with known syscalls for `tracecast stats` tests: N failing
 * openat (ENOENT), M nanosleep of MS milliseconds each (the raw syscall, not
 * glibc's clock_nanosleep), one fork whose child sleeps once more and exits,
 * and a wait for it. Usage: stats_known N M MS. Prints nothing. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	syscall(SYS_nanosleep, &ts, NULL);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	int m = argc > 2 ? atoi(argv[2]) : 3;
	long ms = argc > 3 ? atol(argv[3]) : 20;

	for (int i = 0; i < n; i++)
		syscall(SYS_openat, AT_FDCWD, "/nonexistent/tracecast-stats-known", O_RDONLY);
	for (int i = 0; i < m; i++)
		nap(ms);
	pid_t pid = fork();
	if (pid == 0) {
		nap(ms);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}
