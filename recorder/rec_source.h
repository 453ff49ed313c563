/* rec_source: what an event source of the recorder looks like.
 *
 * The recorder's poll loop (recorder/rec_session.c) owns the pty and a list
 * of sources: the strace FIFO reader, the /proc sampler, the perf rings, the
 * control socket. Each source is a vtable plus its own state; every hook is
 * optional (NULL). Sources never write the file: they emit events into the
 * reorder window through rec_emit_t, stamped with CLOCK_MONOTONIC ns.
 *
 * Order of calls: prepare (before the fork: wrap argv, add env, open FIFOs)
 * -> started (child pid known) -> readable / tick, as often as due ->
 * child_exited -> finish (drain what is left) -> free. */
#ifndef TRACECAST_REC_SOURCE_H
#define TRACECAST_REC_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "tracecast/strv.h"

/* The batch grid: work that need not be done at once (reading the python
 * samplers' sends, writing the reorder window's due events, the writer's
 * flush, the proc sampler's ticks at 20 Hz) is done on multiples of
 * REC_BATCH_NS plus half of it, so it shares one wake-up of the loop. The python sampler sends on multiples of REC_BATCH_NS: a send
 * is read within 1.5 REC_BATCH_NS of its oldest sample, inside the default
 * 100 ms window. */
#define REC_BATCH_NS 50000000LL

/* The first point after t (ns) of the grid of multiples of period plus
 * REC_BATCH_NS / 2 (period REC_BATCH_NS: the batch grid itself). */
static inline int64_t rec_batch_next(int64_t t, int64_t period)
{
	const int64_t half = REC_BATCH_NS / 2;

	return t < half ? half : ((t - half) / period + 1) * period + half;
}

/* Where sources put their events. time_ns is absolute CLOCK_MONOTONIC; the
 * recorder subtracts time 0. code is one letter ("s", "p", "m"); data is
 * len bytes (made valid UTF-8 and redacted by the recorder). */
typedef struct rec_emit {
	void (*emit)(void *user, int64_t mono_ns, const char *code,
		     const char *data, size_t len);
	void *user;
} rec_emit_t;

/* What a source may change before the command is started. */
typedef struct rec_spawn {
	strv_t argv;     /* the command line to exec; a source may wrap it */
	strv_t env;      /* the child's environment (NAME=VALUE) */
	json_t *sources; /* header "tracecast.sources" object: add your entry */
} rec_spawn_t;

typedef struct rec_source {
	const char *name;   /* "strace", "proc", "perf", "python", "ctl" */
	void *self;
	/* Its events are stamped before they reach the loop (strace's lines,
	 * perf's rings, the python sampler's batches): the recorder then holds
	 * every event for the reorder window. Sources stamped by the loop
	 * itself (proc, ctl's marks) need no window. */
	bool late;
	/* Before the fork. Return 0, or -errno with a message already printed
	 * to stderr: the recording does not start. */
	int (*prepare)(void *self, rec_spawn_t *spawn);
	/* The command (pid = the recorded tree's root, inside the pty) runs. */
	void (*started)(void *self, pid_t pid, int64_t mono_ns);
	/* fd to poll for reading, or -1. Asked before every poll. */
	int (*poll_fd)(void *self);
	/* poll_fd() is readable (or hung up). Return 0, or -errno to drop the
	 * source (its fd is no longer polled). */
	int (*readable)(void *self, int64_t mono_ns, const rec_emit_t *out);
	/* Next time tick() is due (CLOCK_MONOTONIC ns), or INT64_MAX. */
	int64_t (*deadline)(void *self);
	void (*tick)(void *self, int64_t mono_ns, const rec_emit_t *out);
	/* The oldest time (CLOCK_MONOTONIC ns) of an event the source has
	 * seen but not emitted yet, or INT64_MAX: the reorder window writes
	 * nothing at or after it until then, so the event is in time when
	 * it comes (perf, while a library's symbols load off the loop). A
	 * source holds for a bounded time only (docs/FORMAT.md). */
	int64_t (*hold)(void *self);
	/* The root command exited with this wait status. */
	void (*child_exited)(void *self, int status, int64_t mono_ns);
	/* The session is over: emit what is left (read the FIFO to EOF, ...),
	 * detach from foreign processes. */
	void (*finish)(void *self, int64_t mono_ns, const rec_emit_t *out);
	void (*free)(void *self);
} rec_source_t;

#endif
