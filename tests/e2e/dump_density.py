#!/usr/bin/env python3
"""The timeline bar's syscall and error density (`dump --overlay`).

A recording of exactly 100 s, shown 100 columns wide, so column k of the
bar is the second [k, k+1): one successful call in each second, four in
seconds 20-29, none in 40-49, and a failed call (-1 ENOENT) besides the
successful one in seconds 60-69 only. The bar must show: nothing ("─") in
40-49, the densest glyph in 20-29, a density glyph everywhere else, and in
--format ansi red (SGR 31) exactly on columns 60-69."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TRACECAST = os.environ["TRACECAST"]
W, H = 100, 12
DENSE, EMPTY, ERRS = range(20, 30), range(40, 50), range(60, 70)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def make(path):
    ev = [[0.0, "o", "density\r\n"]]
    for k in range(100):
        if k in EMPTY:
            continue
        n = 4 if k in DENSE else 1
        for j in range(n):
            ev.append([k + 0.2 + 0.1 * j, "s",
                       "77 read(3, \"x\", 1) = 1 <0.000010>"])
        if k in ERRS:
            ev.append([k + 0.7, "s", "77 openat(AT_FDCWD, \"/nope/%d\", O_RDONLY) = -1 ENOENT "
                       "(No such file or directory) <0.000010>" % k])
    ev.append([100.0, "o", "end"])
    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": 20, "height": 4, "timestamp": 1700000000,
                            "tracecast": {"version": 1, "sources": {"strace": {}}}}) + "\n")
        for e in ev:
            f.write(json.dumps(e) + "\n")


def dump(path, fmt, at):
    r = subprocess.run([TRACECAST, "dump", "--overlay", "--size", "%dx%d" % (W, H), "--at", at,
                        "--format", fmt, path], capture_output=True)
    if r.returncode != 0:
        fail("dump --format %s: exit %d: %s" % (fmt, r.returncode, r.stderr.decode()))
    return r.stdout.decode("utf-8").split("\n")


def ansi_cells(line):
    """[(char, set of SGR params in effect)] for each printed character."""
    cells, cur = [], set()
    for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", line):
        if m.group(1) is not None:
            ps = [p for p in m.group(1).split(";") if p]
            cur = set() if not ps or ps[0] == "0" else set(cur)
            cur |= set(p for p in ps if p != "0")
        else:
            cells.append((m.group(2), frozenset(cur)))
    return cells


tmp = tempfile.mkdtemp(prefix="tc-density.")
try:
    rec = os.path.join(tmp, "d.cast")
    make(rec)
    for at in ("95", "end"):
        head = 95 if at == "95" else 99
        bar = dump(rec, "text", at)[H - 2]
        if len(bar) != W:
            fail("bar is %d columns, not %d: %r" % (len(bar), W, bar))
        for k, g in enumerate(bar):
            if k == head:
                if g != "\u2503":
                    fail("--at %s: playhead not at column %d: %r" % (at, head, bar))
            elif k in EMPTY:
                if g != "\u2500":
                    fail("--at %s: column %d (no calls) shows %r: %r" % (at, k, g, bar))
            elif k in DENSE:
                if g != "\u2587":
                    fail("--at %s: column %d (densest) shows %r: %r" % (at, k, g, bar))
            elif g not in "\u2581\u2583\u2585":
                fail("--at %s: column %d (1-2 calls) shows %r: %r" % (at, k, g, bar))
        cells = ansi_cells(dump(rec, "ansi", at)[H - 2])
        if "".join(c for c, _ in cells) != bar:
            fail("--format ansi bar differs from the text one:\n%r\n%r" %
                 ("".join(c for c, _ in cells), bar))
        red = [k for k, (_, sgr) in enumerate(cells) if "31" in sgr]
        if red != list(ERRS):
            fail("--at %s: red columns %r, want %r (errors at 60-69 s)" % (at, red, list(ERRS)))
    print("timeline: density (none/densest) and error columns 60-69 red, as recorded")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
