/* prof_perf_target: spends its busy phase in one known function.
 *
 * main -> run_phases -> busy_loop (SECS seconds of this process's CPU
 * time, default 1: the same number of samples however loaded the machine
 * is), then a short idle tail. Built with frame pointers (tests/progs rule), so
 * perf's user callchains reach main. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) unsigned long busy_loop(double secs);
__attribute__((noinline)) unsigned long busy_loop(double secs)
{
	volatile unsigned long x = 0;
	double end = cpu_s() + secs;
	while (cpu_s() < end)
		for (int i = 0; i < 200000; i++)
			x += (unsigned long)i ^ (x >> 3);
	return x;
}

__attribute__((noinline)) int run_phases(double secs);
__attribute__((noinline)) int run_phases(double secs)
{
	printf("busy start\n");
	fflush(stdout);
	unsigned long v = busy_loop(secs);
	printf("busy end %lu\n", v & 1);
	fflush(stdout);
	usleep(100000);
	return 0;
}

int main(int argc, char **argv)
{
	return run_phases(argc > 1 ? atof(argv[1]) : 1.0);
}
