#!/usr/bin/env python3
"""Keys split across reads (issue 11 item 13): over ssh an arrow key can
arrive as ESC, then "[C" a few ms later. The player must take it as one
Right key (seek +5 s), not as Escape, "[" (previous marker) and "C". A lone
Escape still works (it closes the help box) once its short wait is over."""
import os
import re
import shutil

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "player", "interactive.cast")
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 120, 24


P = lib_tmux.Pane(ROWS)
capture, status, wait_for, shown_time = P.capture, P.status, P.wait_for, P.shown_time


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    try:
        P.shell(COLS)
        tmux("set", "-s", "escape-time", "0")
        P.run("%s play %s" % (TRACECAST, FIX))
        wait_for(lambda: "\u25b6" in status(), "playing")
        tmux("send-keys", "-t", "t", "Space")
        wait_for(lambda: "paused" in status(), "paused")
        tmux("send-keys", "-t", "t", "4")  # 40%: past the first marker
        wait_for(lambda: (shown_time() or 0) > 15, "jump to 40%")
        t0 = shown_time()
        for attempt in range(3):
            # ESC alone, then the rest of the arrow key in a second write
            # 20 ms later: one tmux command queue with a timer in the
            # server between (run-shell -d, no shell), so neither a slow
            # client start nor a process spawn can widen the gap
            tmux("send-keys", "-t", "t", "-H", "1b", ";", "run-shell", "-d", "0.02", ";",
                 "send-keys", "-t", "t", "-l", "[C")
            wait_for(lambda: shown_time() is not None and shown_time() != t0,
                     "the time to move after ESC + [C")
            t1 = shown_time()
            if abs(t1 - (t0 + 5)) > 0.15:
                fail("ESC then [C moved from %.1f to %.1f, not +5 s (status: %s)" % (t0, t1, status()))
            t0 = t1
        # a lone Escape closes the help box
        tmux("send-keys", "-t", "t", "?")
        wait_for(lambda: "tracecast play: keys" in "\n".join(capture()), "help box")
        tmux("send-keys", "-t", "t", "-H", "1b")
        wait_for(lambda: "tracecast play: keys" not in "\n".join(capture()), "help closed by Escape")
        P.quit()
    finally:
        tmux("kill-server")


main()
