#!/usr/bin/env python3
"""A viewer smaller than the recording: the viewport follows the cursor.

A 120x40 recording fills every row with distinct text and leaves its
cursor at the bottom right (row 40, column 111 after "CURSOR-HERE" at
column 100). `dump --overlay --size 60x15` (13 screen rows: timeline bar
and status line below) must show the cursor's region, i.e. exactly
columns 52..111 of rows 28..40 of `dump --at end`, and the status line
must say `view 60x13+51+27 of 120x40`. Before the last write (--at 0.5,
cursor at column 7 of row 40) a fresh viewer shows columns 1..60 of rows
28..40 and says +0+27; the same player seeking back there from the end
(--at 0.5,end,0.5) shows, whatever origin X,Y its status line says, the
cursor inside the view and exactly rows Y+1.., columns X+1.. of the screen."""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

TRACECAST = os.environ["TRACECAST"]
VW, VH = 60, 15
SH = VH - 2


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def make(path):
    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": 120, "height": 40,
                            "timestamp": 1700000000}) + "\n")
        for i in range(40):
            # every column distinct per row: 'r<row>c' then digits
            line = "".join("%d" % ((i + c) % 10) if c % 7 else chr(65 + (i + c) % 26)
                           for c in range(120))
            line = ("%02d" % i) + line[2:]
            f.write(json.dumps([0.1 + i * 0.005, "o", line if i == 39 else line + "\r\n"]) + "\n")
        f.write(json.dumps([0.3, "o", "\x1b[40;1Hrow40-"]) + "\n")
        f.write(json.dumps([1.0, "o", "\x1b[40;100HCURSOR-HERE"]) + "\n")


def run(*args):
    r = subprocess.run([TRACECAST, "dump"] + list(args), capture_output=True)
    if r.returncode != 0:
        fail("dump %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.decode()))
    return r.stdout.decode("utf-8")


def region(full, row0, col0):
    return [l[col0:col0 + VW].rstrip() for l in full[row0:row0 + SH]]


tmp = tempfile.mkdtemp(prefix="tc-viewport.")
try:
    rec = os.path.join(tmp, "big.cast")
    make(rec)
    frames = {}
    for at in ("0.5", "end"):
        full = run("--at", at, rec).split("\n")[:40]
        frames[at] = full
    if "CURSOR-HERE" not in frames["end"][39]:
        fail("recording did not end as planned: %r" % frames["end"][39])
    out = run("--overlay", "--size", "%dx%d" % (VW, VH), "--at", "0.5,end,0.5", rec).split("\n\f\n")
    if len(out) != 3:
        fail("--at 0.5,end,0.5 gave %d frames" % len(out))
    for got, at, origin, cur in zip(out, ("0.5", "end", "0.5"), ((27, 0), (27, 51), None),
                                    (6, 110, 6)):
        lines = got.split("\n")
        if len(lines) < VH:
            fail("--at %s: %d lines, not %d" % (at, len(lines), VH))
        m = re.search(r"view %dx%d\+(\d+)\+(\d+) of 120x40" % (VW, SH), lines[VH - 1])
        if not m:
            fail("--at %s: status line %r does not say view %dx%d+X+Y of 120x40" %
                 (at, lines[VH - 1], VW, SH))
        row0, col0 = origin or (int(m.group(2)), int(m.group(1)))
        if not (col0 <= cur < col0 + VW and row0 <= 39 < row0 + SH):
            fail("--at %s: the cursor (row 39, col %d) is outside the view %r" % (at, cur, m.group(0)))
        screen = [l.rstrip() for l in lines[:SH]]
        want = region(frames[at], row0, col0)
        if screen != want:
            fail("--at %s: viewport is not rows %d.., columns %d.. of the screen:\n%s\n---\n%s" %
                 (at, row0 + 1, col0 + 1, "\n".join(screen), "\n".join(want)))
        say = "view %dx%d+%d+%d of 120x40" % (VW, SH, col0, row0)
        if say not in lines[VH - 1]:
            fail("--at %s: status line %r does not say %r" % (at, lines[VH - 1], say))
    # the cursor's text is inside the view at the end
    if "CURSOR-HERE" not in out[1]:
        fail("the cursor's region is not shown:\n" + out[1])
    print("viewport: follows the cursor to +51+27 of 120x40 and back, status line says so")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
