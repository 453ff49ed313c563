#!/usr/bin/env python3
"""The player as a debugger (issue 16), in tmux on an 80x24 terminal:
help pauses, fits the terminal in a box with no line cut and closes with
Esc; [ before the first marker goes to the start and ] after the last to
the end; f/F jump to the next/previous failed call and l/L to slow ones;
the filter grammar (name=, failed, slow>, a regex without the TID prefix)
in the prompt, with a clear message for a bad expression; the same
message from play --filter and dump --filter."""
import os
import re
import shutil
import subprocess

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "player", "interactive.cast")
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 80, 24
HELP = [
    "tracecast play: keys (Esc closes, playback paused)",
    "space       pause / resume",
    "f F         next / previous failed call",
    "l L         next / previous slow call (--slow)",
    "/           filter: name=N tid=N failed slow>D REGEX",
    "q           quit",
]


P = lib_tmux.Pane(ROWS)
capture, status, wait_for, shown_time = P.capture, P.status, P.wait_for, P.shown_time


def at(t, what):
    wait_for(lambda: shown_time() is not None and abs(shown_time() - t) < 0.05,
             "%s (at %.1f)" % (what, t))


def panel_calls():
    return [l for l in capture()[:ROWS - 2] if re.search(r"^\s*[+-]\d+\.\d{3} ", l)]


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    # bad expressions: a clear message, exit 2, from both commands
    for cmd in (["play", "--filter", "poll(", FIX],
                ["dump", "--overlay", "--size", "80x24", "--filter", "poll(", FIX]):
        r = subprocess.run([TRACECAST] + cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if r.returncode != 2 or "'poll('" not in r.stderr or "escape ( as \\(" not in r.stderr:
            fail("%s --filter 'poll(': exit %d, %r" % (cmd[0], r.returncode, r.stderr))
    r = subprocess.run([TRACECAST, "dump", "--overlay", "--size", "80x24", "--filter", "slow>x", FIX],
                       capture_output=True, text=True)
    if r.returncode != 2 or "expected a duration" not in r.stderr:
        fail("dump --filter slow>x: exit %d, %r" % (r.returncode, r.stderr))
    try:
        P.shell(COLS)
        P.run("%s play %s" % (TRACECAST, FIX))
        wait_for(lambda: "\u25b6" in status() and (shown_time() or 0) >= 0.5, "playing")

        # help: pauses, a whole box in 80x24, Esc closes and plays on
        tmux("send-keys", "-t", "t", "?")
        wait_for(lambda: HELP[0] in "\n".join(capture()), "help box")
        scr = capture()
        for want in HELP:
            if not any(want in l for l in scr):
                fail("help line cut or missing: %r\n%s" % (want, "\n".join(scr)))
        if not any("\u250c" in l for l in scr) or not any("\u2518" in l for l in scr):
            fail("help box has no corners (cut):\n" + "\n".join(scr))
        wait_for(lambda: "paused" in status(), "help pauses playback")
        tmux("send-keys", "-t", "t", "Escape")
        wait_for(lambda: HELP[0] not in "\n".join(capture()), "help closed by Esc")
        wait_for(lambda: "\u25b6" in status(), "playing again after the help")

        # markers: [ before the first one -> start; ] after the last -> end
        tmux("send-keys", "-t", "t", "Space")
        wait_for(lambda: "paused" in status(), "paused")
        tmux("send-keys", "-t", "t", "0")
        at(0.0, "jump to 0%")
        tmux("send-keys", "-t", "t", ".", ".", ".")
        wait_for(lambda: (shown_time() or 0) > 0, "stepped")
        tmux("send-keys", "-t", "t", "[")
        at(0.0, "[ before the first marker goes to the start")
        for t in (10.0, 30.0, 50.0):
            tmux("send-keys", "-t", "t", "]")
            at(t, "] to the next marker")
        tmux("send-keys", "-t", "t", "]")
        at(59.7, "] after the last marker goes to the end")

        # jumps: failed calls (ENOENT at 1.6, 3.6, ...), slow calls (41.5..44.5)
        tmux("send-keys", "-t", "t", "0")
        at(0.0, "back to the start")
        tmux("send-keys", "-t", "t", "f")
        at(1.6, "f: first failed call")
        tmux("send-keys", "-t", "t", "f")
        at(3.6, "f: next failed call")
        tmux("send-keys", "-t", "t", "F")
        at(1.6, "F: previous failed call")
        tmux("send-keys", "-t", "t", "l")
        at(41.5, "l: first slow call")
        tmux("send-keys", "-t", "t", "l")
        at(42.5, "l: next slow call")
        tmux("send-keys", "-t", "t", "L")
        at(41.5, "L: previous slow call")
        tmux("send-keys", "-t", "t", "L")
        wait_for(lambda: "no slow call before" in status(), "no slow call before 41.5")
        if shown_time() != 41.5:
            fail("L with no slow call before moved the playhead: " + status())
        tmux("send-keys", "-t", "t", "f")
        at(45.6, "f after the slow calls")
        # the panel shows the failed call at the playhead
        if not any("ENOENT" in l and "+0.000" in l for l in panel_calls()):
            fail("the failed call is not in the panel at +0.000:\n" + "\n".join(capture()))

        # filters in the prompt: a regex without the TID prefix
        P.prompt("/", "filter", "^openat\\(")
        wait_for(lambda: "/^openat\\(/" in "\n".join(capture()), "filter in the panel title")
        calls = panel_calls()
        if not calls or any("openat(" not in l for l in calls):
            fail("filter ^openat\\( shows other lines:\n" + "\n".join(calls))
        # name= and failed together
        P.prompt("/", "filter", "name=openat failed")
        wait_for(lambda: "/name=openat failed/" in "\n".join(capture()), "filter name=openat failed")
        calls = panel_calls()
        if not calls or any("openat(" not in l or "ENOENT" not in l for l in calls):
            fail("filter name=openat failed shows other lines:\n" + "\n".join(calls))
        # slow>: only the 1 s polls
        P.prompt("/", "filter", "slow>500ms")
        wait_for(lambda: "/slow>500ms/" in "\n".join(capture()), "filter slow>500ms")
        calls = panel_calls()
        if not calls or any("poll(" not in l for l in calls):
            fail("filter slow>500ms shows other lines:\n" + "\n".join(calls))
        # a bad expression: said in the status line, the filter kept
        P.prompt("/", "filter", "poll(")
        wait_for(lambda: "filter 'poll('" in status(), "the bad filter's message")
        if "/slow>500ms/" not in "\n".join(capture()):
            fail("a bad filter replaced the previous one:\n" + "\n".join(capture()))

        # search the output as in less: t, text, Enter; n next, N previous
        tmux("send-keys", "-t", "t", "0")
        at(0.0, "back to the start for the search")
        tmux("send-keys", "-t", "t", "t")
        wait_for(lambda: "search: _" in status(), "search prompt")
        tmux("send-keys", "-t", "t", "-l", "tick 2")
        tmux("send-keys", "-t", "t", "Enter")
        at(20.5, "search: first output holding 'tick 2'")
        tmux("send-keys", "-t", "t", "n")
        at(21.5, "n: the next one")
        tmux("send-keys", "-t", "t", "n")
        at(22.5, "n: the next one again")
        tmux("send-keys", "-t", "t", "N")
        at(21.5, "N: the previous one")
        # the screen there is dump's
        d = subprocess.run([TRACECAST, "dump", "--at", "21.5", FIX], capture_output=True,
                           text=True).stdout.split("\n")[:10]
        if [l[:60].rstrip() for l in capture()[:10]] != d:
            fail("screen after the search differs from dump --at 21.5:\n" + "\n".join(capture()))
        tmux("send-keys", "-t", "t", "t")
        wait_for(lambda: "search: _" in status(), "search prompt")
        tmux("send-keys", "-t", "t", "-l", "no such text")
        tmux("send-keys", "-t", "t", "Enter")
        wait_for(lambda: "not found" in status(), "search: not found")
        if shown_time() != 21.5:
            fail("a failed search moved the playhead: " + status())

        P.quit()
    finally:
        tmux("kill-server")


main()
