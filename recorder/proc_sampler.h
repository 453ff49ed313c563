/* proc_sampler: the /proc sampler of the recorded process tree.
 *
 * Each sample walks the tree under a root pid (the recorded command and all
 * its descendants, found through the ppid links in /proc/PID/stat; the
 * root itself is left out of the output while it is strace (--strace wraps
 * the command); the recorder source also hides it while it is still the
 * recorder's forked copy before its exec, for at most 1 s) and builds one
 * "p" event's JSON text:
 *   {"src":"proc","procs":[{"pid":..,"ppid":..,"comm":"..","cpu":0.93,
 *     "rss_kb":..,"state":"R","wchan":"..","threads":..,"read_kb":..,
 *     "write_kb":..}]}
 * cpu is the fraction of one core used since the previous sample (since
 * the process started for a new one); read_kb/write_kb are the totals
 * passed through read/write calls so far (rchar/wchar of /proc/PID/io).
 * /proc/PID/stat, io and wchan stay open per process and are read with
 * pread at offset 0. A process that vanishes mid-walk is quietly dropped.
 * The root and each tracked process are held by a pidfd: once it says the
 * process exited, it is dropped, and its pid (which may then be another
 * process's) is never sampled, adopted as the root, or taken as a parent
 * of the tree. */
#ifndef TRACECAST_PROC_SAMPLER_H
#define TRACECAST_PROC_SAMPLER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rec_source.h"

typedef struct proc_sampler proc_sampler_t;

/* A sampler without a root yet. Returns 0 and *out, or -ENOMEM. */
int proc_sampler_new(proc_sampler_t **out);

/* Set the root of the tree (forgets every process tracked so far). */
void proc_sampler_set_root(proc_sampler_t *ps, pid_t root);

/* Sample the tree now (mono_ns = CLOCK_MONOTONIC of the sample). On success
 * returns the number of processes in the sample (0: the tree is gone) and
 * points *json and *len at the event text, valid until the next call or
 * _free. Returns -errno if /proc cannot be read or on ENOMEM. */
int proc_sampler_sample(proc_sampler_t *ps, int64_t mono_ns,
			const char **json, size_t *len);

/* Close every fd and free. NULL is a no-op. */
void proc_sampler_free(proc_sampler_t *ps);

/* Fill *src with the "proc" recorder source sampling at hz (1..1000).
 * Returns 0, -EINVAL for a bad hz, or -ENOMEM. */
int proc_sampler_source_new(rec_source_t *src, unsigned hz);

#endif
