/* strace_poll: a poll of MS (default 300) ms between two marked syscalls,
 * for tests/e2e/strace_span.py. getppid() just before and getuid() just
 * after the poll mark it in the trace; the poll's real span is measured
 * here with CLOCK_REALTIME (the header's start_unix_ns maps it onto the
 * recording) and printed as "poll REAL_START_NS REAL_END_NS" after the
 * calls. Single-threaded: strace prints the poll as one line, when the
 * call returns. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int ms = argc > 1 ? atoi(argv[1]) : 300;
	long long t0, t1;

	(void)getppid();
	t0 = real_ns();
	poll(NULL, 0, ms);
	t1 = real_ns();
	(void)getuid();
	printf("poll %lld %lld\n", t0, t1);
	return 0;
}
