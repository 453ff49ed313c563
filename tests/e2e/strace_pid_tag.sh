#!/bin/bash
# --strace-pid lines that the parser leaves as text (a call cut by strace's
# detach, a signal line) show their "@PID " tag and TID once, in the row's
# TID column, not again in the text (issue 12, point 4: the panel showed
# "@9085 9085  restart_syscall(..."). Between the TID and the text the panel
# may show its duration column ("-" for a line without a duration).
. "$(dirname "$0")/lib.sh"
F=$TC_TMP/tag.cast
cat >"$F" <<'CAST'
{"version": 2, "width": 100, "height": 10, "tracecast": {"s_time": "end"}}
[0.100000, "o", "hello\r\n"]
[0.200000, "s", "@9085 9085  restart_syscall(<... resuming interrupted read ...> <detached ...>"]
[0.300000, "s", "@9085 9086  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---"]
[0.400000, "s", "9087  --- SIGWINCH {si_signo=SIGWINCH} ---"]
CAST
"$TRACECAST" dump --overlay --size 100x10 --at end "$F" >"$TC_TMP/d" || fail "dump failed"
grep -Eq '9085 +(- +)?restart_syscall\(<\.\.\. resuming interrupted read' "$TC_TMP/d" || { cat "$TC_TMP/d"; fail "the cut call is not shown"; }
grep -q '@9085' "$TC_TMP/d" && { cat "$TC_TMP/d"; fail "the attach tag is shown in the text"; }
grep -Eq '9085 +9085' "$TC_TMP/d" && { cat "$TC_TMP/d"; fail "the TID is shown twice"; }
grep -Eq '9086 +(- +)?--- SIGCHLD' "$TC_TMP/d" || { cat "$TC_TMP/d"; fail "the tagged signal line is not shown after its TID"; }
grep -Eq '9087 +(- +)?--- SIGWINCH' "$TC_TMP/d" || { cat "$TC_TMP/d"; fail "an untagged signal line changed"; }
exit 0
