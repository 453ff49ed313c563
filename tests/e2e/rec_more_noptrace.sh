#!/bin/bash
# rec --strace where ptrace is refused for the command (EPERM from a seccomp
# filter installed by tests/progs/seccomp_deny around the recorder, as in
# a container without CAP_SYS_PTRACE): a clear error naming the cause and
# the fix, exit 1, before the session starts: the command never runs, no
# file is made, an existing file under --overwrite is untouched, nothing on
# stdout with FILE '-'. Also with a -e trace= set (--seccomp-bpf added).
# The same recording without --strace under the same filter works (the
# filter refuses only ptrace).
. "$(dirname "$0")/lib.sh"
need strace
[ -x "$PROGS/seccomp_deny" ] || fail "helper $PROGS/seccomp_deny missing (make helpers)"
wrap() { "$PROGS/seccomp_deny" ptrace EPERM "$@"; }
unset TRACECAST_CTL TRACECAST_FILE
# LeakSanitizer (an ASan build) stops the world with ptrace at exit, which
# the filter refuses: no leak check under it (only the exit would change)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
cd "$TC_TMP" || fail cd

wrap true 2>"$TC_TMP/err"
rc=$?
[ $rc = 77 ] && skip "cannot install a seccomp filter here: $(cat "$TC_TMP/err")"
[ $rc = 0 ] || fail "wrapper: exit $rc: $(cat "$TC_TMP/err")"
# the filter does refuse ptrace (else this test would prove nothing)
wrap strace -qq -o /dev/null true 2>/dev/null && fail "strace works under the filter"

# control: without --strace the recording is made under the same filter
wrap "$TRACECAST" rec -q "$TC_TMP/ok.cast" -- sh -c 'echo plain-ok' </dev/null >/dev/null 2>"$TC_TMP/err" ||
	fail "plain recording under the filter failed: $(cat "$TC_TMP/err")"
grep -q plain-ok "$TC_TMP/ok.cast" || fail "plain recording lacks the output"

n=0
for opt in --strace "--strace=-e trace=openat"; do
	for out in "$TC_TMP/s.cast" - "$TC_TMP/old.cast"; do
		n=$((n + 1))
		extra=()
		if [ "$out" = "$TC_TMP/old.cast" ]; then
			printf 'old content\n' >"$out"
			extra=(--overwrite)
		fi
		rm -f "$TC_TMP/ran"
		wrap "$TRACECAST" rec "${extra[@]}" "$opt" "$out" -- sh -c "touch '$TC_TMP/ran'; echo unseen" \
			</dev/null >"$TC_TMP/out.$n" 2>"$TC_TMP/err.$n"
		rc=$?
		what="$opt $out"
		[ $rc = 1 ] || fail "$what: exit $rc, want 1 (stderr: $(cat "$TC_TMP/err.$n"))"
		grep -q '^tracecast: --strace: ptrace is refused' "$TC_TMP/err.$n" ||
			fail "$what: no clear error: $(cat "$TC_TMP/err.$n")"
		grep -q 'CAP_SYS_PTRACE' "$TC_TMP/err.$n" || fail "$what: the fix is not named"
		[ "$(grep -c '^tracecast:' "$TC_TMP/err.$n")" = 1 ] ||
			fail "$what: want one tracecast line: $(cat "$TC_TMP/err.$n")"
		grep -q 'recording' "$TC_TMP/err.$n" && fail "$what: a session was started: $(cat "$TC_TMP/err.$n")"
		[ ! -e "$TC_TMP/ran" ] || fail "$what: the command ran"
		[ ! -s "$TC_TMP/out.$n" ] || fail "$what: output on stdout: $(head -c 200 "$TC_TMP/out.$n")"
		case $out in
		-) ;;
		*/old.cast) [ "$(cat "$out")" = "old content" ] || fail "$what: the existing file was changed" ;;
		*) [ ! -e "$out" ] || fail "$what: a recording was left behind: $(head -c 200 "$out")" ;;
		esac
	done
done
exit 0
