/* waker_preload: the raw limit of an in-process 100 Hz sampler, for
 * bench/profile.sh. LD_PRELOADed into a recorded tree with TC_WAKER_HZ=N,
 * it starts, in every process whose name begins with "python", one thread
 * that does nothing but wake N times a second on the CLOCK_MONOTONIC grid
 * (as the python sampler does) and sleep again. What that costs is the
 * floor under any sampler that runs inside the process. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *waker_main(void *arg)
{
	long long p = (long long)(size_t)arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long next = ((long long)now.tv_sec * 1000000000LL + now.tv_nsec) / p * p + p;
	for (;;) {
		struct timespec t = { .tv_sec = next / 1000000000LL, .tv_nsec = next % 1000000000LL };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
			;
		next += p;
	}
	return NULL;
}

__attribute__((constructor)) static void waker_start(void)
{
	const char *hz = getenv("TC_WAKER_HZ");
	long n = hz ? strtol(hz, NULL, 10) : 0;
	if (n < 1 || n > 10000 || strncmp(program_invocation_short_name, "python", 6) != 0)
		return;
	sigset_t all, old;
	pthread_t t;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, waker_main, (void *)(size_t)(1000000000L / n)) == 0)
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
