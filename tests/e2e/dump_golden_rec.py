#!/usr/bin/env python3
"""Golden screens for recordings the suite makes: `tracecast rec` records
real programs (colours, wide and combining characters, the alternate
screen, a scroll region, a line ending in the pending-wrap state, the
strace victim with --strace when available); `tracecast dump --at end`
must equal what tmux shows for the same "o" bytes (tests/golden/
gen_golden.py's generator, run live here since the recordings are new)."""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))
from gen_golden import golden  # noqa: E402

TRACECAST = os.environ["TRACECAST"]
PROGS = os.environ.get("PROGS", "")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


if not shutil.which("tmux"):
    print("skipped: tmux is not installed (make deps installs it)", file=sys.stderr)
    sys.exit(77)

PROGRAMS = [
    ("colours-wide", 40, 8, r'''printf 'hello \033[1;31mred\033[0m \346\274\242\345\255\227 e\314\201 \360\237\230\200\n'; printf '12345678901234567890123456789012345678901'; printf '\n%s' "$(seq 1 3 | tr '\n' ' ')"'''),
    ("altscreen", 30, 6, r'''printf 'main\n\033[?1049h\033[2;3Hin alt\033[?1049lback\n'; printf '\033[?1049h\033[Hstays in alt\033[4;5H\033[7mbar\033[0m' '''),
    ("scroll-region", 30, 8, r'''printf '\033[H\033[2Jtop\033[8;1Hbottom\033[2;7r\033[2;1H'; i=1; while [ $i -le 12 ]; do printf 'row %d\n' $i; i=$((i+1)); done; printf '\033[r\033[7;1H' '''),
    ("pending-wrap", 20, 4, r'''printf '12345678901234567890'; printf '\rX\n'; printf '\033[4;1Habcdefghijklmnopqrst' '''),
]

tmp = tempfile.mkdtemp(prefix="tc-golden-rec.")
try:
    recs = []
    for name, cols, rows, cmd in PROGRAMS:
        out = os.path.join(tmp, name + ".cast")
        r = subprocess.run([TRACECAST, "rec", "-q", "--cols", str(cols), "--rows", str(rows), out,
                            "--", "sh", "-c", cmd], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            if "not available" in r.stderr:
                print("skipped: rec is not in this build", file=sys.stderr)
                sys.exit(77)
            fail("rec %s: %s" % (name, r.stderr))
        recs.append(out)
    victim = os.path.join(PROGS, "strace_victim")
    if shutil.which("strace") and os.access(victim, os.X_OK):
        out = os.path.join(tmp, "victim-strace.cast")
        r = subprocess.run([TRACECAST, "rec", "-q", "--strace", "--cols", "60", "--rows", "10", out,
                            "--", victim], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode == 0:
            recs.append(out)
        else:
            print("note: rec --strace not usable here (%s); not compared" % r.stderr.strip())
    for path in recs:
        want = golden(path)
        got = subprocess.run([TRACECAST, "dump", "--at", "end", path], capture_output=True,
                             text=True).stdout
        if got != want:
            import difflib
            fail("%s: dump differs from tmux:\n%s" % (os.path.basename(path), "".join(
                difflib.unified_diff(want.splitlines(True), got.splitlines(True), "tmux", "dump"))))
    print("golden (recorded here): %d recordings equal to tmux's screen" % len(recs))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
