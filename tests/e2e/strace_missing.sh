#!/bin/bash
# rec --strace without strace in PATH: a clear error naming the fix, exit 1
# before the session starts (the command never runs, no file is made).
# Refused --strace options, a --strace-pid that does not exist and one that
# ptrace refuses (already traced by another strace) fail the same way.
. "$(dirname "$0")/lib.sh"
bin=$TC_TMP/bin
mkdir -p "$bin"
# a PATH with the tools the command needs, but no strace
for t in sh touch; do ln -s "$(command -v $t)" "$bin/$t"; done

PATH=$bin "$TRACECAST" rec -q --strace "$TC_TMP/m.cast" -- sh -c "touch '$TC_TMP/ran'" \
	</dev/null >"$TC_TMP/out" 2>"$TC_TMP/err"
rc=$?
[ $rc = 1 ] || fail "exit $rc, want 1 (stderr: $(cat "$TC_TMP/err"))"
grep -q 'strace.*not in PATH' "$TC_TMP/err" || fail "no clear message: $(cat "$TC_TMP/err")"
grep -q 'apt-get install strace' "$TC_TMP/err" || fail "the fix is not named: $(cat "$TC_TMP/err")"
[ ! -e "$TC_TMP/ran" ] || fail "the command ran"
[ ! -e "$TC_TMP/m.cast" ] || fail "a recording file was left behind"

need strace
for bad in "-o /tmp/x" "-ff" "-c" "-tt" "-T" "-e 'trace=open"; do
	"$TRACECAST" rec -q --strace="$bad" "$TC_TMP/b.cast" -- sh -c "touch '$TC_TMP/ran'" \
		</dev/null >/dev/null 2>"$TC_TMP/err"
	rc=$?
	[ $rc = 1 ] || [ $rc = 2 ] || fail "--strace='$bad': exit $rc"
	grep -q -- '--strace' "$TC_TMP/err" || fail "--strace='$bad': no message: $(cat "$TC_TMP/err")"
	[ ! -e "$TC_TMP/ran" ] || fail "--strace='$bad': the command ran"
	[ ! -e "$TC_TMP/b.cast" ] || fail "--strace='$bad': a file was left behind"
done

strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
sleep 60 &
victim=$!
strace -qq -o /dev/null -p "$victim" 2>/dev/null &
tracer=$!
trap 'kill $tracer $victim 2>/dev/null; rm -rf "$TC_TMP"' EXIT
traced() { [ "$(awk '/^TracerPid:/ {print $2}' /proc/$victim/status)" = "$tracer" ]; }
wait_for 10 traced || fail "could not make a traced process"
for pid in "$victim" 999999999; do
	"$TRACECAST" rec -q --strace-pid "$pid" "$TC_TMP/r.cast" -- sh -c "touch '$TC_TMP/ran'" \
		</dev/null >/dev/null 2>"$TC_TMP/err"
	rc=$?
	[ $rc = 1 ] || fail "--strace-pid $pid: exit $rc (stderr: $(cat "$TC_TMP/err"))"
	grep -q -- "--strace-pid $pid" "$TC_TMP/err" || fail "--strace-pid $pid: no message: $(cat "$TC_TMP/err")"
	[ ! -e "$TC_TMP/ran" ] || fail "--strace-pid $pid: the command ran"
	[ ! -e "$TC_TMP/r.cast" ] || fail "--strace-pid $pid: a file was left behind"
	if [ "$pid" = "$victim" ]; then
		grep -q 'could not attach' "$TC_TMP/err" || fail "no attach error: $(cat "$TC_TMP/err")"
	fi
done
kill -0 "$victim" || fail "the refused target died"
exit 0
