/* prof_work: a fixed amount of CPU work in a tree of processes, for the
 * profiler overhead bench (bench/profile.sh): the work is counted in loop
 * iterations, not in seconds, so the CPU seconds it costs do not depend on
 * how loaded the machine is.
 * Usage: prof_work PROCS CHUNKS ITERS SLEEP_MS
 *   PROCS processes (the parent is one of them), each doing CHUNKS chunks
 *   of ITERS iterations with SLEEP_MS of sleep after each chunk. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) static unsigned long work_chunk(long iters)
{
	volatile unsigned long x = 1;
	for (long i = 0; i < iters; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

static void worker(long chunks, long iters, long sleep_ms)
{
	struct timespec ts = { sleep_ms / 1000, (sleep_ms % 1000) * 1000000L };
	for (long c = 0; c < chunks; c++) {
		work_chunk(iters);
		if (sleep_ms > 0)
			nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: prof_work PROCS CHUNKS ITERS SLEEP_MS\n");
		return 2;
	}
	long procs = atol(argv[1]), chunks = atol(argv[2]), iters = atol(argv[3]);
	long sleep_ms = atol(argv[4]);
	for (long p = 1; p < procs; p++) {
		pid_t c = fork();
		if (c < 0) {
			perror("prof_work: fork");
			return 1;
		}
		if (c == 0) {
			worker(chunks, iters, sleep_ms);
			_exit(0);
		}
	}
	worker(chunks, iters, sleep_ms);
	int st;
	while (wait(&st) > 0)
		;
	return 0;
}
