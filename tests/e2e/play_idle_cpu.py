#!/usr/bin/env python3
"""A paused player sleeps (issue 16): after a backward seek, a step back or
a filter change, the paused player must not spin. Before the fix a message
("seeking...", "filter set") that expired while nothing else was due kept
poll() at a zero timeout: 40-60% of a core until the next key, with the
status line stuck at "seeking...".

The player runs in tmux on a generated recording with 8 MB of output (so
that a seek back takes several 1 MiB slices and shows "seeking..."); its
CPU time over a paused second comes from /proc/PID/stat."""
import os
import re
import shutil
import subprocess
import tempfile
import time

TRACECAST = os.environ["TRACECAST"]
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 100, 30
TICK = os.sysconf("SC_CLK_TCK")


P = lib_tmux.Pane(ROWS, timeout=20.0)
capture, status, wait_for = P.capture, P.status, P.wait_for


def player_pid():
    shell = tmux("display", "-p", "-t", "t", "#{pane_pid}").strip()
    r = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
    return int(r[0]) if r else None


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def check_idle(pid, label):
    """The paused player uses under 10% of a core over one second, and the
    status line does not say seeking..."""
    wait_for(lambda: "paused" in status(), label + ": paused")
    time.sleep(3.5)  # a message lives 3 s: the bug starts when it expires
    c0, t0 = cpu_ticks(pid), time.monotonic()
    time.sleep(1.0)  # the measurement window
    c1, t1 = cpu_ticks(pid), time.monotonic()
    share = (c1 - c0) / TICK / (t1 - t0)
    if share > 0.10:
        fail("%s: the paused player used %.0f%% of a core (status: %s)" % (label, share * 100, status()))
    if "seeking" in status():
        fail("%s: status still says seeking...: %s" % (label, status()))
    print("%s: %.1f%% of a core while paused" % (label, share * 100))


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-idle.")
    cast = os.path.join(tmp, "big.cast")
    with open(cast, "w") as f:
        f.write('{"version": 2, "width": 80, "height": 24}\n')
        line = ("\\u001b[3%dm" + "x" * 2000 + "\\r\\n")
        for i in range(4000):
            f.write('[%.2f, "o", "%s"]\n' % (i * 0.01, line % (i % 8)))
            if i % 10 == 0:
                f.write('[%.2f, "s", "7 poll([{fd=3, events=POLLIN}], 1, 100) = 0 (Timeout) <0.1>"]\n' % (i * 0.01))
    try:
        P.shell(COLS)
        P.run("%s play --speed 4 %s" % (TRACECAST, cast))
        wait_for(lambda: re.search(r"0:(2\d|3\d)\.\d / ", status()), "playing past 20 s")
        pid = wait_for(player_pid, "player pid")
        tmux("send-keys", "-t", "t", "Space")
        wait_for(lambda: "paused" in status(), "paused")
        # backward seek: 5 s back is MBs of output to replay
        tmux("send-keys", "-t", "t", "Left")
        check_idle(pid, "after a backward seek")
        tmux("send-keys", "-t", "t", ",")
        check_idle(pid, "after a step back")
        tmux("send-keys", "-t", "t", "/")
        wait_for(lambda: "filter" in status(), "filter prompt")
        tmux("send-keys", "-t", "t", "-l", "poll")
        tmux("send-keys", "-t", "t", "Enter")
        check_idle(pid, "after a filter change")
        P.quit()
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


main()
