/* perf_source: native stack samples of the recorded process tree.
 *
 * perf_event_open, software cpu-clock at HZ (frequency mode), user space
 * only, CLOCK_MONOTONIC stamps (use_clockid), inherited by every process
 * the command starts afterwards: one event and one mmap ring per CPU (the
 * kernel refuses inherit with a single ring for all CPUs). Samples carry
 * the user callchain (frame pointers) and are symbolised with elf_sym.h.
 * Emits per sample one "p" event stamped with the sample's own time:
 *   {"src":"perf","pid":..,"tid":..,"stack":"main;run;busy_loop"}
 * (folded, root first), and {"src":"perf","lost":N} when the kernel
 * reports N samples lost. */
#ifndef TRACECAST_PERF_SOURCE_H
#define TRACECAST_PERF_SOURCE_H

#include "rec_notice.h"
#include "rec_source.h"

/* Check that perf_event_open works here. Returns 0, or -errno (EACCES,
 * EPERM: refused by perf_event_paranoid or seccomp; ENOSYS, ENOENT: no
 * perf events in this kernel). */
int perf_source_probe(void);

/* Fill *src with the "perf" source at hz (1..10000). If perf_event_open
 * is refused here, adds ONE warning line to notes saying why and what
 * to change, and returns that -errno: the caller records without it.
 * -EINVAL for a bad hz, -ENOMEM. */
int perf_source_new(rec_source_t *src, unsigned hz, rec_notes_t *notes);

#endif
