#!/usr/bin/env python3
"""Golden screens for more of the recordings the suite makes (after
dump_golden_rec.py's five): tracecast rec of tests/progs/rec_utf8split
(UTF-8 split across writes) and rec_badbytes (invalid UTF-8), a --strace
recording of tests/progs/strace_victim, and a --profile recording.
`tracecast dump --at end` of each must equal what tmux shows for the same
"o" bytes replayed at the recorded size (tests/golden/gen_golden.py's
generator, run live). The --strace and --profile recordings must really
hold "s" / "p" events (else the comparison would not be about them)."""
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))
from gen_golden import golden  # noqa: E402
from castio import read_cast  # noqa: E402

TRACECAST = os.environ["TRACECAST"]
PROGS = os.environ.get("PROGS", "")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def skip(msg):
    print("skipped: " + msg, file=sys.stderr)
    sys.exit(77)


def prog(name):
    p = os.path.join(PROGS, name)
    if not os.access(p, os.X_OK):
        fail("helper program %s missing (make helpers)" % p)
    return p


def can_strace():
    return bool(shutil.which("strace")) and subprocess.run(
        ["strace", "-qq", "-o", "/dev/null", "true"], capture_output=True).returncode == 0


if not shutil.which("tmux"):
    skip("tmux is not installed (make deps installs it)")

# (name, extra rec options, cols, rows, argv, event code that must be there)
RECS = [
    ("utf8split", [], 40, 5, [prog("rec_utf8split")], None),
    ("badbytes", [], 40, 12, [prog("rec_badbytes")], None),
    ("victim-strace", ["--strace"], 60, 10, [prog("strace_victim")], "s"),
    ("shell-profile", ["--profile"], 50, 8,
     ["sh", "-c", r"printf '\033[1;32mbusy\033[0m '; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done;"
      r" printf 'done \342\202\254\n'; sleep 0.3; printf '\033[7mend\033[0m'"], "p"),
]

tmp = tempfile.mkdtemp(prefix="tc-golden-rec2.")
try:
    done = []
    for name, extra, cols, rows, argv, code in RECS:
        out = os.path.join(tmp, name + ".cast")
        r = subprocess.run([TRACECAST, "rec", "-q", "--headless"] + extra +
                           ["--cols", str(cols), "--rows", str(rows), out, "--"] + argv,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        if r.returncode != 0:
            if extra == ["--strace"] and not can_strace():
                print("note: strace not installed or ptrace refused; %s not compared" % name)
                continue
            fail("rec %s %s: exit %d: %s" % (" ".join(extra), name, r.returncode, r.stderr))
        c, rw, events = read_cast(out)
        if (c, rw) != (cols, rows):
            fail("%s: recorded %dx%d, asked %dx%d" % (name, c, rw, cols, rows))
        if not any(e[1] == "o" for e in events):
            fail("%s: no output recorded" % name)
        if code and not any(e[1] == code for e in events):
            fail("%s: no %r events in a rec %s recording" % (name, code, " ".join(extra)))
        with open(out) as f:
            hdr = json.loads(f.readline())
        if extra and (extra[0][2:] not in hdr.get("tracecast", {}).get("sources", {})):
            fail("%s: header has no sources.%s: %r" % (name, extra[0][2:], hdr.get("tracecast")))
        want = golden(out)
        got = subprocess.run([TRACECAST, "dump", "--at", "end", out], capture_output=True,
                             text=True).stdout
        if got != want:
            fail("%s: dump differs from tmux:\n%s" % (name, "".join(
                difflib.unified_diff(want.splitlines(True), got.splitlines(True), "tmux", "dump"))))
        if not want.strip():
            fail("%s: empty screen (nothing compared)" % name)
        done.append(name)
    print("golden (recorded here, 2): %s equal to tmux's screen" % ", ".join(done))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
