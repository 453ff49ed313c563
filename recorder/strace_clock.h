/* strace_clock: map strace's CLOCK_REALTIME stamps onto CLOCK_MONOTONIC.
 *
 * Keeps the last STRACE_CLOCK_SAMPLES (mono, real - mono) measurements
 * (tc_clock_offset_ns brackets, one a second) and maps a stamp with the
 * sample whose realtime instant is nearest to it, so a step of the
 * realtime clock moves only the stamps taken after it. */
#ifndef TRACECAST_STRACE_CLOCK_H
#define TRACECAST_STRACE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define STRACE_CLOCK_SAMPLES 16

typedef struct strace_clock {
	int64_t mono[STRACE_CLOCK_SAMPLES];
	int64_t off[STRACE_CLOCK_SAMPLES];
	size_t n;     /* samples held */
	size_t next;  /* slot the next sample goes to */
} strace_clock_t;

void strace_clock_init(strace_clock_t *c);

/* Record one measurement: at mono_ns, realtime was mono_ns + offset_ns. */
void strace_clock_add(strace_clock_t *c, int64_t mono_ns, int64_t offset_ns);

/* Measure now (the narrowest of 5 brackets) and record it. */
void strace_clock_measure(strace_clock_t *c);

/* The monotonic time of a realtime stamp (real_ns itself when no sample). */
int64_t strace_clock_map(strace_clock_t *c, int64_t real_ns);

#endif
