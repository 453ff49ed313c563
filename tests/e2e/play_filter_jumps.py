#!/usr/bin/env python3
"""Jumps respect the active filter and the output search matches the text
as shown (issue 16). With the filter name=stat, f goes to the failed stat,
past a failed openat the panel hides; with name=read, l goes to the slow
read past a slow poll; F and L likewise backward. The search t finds
"foo" written as fo<SGR bold>o, and "baz" written across two "o" events.
Without compose_sys_wanted in play_jump_sys (f29d894), f stops at the
hidden openat at 1.2; on 550bd97 (raw-byte search) both searches say not
found."""
import json
import os
import shutil
import tempfile

TRACECAST = os.environ["TRACECAST"]
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 100, 20

EVENTS = [
    (0.2, "o", "start\r\n"),
    (1.0, "o", "fo\x1b[1mo\x1b[0m bar\r\n"),
    (1.2, "s", '10 openat(AT_FDCWD, "/a", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>'),
    (1.5, "s", "10 poll([{fd=3, events=POLLIN}], 1, 900) = 0 (Timeout) <0.900000>"),
    (2.0, "o", "ba"),
    (2.5, "o", "z qux\r\n"),
    (3.0, "s", '10 stat("/b", 0x7ffc) = -1 ENOENT (No such file or directory) <0.000010>'),
    (3.5, "s", '10 read(3, "x", 1) = 1 <0.500000>'),
    (4.0, "s", '10 openat(AT_FDCWD, "/c", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>'),
    (4.5, "s", "10 poll([{fd=3, events=POLLIN}], 1, 900) = 0 (Timeout) <0.900000>"),
    (5.0, "o", "end\r\n"),
]

P = lib_tmux.Pane(ROWS)
capture, status, wait_for, shown_time = P.capture, P.status, P.wait_for, P.shown_time


def at(t, what):
    wait_for(lambda: shown_time() is not None and abs(shown_time() - t) < 0.05,
             "%s (at %.1f)" % (what, t))


def keys(*k):
    tmux("send-keys", "-t", "t", *k)


def jumps(flt, fwd, back, t, kind, what):
    """Set the filter flt, go back to the start, then fwd reaches the one
    shown call at t; fwd and back again find nothing beyond it."""
    P.prompt("/", "filter", flt)
    wait_for(lambda: "/%s/" % flt in "\n".join(capture()), "filter %s set" % flt)
    keys("0")
    at(0.0, "back to the start")
    keys(fwd)
    at(t, "%s: %s" % (fwd, what))
    keys(fwd)
    wait_for(lambda: "no %s call after" % kind in status(), "no shown %s call after %.1f" % (kind, t))
    keys(back)
    wait_for(lambda: "no %s call before" % kind in status(), "no shown %s call before %.1f" % (kind, t))


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-fjumps.")
    cast = os.path.join(tmp, "j.cast")
    with open(cast, "w") as f:
        f.write('{"version": 2, "width": 40, "height": 6}\n')
        for e in EVENTS:
            f.write(json.dumps(list(e)) + "\n")
    try:
        P.shell(COLS)
        P.run("%s play --slow 100 %s" % (TRACECAST, cast))
        wait_for(lambda: "end" in "\n".join(capture()) and "paused" in status(), "at the end, paused")
        # failed calls, filtered to stat: the openat at 1.2 is hidden
        jumps("name=stat", "f", "F", 3.0, "failed", "the failed stat, past the hidden openat")
        # slow calls, filtered to read: the polls are hidden
        jumps("name=read", "l", "L", 3.5, "slow", "the slow read, past the hidden poll")
        # the search matches the text as shown
        keys("0")
        at(0.0, "back to the start")
        P.prompt("t", "search", "foo")
        at(1.0, "search: foo written fo<SGR>o")
        P.prompt("t", "search", "baz")
        at(2.5, "search: baz written across two events")
        keys("N")
        wait_for(lambda: "not found" in status(), "no baz before 2.5")
        P.quit()
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


main()
