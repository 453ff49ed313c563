#!/bin/bash
# rec --strace of tests/progs/strace_victim (known syscalls): the syscalls
# and markers are there, the write's "s" line comes at or before its "o"
# bytes (within 50 ms), every time is non-decreasing, and `tracecast cat`
# and Debian's `asciinema cat` print the same as a recording without --strace.
. "$(dirname "$0")/lib.sh"
need strace
need python3
V=$PROGS/strace_victim
[ -x "$V" ] || fail "$V not built"
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"

TMPDIR=$TC_TMP "$TRACECAST" rec -q --strace "$TC_TMP/s.cast" -- "$V" </dev/null >"$TC_TMP/s.out" 2>"$TC_TMP/s.err" ||
	fail "rec --strace exited $?: $(cat "$TC_TMP/s.err")"
[ -s "$TC_TMP/s.err" ] && fail "rec --strace wrote to stderr: $(cat "$TC_TMP/s.err")"
# the private FIFO folder (made in TMPDIR) is gone
compgen -G "$TC_TMP/tracecast-strace.*" >/dev/null && fail "FIFO folder left behind"
"$TRACECAST" rec -q "$TC_TMP/p.cast" -- "$V" </dev/null >/dev/null 2>&1 || fail "plain rec failed"

python3 - "$TC_TMP/s.cast" "$V" <<'EOF' || fail "checks on the --strace recording failed"
import json, re, sys
path, victim = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().splitlines()
hdr = json.loads(lines[0])
ev = [json.loads(l) for l in lines[1:] if l.strip()]
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

argv = hdr["tracecast"]["sources"]["strace"]["argv"]
check(argv[0].endswith("strace") and argv[1:5] == ["-f", "-qq",
      "--absolute-timestamps=unix,ns", "--syscall-times=ns"], "header argv: %r" % argv)
check(argv[-2:] == ["--", victim], "header argv ends with -- victim: %r" % argv)

times = [e[0] for e in ev]
bad = [i for i in range(1, len(times)) if times[i] < times[i - 1]]
check(not bad, "times decrease at events %r" % bad[:5])
s = [e for e in ev if e[1] == "s"]
o = [e for e in ev if e[1] == "o"]
m = [e[2] for e in ev if e[1] == "m"]
check(all(isinstance(e[2], str) for e in ev), "non-string data")
check(not any(re.match(r"^\d+\s+\d{9,}\.\d+ ", e[2]) for e in s), "a stamp left in s data")

def find(rx):
    return [e for e in s if re.search(rx, e[2])]

check(find(r'^\d+ +openat\(AT_FDCWD, "/nonexistent-tracecast-victim/missing.txt", O_RDONLY\) = -1 ENOENT \(No such file or directory\) <\d+\.\d{9}>$'),
      "openat ENOENT line")
w = find(r'^\d+ +write\(1, "UNIQUE-strace-victim-c0ffee\\n", 28\) += 28 <')
check(len(w) == 1, "one write(1, UNIQUE...) line, got %d" % len(w))
out = [e for e in o if "UNIQUE-strace-victim-c0ffee" in e[2]]
check(len(out) == 1, "one o event with UNIQUE, got %d" % len(out))
if w and out:
    # "s" events are stamped at the call's end: the write's span is
    # [t - DURATION, t]; its bytes reach the pty (the o event) inside the
    # span or after it, never before it began (strace's syscall-exit stop
    # can end the span a few microseconds after the recorder read them)
    dur = float(re.search(r"<(\d+\.\d+)>$", w[0][2]).group(1))
    d = out[0][0] - (w[0][0] - dur)
    check(-0.000002 <= d <= 0.050, "write span %.6f-%.6f vs o %.6f (d=%.6f)"
          % (w[0][0] - dur, w[0][0], out[0][0], d))
# (split in two halves when another process's event comes in between)
ex = find(r"^(\d+) +exit_group\(3(\) += \?| <unfinished \.\.\.>)$")
check(ex, "exit_group(3)")
check(find(r"^\d+ +(clone|clone3|fork|vfork)\("), "a fork (clone)")
un = find(r"^(\d+) +read\(3, +<unfinished \.\.\.>$")
re_ = find(r'^(\d+) +<\.\.\. read resumed>"ping", 64\) += 4 <')
check(un and re_, "read unfinished/resumed pair")
if un and re_:
    check(un[0][2].split()[0] == re_[0][2].split()[0], "same TID for the read halves")
    check(un[0][0] <= re_[0][0], "unfinished before resumed")
ks = find(r"^(\d+) +\+\+\+ killed by SIGSEGV( \(core dumped\))? \+\+\+$")
check(ks, "killed by SIGSEGV")
check(find(r'^\d+ +execve\("/bin/true", \["true"\]'), "execve /bin/true")
if ex:
    check("exit 3 pid %s" % ex[0][2].split()[0] in m, "exit marker: %r" % m)
if ks:
    check("SIGSEGV pid %s" % ks[0][2].split()[0] in m, "SIGSEGV marker: %r" % m)
check("exec true" in m, "exec true marker: %r" % m)
check("exec strace_victim" in m, "exec strace_victim marker: %r" % m)
check(ev[-1][1] == "x" and ev[-1][2] == "0", "x event last: %r" % (ev[-1],))
for e in errors:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

"$TRACECAST" cat "$TC_TMP/s.cast" >"$TC_TMP/s.txt" || fail "cat of the --strace recording"
"$TRACECAST" cat "$TC_TMP/p.cast" >"$TC_TMP/p.txt" || fail "cat of the plain recording"
grep -q UNIQUE-strace-victim-c0ffee "$TC_TMP/s.txt" || fail "cat lacks the output"
cmp "$TC_TMP/s.txt" "$TC_TMP/p.txt" || fail "tracecast cat differs with --strace"

if command -v asciinema >/dev/null && command -v script >/dev/null; then
	asciinema_cat "$TC_TMP/s.cast" >"$TC_TMP/sa.txt" 2>&1 || fail "asciinema cat of the --strace recording"
	asciinema_cat "$TC_TMP/p.cast" >"$TC_TMP/pa.txt" 2>&1 || fail "asciinema cat of the plain recording"
	grep -q UNIQUE-strace-victim-c0ffee "$TC_TMP/sa.txt" || fail "asciinema cat lacks the output"
	cmp "$TC_TMP/sa.txt" "$TC_TMP/pa.txt" || fail "asciinema cat differs with --strace"
fi
exit 0
