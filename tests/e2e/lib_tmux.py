"""Helpers shared by the tmux-driven player tests: each test runs its own
tmux server on a private socket (SOCK), killed when the test fails."""
import os
import re
import subprocess
import sys
import time

SOCK = "tcplay%d" % os.getpid()


def skip(msg):
    print("skipped: " + msg, file=sys.stderr)
    sys.exit(77)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
    sys.exit(1)


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null"] + list(args),
                          capture_output=True, text=True).stdout


def wait_for(cond, what, timeout=15.0, screen=None):
    """Poll cond() until it returns a true value (returned); on time-out
    fail, showing screen() when given."""
    end = time.time() + timeout
    while time.time() < end:
        r = cond()
        if r:
            return r
        time.sleep(0.05)
    fail("timed out waiting for %s%s" % (what, "; screen:\n" + screen() if screen else ""))


class Pane:
    """The player's pane "t" of ROWS rows: its text, its status line (the
    last row), waits on it, and the time the status line shows."""

    def __init__(self, rows, timeout=15.0):
        self.rows, self.timeout = rows, timeout

    def capture(self):
        return tmux("capture-pane", "-p", "-t", "t").split("\n")[:self.rows]

    def status(self):
        lines = self.capture()
        return lines[self.rows - 1] if len(lines) >= self.rows else ""

    def wait_for(self, cond, what, timeout=None):
        return wait_for(cond, what, timeout or self.timeout, lambda: "\n".join(self.capture()))

    def shown_time(self):
        """Seconds of the status line's "M:SS.s / ", or None."""
        m = re.search(r"(\d+):(\d\d)\.(\d) / ", self.status())
        if not m:
            return None
        return int(m.group(1)) * 60 + int(m.group(2)) + int(m.group(3)) / 10.0
