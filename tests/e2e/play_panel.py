#!/usr/bin/env python3
"""The syscall panel can be navigated (issue 16): Tab focuses it (said in
the status line), Up/Down select a row (scrolling past the top), Enter
opens a detail box with the whole line wrapped (a multi-fd poll whose
timeout argument the panel cuts), its duration, start and end in recording
time and its tid; Esc closes the box, then leaves the panel."""
import os
import re
import shutil
import tempfile

TRACECAST = os.environ["TRACECAST"]
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 110, 20
FDS = ", ".join("{fd=%d, events=POLLIN}" % fd for fd in range(3, 15))
POLL = "poll([%s], 12, 4321) = 1 ([{fd=7, revents=POLLIN}])" % FDS


P = lib_tmux.Pane(ROWS)
capture, status, wait_for = P.capture, P.status, P.wait_for


def joined():
    """The pane's text with the box's edges and spaces removed, one string
    (the detail box wraps the line)."""
    return "".join(l.replace("\u2502", "").strip() for l in capture()).replace(" ", "")


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-panel.")
    cast = os.path.join(tmp, "p.cast")
    with open(cast, "w") as f:
        f.write('{"version": 2, "width": 30, "height": 5}\n')
        f.write('[0.1, "o", "working\\r\\n"]\n')
        for i in range(30):
            f.write('[%.1f, "s", "77 close(%d) = 0 <0.000002>"]\n' % (0.2 + i * 0.01, i + 3))
        f.write('[1.0, "s", "78 %s <0.250000>"]\n' % POLL.replace('"', '\\"'))
        f.write('[1.5, "s", "77 openat(AT_FDCWD, \\"/nope\\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000004>"]\n')
        f.write('[2.0, "o", "done\\r\\n"]\n')
    try:
        P.shell(COLS)
        P.run("%s play %s" % (TRACECAST, cast))
        wait_for(lambda: "done" in "\n".join(capture()) and "paused" in status(), "at the end, paused")
        scr = "\n".join(capture())
        if "4321" in scr:
            fail("the panel shows the whole poll line; the test needs it cut:\n" + scr)
        tmux("send-keys", "-t", "t", "Tab")
        wait_for(lambda: "[syscalls:" in status(), "focus said in the status line")
        # the newest row (openat) is selected: its details
        tmux("send-keys", "-t", "t", "Enter")
        wait_for(lambda: "Esc/Enter closes" in "\n".join(capture()), "detail box")
        if "/nope" not in joined() or "failed" not in "\n".join(capture()):
            fail("detail of the newest line:\n" + "\n".join(capture()))
        tmux("send-keys", "-t", "t", "Escape")
        wait_for(lambda: "Esc/Enter closes" not in "\n".join(capture()), "detail closed")
        if "[syscalls:" not in status():
            fail("Esc closing the box also left the panel: " + status())
        # one up: the poll, whole, with its duration and times
        tmux("send-keys", "-t", "t", "Up", "Enter")
        wait_for(lambda: "Esc/Enter closes" in "\n".join(capture()), "detail box of the poll")
        text = joined()
        if POLL.replace(" ", "") not in text:
            fail("the whole poll line is not in the detail box:\n" + "\n".join(capture()))
        box = "\n".join(capture())
        for want in ("tid 78", "duration 250.0ms", "start 0:01.0", "end 0:01.2"):
            if want not in box:
                fail("detail box lacks %r:\n%s" % (want, box))
        tmux("send-keys", "-t", "t", "Escape")
        # scroll past the top of the panel: older lines come in
        tmux("send-keys", "-t", "t", *(["Up"] * 35))
        wait_for(lambda: "close(3) " in "\n".join(capture()),
                 "older lines scrolled in")
        tmux("send-keys", "-t", "t", "Escape")
        wait_for(lambda: "[syscalls:" not in status(), "Esc left the panel")
        P.quit()
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


main()
