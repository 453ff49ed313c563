/* strace_line: parse the lines strace prints.
 *
 * The recorder reads `strace -f -qq --absolute-timestamps=unix,ns
 * --syscall-times=ns` output: "TID SECS.NANOS REST". It strips the stamp
 * (strace_line_split_stamp) and stores REST in an "s" event; the player
 * parses REST (strace_line_parse) to show it. Pointers in strace_line_t
 * point into the parsed text; nothing is allocated.
 *
 * Lines of a `--strace-pid PID` tracer (a process attached from outside the
 * pty) are stored as "@PID " + REST: the "@" tag names the attached pid, so
 * the player can tell them apart from the recorded command's tree (whose
 * lines always start with a TID digit). strace_line_parse reads the tag into
 * attach_pid. */
#ifndef TRACECAST_STRACE_LINE_H
#define TRACECAST_STRACE_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum strace_kind {
	STRACE_CALL,        /* NAME(ARGS) = RET ... */
	STRACE_UNFINISHED,  /* NAME(ARGS <unfinished ...> */
	STRACE_RESUMED,     /* <... NAME resumed>ARGS) = RET ... */
	STRACE_SIGNAL,      /* --- SIGCHLD {...} --- */
	STRACE_EXITED,      /* +++ exited with N +++ */
	STRACE_KILLED,      /* +++ killed by SIGNAME [(core dumped)] +++ */
	STRACE_OTHER,       /* anything else (kept as text) */
} strace_kind_t;

typedef struct strace_line {
	strace_kind_t kind;
	long attach_pid;     /* "@PID " tag of a --strace-pid line, else 0 */
	long tid;            /* leading TID, 0 when absent */
	const char *name;    /* syscall name (CALL/UNFINISHED/RESUMED) or
				signal name (SIGNAL/KILLED) */
	size_t name_len;
	const char *args;    /* text between the parentheses as printed
				(RESUMED: from "resumed>" to the closing
				parenthesis; UNFINISHED: up to " <unfinished";
				SIGNAL: "{...}" or NULL) */
	size_t args_len;
	bool has_ret;
	const char *ret;     /* return value text after "= " ("-1", "0x7f..", "?") */
	size_t ret_len;
	const char *err;     /* errno name ("ENOENT"), NULL when none */
	size_t err_len;
	const char *err_text; /* "(No such file or directory)" inner text, or NULL;
				 also set without err ("= 0 (Timeout)",
				 "= 1 ([{fd=3, revents=POLLIN}])") */
	size_t err_text_len;
	int64_t dur_ns;      /* <SECS.NANOS> at the end, -1 when absent */
	int exit_code;       /* EXITED */
	bool core_dumped;    /* KILLED */
} strace_line_t;

/* Parse one line (no newline, no timestamp). Always succeeds: lines it does
 * not understand come out as STRACE_OTHER with tid set if present. */
void strace_line_parse(const char *s, size_t len, strace_line_t *out);

/* Split "TID SECS.NANOS REST" (TID optional): *real_ns receives the stamp,
 * *rest the line without it ("TID REST", the TID kept). Returns 0, or -1
 * when the line has no stamp (then rest = the whole line). rest_buf must
 * hold len + 1 bytes. */
int strace_line_split_stamp(const char *s, size_t len, int64_t *real_ns,
			    char *rest_buf, size_t *rest_len);

/* How an "s" event's time relates to its call (FORMAT.md, "s_time"):
 * STRACE_TIME_END (header tracecast.s_time == "end", files from 2026-12-07
 * on): a complete line is stamped when its call ended, an <unfinished ...>
 * half at its entry, a <... resumed> half at its end. STRACE_TIME_START
 * (older files): every line at its entry stamp or arrival. */
typedef enum strace_time_base {
	STRACE_TIME_START = 0,
	STRACE_TIME_END = 1,
} strace_time_base_t;

/* The time base a header declares: its json (the whole header object, may
 * be NULL) holds "tracecast": {"s_time": "end"} or not. */
struct json_t;
strace_time_base_t strace_time_base_of(const struct json_t *header);

/* The span [*start_ns, *end_ns] of the call an "s" event at t_ns describes,
 * for the given time base. A line without a duration (signal, exit,
 * unfinished half, older resumed halves) gives start = end = t_ns. Never
 * overflows: the span is clamped to [0, INT64_MAX]. */
void strace_line_span(const strace_line_t *l, int64_t t_ns, strace_time_base_t base,
		      int64_t *start_ns, int64_t *end_ns);

#endif
