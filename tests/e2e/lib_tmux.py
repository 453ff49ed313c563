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

    def shell(self, cols):
        """Start the pane: a clean bash (no rc files, PATH and TERM only)
        on a COLSxROWS window, tmux's own status line off."""
        tmux("new-session", "-d", "-s", "t", "-x", str(cols), "-y", str(self.rows),
             "env", "-i", "PATH=/usr/bin:/bin", "TERM=tmux-256color", "PS1=$ ",
             "bash", "--norc", "--noprofile")
        tmux("set", "-g", "status", "off")

    def run(self, cmd):
        """Clear the pane and run cmd in its shell; "EXIT=N" follows."""
        tmux("send-keys", "-t", "t", "clear; %s; echo EXIT=$?" % cmd, "Enter")

    def exited(self):
        """Did the command started by run() end with exit 0?"""
        return any("EXIT=0" in l for l in self.capture())

    def quit(self, keys=("q",), what="exit 0 after q"):
        """Send keys (q: quit the player) and wait for exit 0."""
        tmux("send-keys", "-t", "t", *keys)
        self.wait_for(self.exited, what)

    def prompt(self, key, label, text):
        """Open the player's prompt with key, wait for "LABEL: _" in the
        status line, type text and Enter."""
        tmux("send-keys", "-t", "t", key)
        self.wait_for(lambda: "%s: _" % label in self.status(), label + " prompt")
        tmux("send-keys", "-t", "t", "-l", text)
        tmux("send-keys", "-t", "t", "Enter")
