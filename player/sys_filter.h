/* sys_filter: which syscall lines the panel shows.
 *
 * One grammar for `play --filter`, the player's filter prompt (/) and
 * `dump --filter`: terms separated by spaces, all of which must hold,
 *
 *   name=N[,N...]    the syscall is one of these (poll,epoll_wait)
 *   tid=N[,N...]     the line's thread id is one of these
 *   pid=N[,N...]     the same (strace -f prints thread ids; a process's
 *                    main thread has its pid), or the pid of an attached
 *                    tracer's "@PID" line
 *   failed           the call failed (an errno, or a killed process)
 *   slow>D           the call took at least D (10ms, 1.5s, 200us, 5000ns;
 *                    a bare number is milliseconds)
 *
 * and, after them, an optional extended regular expression (POSIX ERE)
 * over the rest of the text, matched against the call as strace printed it
 * without its "TID " prefix: "^poll\(" is a poll call, "ENOENT" a failed
 * lookup. Everything from the first word that is not one of the terms
 * above is the expression, spaces included. An empty filter shows all. */
#ifndef TRACECAST_SYS_FILTER_H
#define TRACECAST_SYS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "timeline.h"

typedef struct sys_filter sys_filter_t;

/* Parse src. Returns 0 and *out (NULL for an empty filter: all lines), or
 * -EINVAL with a message in msg ("name=: expected a syscall name",
 * "'poll(': parentheses not balanced"), or -ENOMEM. */
int sys_filter_new(sys_filter_t **out, const char *src, char *msg, size_t msg_size);
void sys_filter_free(sys_filter_t *f);
/* True when line i of tl passes f (NULL passes everything). text is a
 * scratch buffer (the line is read back only when a regex needs it). */
bool sys_filter_match(const sys_filter_t *f, const timeline_t *tl, size_t i, sbuf_t *text);
/* True when f needs the line's text (a regex): matching is then a read. */
bool sys_filter_reads_text(const sys_filter_t *f);
/* Parse a duration "10ms", "1.5s", "200us", "5000ns", "12" (ms) into ns.
 * Returns 0 or -1. */
int sys_filter_parse_duration(const char *s, size_t len, int64_t *ns);

#endif
