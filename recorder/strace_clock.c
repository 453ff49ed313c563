/* strace_clock: realtime stamps -> monotonic, nearest measured offset. */
#include "strace_clock.h"
#include "tracecast/tc_clock.h"

void strace_clock_init(strace_clock_t *c)
{
	c->n = 0;
	c->next = 0;
}

void strace_clock_add(strace_clock_t *c, int64_t mono_ns, int64_t offset_ns)
{
	c->mono[c->next] = mono_ns;
	c->off[c->next] = offset_ns;
	c->next = (c->next + 1) % STRACE_CLOCK_SAMPLES;
	if (c->n < STRACE_CLOCK_SAMPLES)
		c->n++;
}

void strace_clock_measure(strace_clock_t *c)
{
	int64_t off = tc_clock_offset_ns(5, NULL);
	strace_clock_add(c, tc_clock_mono_ns(), off);
}

/* Nearest in realtime: after a clock step, stamps from before the step sit
 * near the older samples' realtime instants and keep their offset. */
int64_t strace_clock_map(strace_clock_t *c, int64_t real_ns)
{
	if (c->n == 0)
		return real_ns;
	size_t best = 0;
	int64_t best_d = INT64_MAX;
	for (size_t i = 0; i < c->n; i++) {
		int64_t d = real_ns - (c->mono[i] + c->off[i]);
		if (d < 0)
			d = -d;
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return real_ns - c->off[best];
}
