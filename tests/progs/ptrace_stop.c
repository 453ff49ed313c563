/* ptrace_stop: a child held in a ptrace stop (the kernel's state 't', as a
 * process stopped by strace is) for MS ms (default 800), for
 * tests/e2e/prof_ptrace_state.py. The child asks to be traced and stops
 * itself; this parent, its tracer, leaves it stopped, then kills it. Prints
 * "stopped PID" once the child is in the stop, "done" at the end. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ms = argc > 1 ? atoi(argv[1]) : 800;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return 1;
	printf("stopped %d\n", (int)pid);
	fflush(stdout);
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("done\n");
	return 0;
}
