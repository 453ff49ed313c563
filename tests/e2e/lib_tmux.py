"""Helpers shared by the tmux-driven player tests: each test runs its own
tmux server on a private socket (SOCK), killed when the test fails."""
import os
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
