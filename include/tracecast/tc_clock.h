/* tc_clock: the clocks of a recording.
 *
 * Time 0 and every event time come from CLOCK_MONOTONIC. Foreign stamps in
 * CLOCK_REALTIME (strace's) are mapped with an offset measured as the
 * narrowest of several (mono, real, mono) brackets. */
#ifndef TRACECAST_TC_CLOCK_H
#define TRACECAST_TC_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC / CLOCK_REALTIME now, in nanoseconds. */
int64_t tc_clock_mono_ns(void);
int64_t tc_clock_real_ns(void);

/* realtime - monotonic, from the narrowest of `tries` brackets. If width is
 * not NULL it receives the narrowest bracket's width in ns (the error bound). */
int64_t tc_clock_offset_ns(int tries, int64_t *width);

#endif
