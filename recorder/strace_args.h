/* strace_args: the --strace=ARGS text, split like a shell and checked.
 *
 * The recorder owns strace's output file and timestamps, so options that
 * would change them (-o, -ff, -c/-C, every timestamp option, -p, -D) are
 * refused with a message that says why and what to use instead. */
#ifndef TRACECAST_STRACE_ARGS_H
#define TRACECAST_STRACE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "tracecast/strv.h"

/* Split text into words as sh does for a simple command: blanks separate,
 * '...' is literal, "..." keeps \" \\ \$ \` escapes, a backslash outside
 * quotes escapes the next character. No expansion. Appends to *out.
 * Returns 0, -EINVAL (unterminated quote: message in err) or -ENOMEM. */
int strace_args_split(const char *text, strv_t *out, char *err, size_t errlen);

/* Check split options. *trace_filter is set when a syscall filter is given
 * (-e trace=, -e SET, --trace=), *has_seccomp when --seccomp-bpf already is.
 * Returns 0, or -EINVAL with the reason in err. */
int strace_args_check(const strv_t *args, bool *trace_filter,
		      bool *has_seccomp, char *err, size_t errlen);

#endif
