/* pty_drain: a terminal that is never slow, for bench/relay_pty.sh.
 *
 * Runs COMMAND on a new pty (80x24, its controlling terminal, as stdin,
 * stdout and stderr) and reads the master as fast as bytes come, until
 * EIO once the command and everything holding the pty are gone. Prints
 * "WALL_S CPU_S BYTES": wall seconds from the fork to the reap, user +
 * system seconds of the command's process tree (its waited-for
 * descendants included), bytes read from the master.
 * usage: pty_drain COMMAND [ARG...] */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct winsize ws = { .ws_col = 80, .ws_row = 24 };
	struct rusage ru;
	unsigned long long bytes = 0;
	int master, status = 0;
	double t0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: pty_drain COMMAND [ARG...]\n");
		return 2;
	}
	t0 = now_s();
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* EIO: no process has the pty open any more */
		bytes += (unsigned long long)n;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	double wall = now_s() - t0;
	getrusage(RUSAGE_CHILDREN, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	printf("%.3f %.3f %llu\n", wall, cpu, bytes);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
