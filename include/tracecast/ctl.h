/* ctl: the recorder's control socket ($TRACECAST_CTL), an event source.
 *
 * An AF_UNIX stream socket "ctl.sock" in a private mkdtemp folder (mode
 * 0700) under $TMPDIR (or /tmp). Any program in the recorded session may
 * connect and send one JSON object a line:
 *     {"code":"m","data":"label"}
 *     {"code":"p","data":"{...}","time":123456789}
 * code: "m" (marker) or "p" (profile sample) only; data: a string;
 * time: optional CLOCK_MONOTONIC ns (integer; a time in the future is taken
 * as now). Anything else (bad JSON, another code, missing data, a line over
 * CTL_LINE_MAX bytes) is dropped and counted; the recorder goes on. At most
 * CTL_CLIENTS connections at once (more are refused: closed at once).
 *
 * The source's prepare hook sets TRACECAST_CTL in the child's environment;
 * finish accepts and reads whatever is still queued, so a client that
 * wrote its line before the session ended is never lost. */
#ifndef TRACECAST_CTL_H
#define TRACECAST_CTL_H

#include <stdint.h>

#include "tracecast/rec_source.h"

#define CTL_LINE_MAX 65536
#define CTL_CLIENTS 64

/* Create the folder and the listening socket; fill *src (name "ctl").
 * Returns 0 or -errno (message printed). */
int ctl_source_new(rec_source_t *src);

/* The socket's path (valid until src->free). */
const char *ctl_source_path(const rec_source_t *src);

/* Lines accepted and lines dropped so far. */
unsigned long ctl_source_accepted(const rec_source_t *src);
unsigned long ctl_source_dropped(const rec_source_t *src);

/* Client: send one event to the socket at path. data may be NULL (""),
 * time_ns 0 means "let the recorder stamp it". Returns 0 or -errno. */
int ctl_send(const char *path, const char *code, const char *data, int64_t time_ns);

#endif
