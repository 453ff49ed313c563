#!/bin/bash
# rec --strace with a command that does not exist (or cannot be executed)
# fails like plain rec: the same "tracecast rec: cannot run" message, exit 127,
# and never strace's own error text ("strace: Can't stat ...") recorded as
# output.
. "$(dirname "$0")/lib.sh"
need strace
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"

# plain rec: the command is looked up before the file is made (issue 17):
# the message on stderr, exit 127, no file left
"$TRACECAST" rec -q "$TC_TMP/p.cast" -- nosuchcmd-tc </dev/null >"$TC_TMP/pout" 2>&1
rc=$?
[ $rc = 127 ] || fail "plain rec: exit $rc, want 127"
want="tracecast rec: cannot run 'nosuchcmd-tc': No such file or directory"
grep -qxF "$want" "$TC_TMP/pout" || fail "plain rec: no message: $(cat "$TC_TMP/pout")"
[ ! -e "$TC_TMP/p.cast" ] || fail "plain rec of a missing command left a file"

printf '#!/bin/sh\necho hi\n' >"$TC_TMP/noexec.sh"
chmod 644 "$TC_TMP/noexec.sh"
mkdir "$TC_TMP/adir"
for cmd in nosuchcmd-tc ./nosuchcmd-tc "$TC_TMP/noexec.sh" "$TC_TMP/adir"; do
	rm -f "$TC_TMP/s.cast"
	(cd "$TC_TMP" && "$TRACECAST" rec -q --strace "$TC_TMP/s.cast" -- "$cmd") \
		</dev/null >"$TC_TMP/out" 2>"$TC_TMP/err"
	rc=$?
	[ $rc = 127 ] || fail "--strace -- $cmd: exit $rc, want 127 (stderr: $(cat "$TC_TMP/err"))"
	grep -qF "tracecast rec: cannot run '$cmd': " "$TC_TMP/err" ||
		fail "--strace -- $cmd: no 'cannot run' message: $(cat "$TC_TMP/err")"
	grep -q 'strace:' "$TC_TMP/err" "$TC_TMP/out" && fail "--strace -- $cmd: strace's message shown"
	[ ! -e "$TC_TMP/s.cast" ] || fail "--strace -- $cmd: a file was left"
done

# the same message as plain rec for the missing name
(cd "$TC_TMP" && "$TRACECAST" rec -q --strace "$TC_TMP/m.cast" -- nosuchcmd-tc) \
	</dev/null >/dev/null 2>"$TC_TMP/err"
grep -qxF "$want" "$TC_TMP/err" || fail "message differs from plain rec's: $(cat "$TC_TMP/err")"

# a command found in PATH or by path still runs under strace
"$TRACECAST" rec -q --strace "$TC_TMP/ok.cast" -- sh -c 'exit 3' </dev/null >/dev/null 2>&1
rc=$?
[ $rc = 3 ] || fail "--strace -- sh: exit $rc, want 3"
grep -q '"s"' "$TC_TMP/ok.cast" || fail "no syscalls recorded for a command in PATH"
exit 0
