/* ctl: the recorder's control socket ($TRACECAST_CTL), an event source.
 *
 * An AF_UNIX stream socket "ctl.sock" in a private mkdtemp folder (mode
 * 0700) under $TMPDIR (or /tmp). Any program in the recorded session may
 * connect and send one JSON object a line:
 *     {"code":"m","data":"label"}
 *     {"code":"p","data":"{...}","time":123456789}
 *     {"sampler_tid":TID}
 * code: "m" (marker) or "p" (profile sample) only; data: a string;
 * time: optional CLOCK_MONOTONIC ns (integer; a time in the future is taken
 * as now). Anything else (bad JSON, another code, missing data, a line over
 * CTL_LINE_MAX bytes) is dropped and counted; the recorder goes on. A
 * {"sampler_tid":TID} line (the only key) names a profiler's own thread
 * (the in-process python sampler's): it is handed to the callback set by
 * ctl_source_on_sampler_tid (the strace source then drops that thread's
 * lines) and makes no event. At most
 * CTL_CLIENTS connections at once (more are refused: closed at once).
 *
 * Limits, so that no client can flood the recording or hold the loop: each
 * wake-up reads at most CTL_READ_BUDGET bytes of a client and
 * CTL_WAKE_BUDGET of all (the rest waits for the next one; a client left
 * unread when the budget ran out is read first next time), and all clients together are held to CTL_RATE lines
 * and CTL_RATE_BYTES bytes a second (bursts of CTL_RATE_BURST lines and
 * one second of bytes): lines past that are dropped and counted (ctl_source_limited; `rec` says how many at the end). The python
 * sampler sends 100 lines a second per thread: far below.
 *
 * With batching on (ctl_source_batch: the recorder has a reorder window),
 * a client that sends lines with a "time" (the python sampler: 100 samples
 * a second per thread, sent every REC_BATCH_NS) is taken out of the poll
 * set after its first such read and read on the batch grid instead
 * (REC_BATCH_NS, rec_source.h), all such clients together: their sends
 * never wake the recorder. Lines without a time (`tracecast mark`) are read
 * as they come, and stamped then.
 *
 * The source's prepare hook sets TRACECAST_CTL in the child's environment;
 * finish accepts and reads whatever is still queued, so a client that
 * wrote its line before the session ended is never lost. */
#ifndef TRACECAST_CTL_H
#define TRACECAST_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "rec_notice.h"
#include "rec_source.h"

#define CTL_LINE_MAX 65536
#define CTL_CLIENTS 64
#define CTL_READ_BUDGET (128u * 1024)    /* bytes per client and wake-up */
#define CTL_WAKE_BUDGET (256u * 1024)    /* bytes of all clients a wake-up */
#define CTL_FINISH_BUDGET (4u << 20)     /* bytes per client at the end */
#define CTL_RATE 20000                   /* lines a second, all clients */
#define CTL_RATE_BURST 20000
#define CTL_RATE_BYTES (4u << 20)        /* bytes a second (and burst) */

/* Create the folder (tc_tmpdir: $TMPDIR, or /tmp when the socket's path
 * would not fit) and the listening socket; fill *src (name "ctl").
 * Returns 0 or -errno (the reason added to notes). */
int ctl_source_new(rec_source_t *src, rec_notes_t *notes);

/* Where {"sampler_tid":TID} lines go (fn may be NULL: ignored). */
typedef void (*ctl_tid_fn)(void *user, long tid);
void ctl_source_on_sampler_tid(rec_source_t *src, ctl_tid_fn fn, void *user);

/* Batch mode for clients of stamped lines on or off (default off: without
 * a reorder window their lines must be read at once to keep their times). */
void ctl_source_batch(rec_source_t *src, bool on);

/* The socket's path (valid until src->free). */
const char *ctl_source_path(const rec_source_t *src);

/* Lines accepted and lines dropped so far. */
unsigned long ctl_source_accepted(const rec_source_t *src);
unsigned long ctl_source_dropped(const rec_source_t *src);
/* Lines dropped by the rate limit so far. */
unsigned long ctl_source_limited(const rec_source_t *src);

/* Client: send one event to the socket at path. data may be NULL (""),
 * time_ns 0 means "let the recorder stamp it". Returns 0 or -errno. */
int ctl_send(const char *path, const char *code, const char *data, int64_t time_ns);

#endif
