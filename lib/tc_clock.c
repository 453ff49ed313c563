/* tc_clock: monotonic and realtime clocks, and the offset between them. */
#include "tracecast/tc_clock.h"

#include <time.h>

static int64_t tc_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t tc_clock_mono_ns(void)
{
	return tc_clock_ns(CLOCK_MONOTONIC);
}

int64_t tc_clock_real_ns(void)
{
	return tc_clock_ns(CLOCK_REALTIME);
}

/* The realtime reading is taken between two monotonic ones; the narrowest
 * bracket bounds the error of real - midpoint(mono) best. */
int64_t tc_clock_offset_ns(int tries, int64_t *width)
{
	int64_t best_w = INT64_MAX, best_off = 0;

	if (tries < 1)
		tries = 1;
	for (int i = 0; i < tries; i++) {
		int64_t m1 = tc_clock_mono_ns();
		int64_t r = tc_clock_real_ns();
		int64_t m2 = tc_clock_mono_ns();
		int64_t w = m2 - m1;
		if (w < best_w) {
			best_w = w;
			best_off = r - (m1 + w / 2);
		}
	}
	if (width)
		*width = best_w;
	return best_off;
}
