#!/usr/bin/env python3
"""Issue 18: the hostile-recordings set (tests/fixtures/hostile/*, the large
cases gen.py makes at test time, the reader's invalid fixtures and the
player's hostile.cast) through every reading command: cat, info, info
--json, dump, dump --format ansi, dump --overlay, a backward dump --at,
convert, export --format folded. Each run is bounded (timeout) and its peak
memory measured (/usr/bin/time -f %M) against HOSTILE_MEM_MB (256 MiB; the
ASan build gets 4x). No run may die of a signal or print a sanitizer report;
a refused file names its place (FILE:LINE). What dump, dump --format ansi
and info write must hold no OSC, DCS, APC, PM, SOS, C1 control, query or
mode change. info says when a size is beyond what a player draws (and at
what size it is drawn). A named FIFO: dump --overlay, a backward --at and
play refuse it at once instead of blocking. play of the whole set in tmux is in
hostile_play.py."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
HOST = os.path.join(ROOT, "tests", "fixtures", "hostile")
ASAN = "build-asan" in TRACECAST
MEM_MB = int(os.environ.get("HOSTILE_MEM_MB", "256")) * (4 if ASAN else 1)
TIMEOUT = 60 if ASAN else 20

# What a terminal would act on: OSC, DCS, APC, PM, SOS (7- and 8-bit), any
# C1 control (UTF-8 encoded), DA/DSR queries, private and ANSI mode changes.
BAD = re.compile(rb"\x1b[\]P_^X]|\xc2[\x80-\x9f]|\x1b\[[>=?]?[0-9;]*[cn]|\x1b\[[?]?[0-9;]*[hl]")
failures = []


def fixtures(tmp):
    files = sorted(glob.glob(os.path.join(HOST, "*.cast")))
    big = os.path.join(tmp, "big")
    os.mkdir(big)
    subprocess.run([sys.executable, os.path.join(HOST, "gen.py"), "--big", big], check=True)
    files += sorted(glob.glob(os.path.join(big, "*")))
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "reader", "invalid", "*", "input")))
    files.append(os.path.join(ROOT, "tests", "fixtures", "player", "hostile.cast"))
    return files


def run(name, argv, fname, check_out=False):
    """Run argv bounded in time, with its peak RSS; record what is wrong."""
    mem = tempfile.NamedTemporaryFile(delete=False)
    mem.close()
    t0 = time.time()
    # timeout(1) under time(1): the command itself is killed, and measured
    p = subprocess.run(["/usr/bin/time", "-o", mem.name, "-f", "%M",
                        "timeout", "-s", "KILL", str(TIMEOUT)] + argv,
                       capture_output=True, timeout=TIMEOUT + 60)
    if p.returncode == 137:
        os.unlink(mem.name)
        failures.append("%s: %s: no end after %d s" % (name, " ".join(argv[1:3]), TIMEOUT))
        return None
    with open(mem.name) as f:
        txt = f.read()
    os.unlink(mem.name)
    m = re.search(r"(\d+)\s*$", txt)
    kb = int(m.group(1)) if m else 0
    what = "%s: tracecast %s" % (name, " ".join(a for a in argv[1:] if not a.startswith("/")))
    if "signal" in txt or p.returncode >= 128 or p.returncode < 0:
        failures.append("%s: killed by a signal (exit %d) %s" % (what, p.returncode, p.stderr[-300:]))
    err = p.stderr.decode("utf-8", "replace")
    if "runtime error" in err or "Sanitizer" in err:
        failures.append("%s: sanitizer report:\n%s" % (what, err[-1500:]))
    if kb > MEM_MB * 1024:
        failures.append("%s: peak memory %d MiB > %d MiB" % (what, kb // 1024, MEM_MB))
    if p.returncode not in (0,) and p.returncode < 128:
        base = re.escape(os.path.basename(fname))
        # info reports what it refused in its output; the others on stderr
        if not re.search(base.encode() + rb":\d+", p.stderr + p.stdout):
            failures.append("%s: refused (exit %d) without FILE:LINE: %r" % (what, p.returncode, p.stderr[-300:]))
    if check_out:
        m = BAD.search(p.stdout)
        if m:
            failures.append("%s: stdout holds %r" % (what, p.stdout[max(0, m.start() - 20):m.end() + 20]))
    return p, time.time() - t0, kb


def main():
    if not os.path.exists("/usr/bin/time"):
        print("FAIL: /usr/bin/time is missing (make deps installs the time package)", file=sys.stderr)
        sys.exit(1)
    tmp = tempfile.mkdtemp(prefix="tc-hostile-set.")
    peak = (0, "")
    try:
        files = fixtures(tmp)
        for f in files:
            name = os.path.relpath(f, ROOT) if f.startswith(ROOT) else os.path.basename(f)
            runs = [
                (["cat", f], False),
                (["info", f], True),
                (["info", "--json", f], True),
                (["dump", f], True),
                (["dump", f, "--format", "ansi"], True),
                (["dump", f, "--overlay", "--size", "100x30", "--format", "ansi"], True),
                (["dump", f, "--at", "5,0.2,end"], True),
                (["convert", f, os.path.join(tmp, "out.cast")], False),
                (["export", "--format", "folded", f], False),
            ]
            for argv, chk in runs:
                r = run(name, [TRACECAST] + argv, f, chk)
                if r and r[2] > peak[0]:
                    peak = (r[2], "%s %s" % (argv[0], name))
                if os.path.exists(os.path.join(tmp, "out.cast")):
                    os.unlink(os.path.join(tmp, "out.cast"))
        # a size beyond what a player draws is said in info (item 5)
        for fx, want in (("header-4096.cast", "4096x4096 (larger than a player draws: drawn at most 1024x512)"),
                         ("resize-4096.cast", "4096x4096 (drawn at most 1024x512)")):
            p = subprocess.run([TRACECAST, "info", os.path.join(HOST, fx)], capture_output=True, timeout=60)
            if want not in p.stdout.decode(errors="replace"):
                failures.append("info %s does not say %r: %r" % (fx, want, p.stdout[-400:]))
        # a named FIFO: what needs two passes says so at once (play too)
        fifo = os.path.join(tmp, "f.cast")
        os.mkfifo(fifo)
        for argv in (["dump", fifo, "--overlay", "--size", "80x24"], ["dump", fifo, "--at", "1,0.5"],
                     ["play", fifo]):
            writer = subprocess.Popen(["sh", "-c", "cat %s > %s" % (os.path.join(HOST, "epoch-times.cast"), fifo)])
            try:
                p = subprocess.run([TRACECAST] + argv, capture_output=True, timeout=10)
                if p.returncode == 0 or b"not a regular file" not in p.stderr:
                    failures.append("FIFO: %s: expected a refusal naming the cause, got exit %d %r"
                                    % (" ".join(argv[2:]), p.returncode, p.stderr))
            except subprocess.TimeoutExpired:
                failures.append("FIFO: tracecast %s blocked" % " ".join(argv))
            writer.kill()
            writer.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        for f in failures:
            print("FAIL: " + f, file=sys.stderr)
        sys.exit(1)
    print("hostile set: %d files x 9 commands, no crash, no hang, peak %d MiB (%s), bound %d MiB"
          % (len(files), peak[0] // 1024, peak[1], MEM_MB))


main()
