/* tc_time: the one grammar for times given on the command line (dump --at,
 * play --from/--to, export and stats --from/--to).
 *
 * A time is seconds since the recording's time 0, written as
 *   S[.F]          "12", "12.5", ".25"
 *   M:S[.F]        "1:02.5"
 *   H:M:S[.F]      "1:00:00"
 * with decimal digits only (no sign, exponent or spaces), at most three
 * parts, a fraction only on the last part (up to nanoseconds; a tenth
 * digit rounds). Parts before the last are not limited to 59 ("90:00" is
 * 90 minutes). Values too large for int64 nanoseconds are clamped to
 * INT64_MAX (the end of any recording): the parser never overflows and
 * uses no floating point. With TC_TIME_END, "end" is also accepted and
 * gives INT64_MAX. */
#ifndef TRACECAST_TC_TIME_H
#define TRACECAST_TC_TIME_H

#include <stdint.h>

#define TC_TIME_END 1u /* flag: accept "end" (= INT64_MAX) */

/* Parse s into *ns. Returns 0, or -EINVAL (then *ns is untouched). */
int tc_time_parse(const char *s, unsigned flags, int64_t *ns);

/* Format ns as "H:MM:SS.mmm" (or "M:SS.mmm" under an hour, and "end" for
 * INT64_MAX) into buf (at least 32 bytes); the result parses back with
 * tc_time_parse to the millisecond. Returns buf. */
char *tc_time_format(int64_t ns, char *buf, unsigned long size);

#endif
