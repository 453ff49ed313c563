/* reorder: the recorder's reorder window.
 *
 * Events from every source (pty, strace, profilers, control socket) come in
 * with their own CLOCK_MONOTONIC stamps, not quite in order: a strace line
 * reaches the recorder some time after the syscall it describes. The window
 * holds each event `window_ns` and hands events to the output callback in
 * time order once they are older than now - window_ns.
 *
 * An event older than the last one handed out is "late": its time is
 * clamped to that time (so output times never decrease) and counted.
 * With window_ns == 0 nothing is held or copied: each event goes straight
 * to the output (the pty-only hot path). The held data is bounded by
 * max_bytes: past it the oldest events go out early (later events that
 * would have sorted before them become late). */
#ifndef TRACECAST_REORDER_H
#define TRACECAST_REORDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct reorder reorder_t;

/* Where ordered events go. Returns 0 or -errno (reported back by the
 * reorder call that handed the event out; the event is not retried). */
typedef int (*reorder_out_fn)(void *user, int64_t time_ns, const char *code,
			      const char *data, size_t len);

/* New window. max_bytes 0 means the default (4 MiB). Returns 0 or -ENOMEM. */
int reorder_new(reorder_t **out, int64_t window_ns, size_t max_bytes,
		reorder_out_fn fn, void *user);

/* Add an event (code: up to 7 bytes, NUL-terminated; data copied when
 * held). Returns 0, -ENOMEM, or the first error of the output callback. */
int reorder_push(reorder_t *r, int64_t time_ns, const char *code,
		 const char *data, size_t len);

/* Hand out every held event with time <= now_ns - window. Returns 0 or the
 * first error of the output. */
int reorder_drain(reorder_t *r, int64_t now_ns);

/* When the oldest held event falls due (its time + window), or INT64_MAX
 * when nothing is held. */
int64_t reorder_deadline(const reorder_t *r);

/* Hand out everything held, in order (end of the session). */
int reorder_flush(reorder_t *r);

/* Events clamped because they came later than the window. */
unsigned long reorder_late(const reorder_t *r);

/* The largest lateness among them: how far (ns) before the last time
 * handed out the latest-arriving event was stamped; 0 when none. */
int64_t reorder_max_late(const reorder_t *r);

/* Events and bytes held now. */
size_t reorder_held(const reorder_t *r);
size_t reorder_held_bytes(const reorder_t *r);

/* Free (held events are dropped: call reorder_flush first). NULL: no-op. */
void reorder_free(reorder_t *r);

#endif
