#!/usr/bin/env python3
"""Opening a big recording shows progress (issue 16): before the fix a
270 MB recording showed nothing for 7-10 s while the player indexed it.
From 100 ms on, stderr (a terminal) says "indexing FILE: N% (...)"; the
line is wiped when the player starts. The recording here is ~100 MB of
strace lines (about 0.5 s of indexing alone, more on a busy machine)."""
import os
import shutil
import tempfile

TRACECAST = os.environ["TRACECAST"]
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 100, 30


def capture():
    return tmux("capture-pane", "-p", "-t", "t").split("\n")[:ROWS]


def wait_for(cond, what, timeout=60.0):
    return lib_tmux.wait_for(cond, what, timeout, lambda: "\n".join(capture()))


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-progress.")
    cast = os.path.join(tmp, "big.cast")
    line = ('[%.6f, "s", "4242 openat(AT_FDCWD, \\"/home/user/.virtualenvs/eventlet/lib/python3.11/'
            'site-packages/eventlet/green/socket.py\\", O_RDONLY|O_CLOEXEC) = -1 ENOENT '
            '(No such file or directory) <0.000012>"]\n')
    with open(cast, "w") as f:
        f.write('{"version": 2, "width": 80, "height": 24}\n')
        f.write('[0.0, "o", "hello"]\n')
        chunk = []
        for i in range(600000):
            chunk.append(line % (i * 0.0001))
            if len(chunk) == 10000:
                f.write("".join(chunk))
                chunk = []
    try:
        tmux("new-session", "-d", "-s", "t", "-x", str(COLS), "-y", str(ROWS),
             "env", "-i", "PATH=/usr/bin:/bin", "TERM=tmux-256color", "PS1=$ ",
             "bash", "--norc", "--noprofile")
        tmux("set", "-g", "status", "off")
        # everything written to the pane, so a progress line shown for a
        # few hundred ms is seen however slowly the screen is polled
        log = os.path.join(tmp, "pane.log")
        tmux("pipe-pane", "-t", "t", "-o", "cat >> %s" % log)
        tmux("send-keys", "-t", "t", "clear; %s play %s; echo EXIT=$?" % (TRACECAST, cast), "Enter")
        wait_for(lambda: "hello" in "\n".join(capture()), "the player's screen")

        def progress():
            with open(log, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            return next((l for l in text.replace("\r", "\n").split("\n") if "indexing" in l), None)
        seen = wait_for(progress, "a progress line while indexing (in the pane's output)", 10.0)
        if "%" not in seen or "MB" not in seen:
            fail("progress line without a percentage: %r" % seen)
        tmux("send-keys", "-t", "t", "q")
        wait_for(lambda: any("EXIT=0" in l for l in capture()), "exit 0 after q")
        if any("indexing" in l for l in capture()):
            fail("the progress line was left on the screen:\n" + "\n".join(capture()))
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


main()
