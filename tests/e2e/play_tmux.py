#!/usr/bin/env python3
"""tracecast play in a real terminal (tmux): keys, screen, status line,
terminal restored after q and after SIGTERM, refusal without a terminal.

Each step sends keys, waits for the status line to show the effect, then
compares the recorded-screen part of the pane with `tracecast dump --at T`
for the time the status line shows (events of the fixture are at N.5 s, so
the status line's tenths decide exactly which events are in)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "player", "interactive.cast")
from lib_tmux import SOCK, skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 120, 24   # recording is 60x10: side panel on the right


P = lib_tmux.Pane(ROWS)
capture, status, wait_for, shown_time = P.capture, P.status, P.wait_for, P.shown_time


def check_screen_matches_dump(label):
    """The left 60x10 of the pane equals dump --at the shown time."""
    t = shown_time()
    lines = capture()
    if t is None:
        fail(label + ": no time in the status line: " + status())
    d = subprocess.run([TRACECAST, "dump", "--at", "%.1f" % t, FIX], capture_output=True,
                       text=True).stdout.split("\n")[:10]
    ours = [l[:60].rstrip() for l in lines[:10]]
    if ours != d:
        # the screen may have moved on if playing; re-read once
        fail("%s: pane screen at %.1f differs from dump:\n%s\n---\n%s" %
             (label, t, "\n".join(ours), "\n".join(d)))
    return t


def stty_of_pane(path):
    # written under another name and renamed: complete once it exists
    tmux("send-keys", "-t", "t", "stty -a > %s.tmp && mv %s.tmp %s" % (path, path, path), "Enter")
    wait_for(lambda: os.path.exists(path), "stty -a")
    with open(path) as f:
        return f.read()


def player_pid():
    shell = tmux("display", "-p", "-t", "t", "#{pane_pid}").strip()
    r = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
    return int(r[0]) if r else None


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    # no terminal on stdout: refuse, pointing to dump
    r = subprocess.run([TRACECAST, "play", FIX], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    if r.returncode != 1 or "dump" not in r.stderr:
        fail("play without a terminal: exit %d, %r" % (r.returncode, r.stderr))

    tmp = tempfile.mkdtemp(prefix="tc-play.")
    try:
        P.shell(COLS)
        tmux("set", "-g", "window-size", "manual")
        before = stty_of_pane(os.path.join(tmp, "stty0"))
        P.run("%s play %s" % (TRACECAST, FIX))
        wait_for(lambda: "\u25b6" in status() and (shown_time() or 0) >= 1.0, "playing")
        # the side panel and timeline are there
        scr = capture()
        if "syscalls" not in "\n".join(scr) or "openat" not in "\n".join(scr):
            fail("no syscall panel:\n" + "\n".join(scr))

        # pause
        tmux("send-keys", "-t", "t", "Space")
        wait_for(lambda: "paused" in status(), "paused")
        t1 = shown_time()
        time.sleep(0.4)
        if shown_time() != t1:
            fail("time moves while paused")
        check_screen_matches_dump("paused")

        # seek forward and back (play clock, idle limit of 2 s in the header)
        tmux("send-keys", "-t", "t", "Right")
        wait_for(lambda: shown_time() is not None and shown_time() >= t1 + 4.9, "seek +5")
        tmux("send-keys", "-t", "t", "Right")
        wait_for(lambda: shown_time() is not None and shown_time() >= t1 + 9.9, "seek +10")
        check_screen_matches_dump("after +10 s")
        tmux("send-keys", "-t", "t", "Left")
        wait_for(lambda: abs((shown_time() or -99) - (t1 + 5)) < 0.15, "seek back -5")
        check_screen_matches_dump("after seeking back")

        # next marker: "tests" at 30 s, then "deploy"
        tmux("send-keys", "-t", "t", "]")
        wait_for(lambda: "[build]" in status() or "[tests]" in status(), "next marker")
        tmux("send-keys", "-t", "t", "]")
        wait_for(lambda: "[tests]" in status() and abs((shown_time() or 0) - 30.0) < 0.05,
                 "marker tests at 0:30.0")
        check_screen_matches_dump("at marker")
        tmux("send-keys", "-t", "t", "[")
        wait_for(lambda: "[build]" in status() and abs((shown_time() or 0) - 10.0) < 0.05,
                 "previous marker build at 0:10.0")

        # step a frame forward and back
        tmux("send-keys", "-t", "t", ".")
        wait_for(lambda: abs((shown_time() or 0) - 10.5) < 0.05, "step to 10.5")
        check_screen_matches_dump("after step")
        tmux("send-keys", "-t", "t", ",")
        wait_for(lambda: abs((shown_time() or 0) - 9.5) < 0.05, "step back to 9.5")
        check_screen_matches_dump("after step back")

        # speed
        tmux("send-keys", "-t", "t", "+")
        wait_for(lambda: "x2 " in status(), "speed x2")
        tmux("send-keys", "-t", "t", "-", "-")
        wait_for(lambda: "x0.5 " in status(), "speed x0.5")

        # jump to 50%, filter syscalls, errors only
        tmux("send-keys", "-t", "t", "5")
        wait_for(lambda: (shown_time() or 0) > 20, "jump to 50%")
        P.prompt("/", "filter", "hosts|libc")
        wait_for(lambda: "/hosts|libc/" in "\n".join(capture()), "filter in the panel title")
        panel = [l[61:] for l in capture()[:ROWS - 2]]
        calls = [l for l in panel if re.search(r"^\s*[+-]\d+\.\d{3} ", l)]
        if not calls or any(not re.search(r"hosts|libc", l) for l in calls):
            fail("filter /hosts|libc/ shows other lines:\n" + "\n".join(calls))
        tmux("send-keys", "-t", "t", "/", "Enter")  # empty clears
        wait_for(lambda: "/hosts|libc/" not in "\n".join(capture()), "filter cleared")
        tmux("send-keys", "-t", "t", "e")
        wait_for(lambda: "errors only" in "\n".join(capture()), "errors only")
        panel = [l[61:] for l in capture()[:ROWS - 2]]
        calls = [l for l in panel if re.search(r"^\s*[+-]\d+\.\d{3} ", l)]
        if not calls or any("ENOENT" not in l for l in calls):
            fail("errors-only shows other lines:\n" + "\n".join(calls))

        # overlay off: the panel goes
        tmux("send-keys", "-t", "t", "o")
        wait_for(lambda: "syscalls" not in "\n".join(capture()), "overlay off")
        # help
        tmux("send-keys", "-t", "t", "?")
        wait_for(lambda: "tracecast play: keys" in "\n".join(capture()), "help box")
        tmux("send-keys", "-t", "t", "?")
        wait_for(lambda: "tracecast play: keys" not in "\n".join(capture()), "help closed")

        # the viewer resizes: panels move below the screen, then back
        tmux("send-keys", "-t", "t", "o")
        wait_for(lambda: any(l.startswith("\u2502") or "syscalls" in l[61:] for l in capture()), "overlay on")
        tmux("resize-window", "-t", "t", "-x", "70", "-y", str(ROWS))
        wait_for(lambda: any(l.startswith(" syscalls") for l in capture()), "panel below after resize")
        tmux("resize-window", "-t", "t", "-x", "50", "-y", str(ROWS))
        wait_for(lambda: "view 50x" in status(), "viewport clipping said in the status line")
        tmux("resize-window", "-t", "t", "-x", str(COLS), "-y", str(ROWS))
        wait_for(lambda: any("syscalls" in l[61:] for l in capture()), "side panel again")

        # quit: terminal restored
        P.quit()
        if tmux("display", "-p", "-t", "t", "#{alternate_on}").strip() != "0":
            fail("still on the alternate screen after q")
        after = stty_of_pane(os.path.join(tmp, "stty1"))
        if after != before:
            fail("stty -a changed after q:\n%s\n---\n%s" % (before, after))

        # SIGTERM: terminal restored too
        P.run("%s play %s" % (TRACECAST, FIX))
        wait_for(lambda: "\u25b6" in status(), "playing again")
        pid = wait_for(player_pid, "player pid")
        os.kill(pid, 15)
        wait_for(lambda: any("EXIT=143" in l for l in capture()), "exit 143 after SIGTERM")
        if tmux("display", "-p", "-t", "t", "#{alternate_on},#{cursor_flag}").strip() != "0,1":
            fail("alternate screen or hidden cursor left after SIGTERM")
        after = stty_of_pane(os.path.join(tmp, "stty2"))
        if after != before:
            fail("stty -a changed after SIGTERM:\n%s\n---\n%s" % (before, after))

        # SIGHUP and Ctrl-C: the same
        for how, code in (("HUP", 129), ("C-c", 0)):
            P.run("%s play %s" % (TRACECAST, FIX))
            wait_for(lambda: "\u25b6" in status(), "playing again")
            if how == "HUP":
                os.kill(wait_for(player_pid, "player pid"), 1)
            else:
                tmux("send-keys", "-t", "t", "C-c")
            wait_for(lambda: any("EXIT=%d" % code in l for l in capture()), "exit after " + how)
            if tmux("display", "-p", "-t", "t", "#{alternate_on},#{cursor_flag}").strip() != "0,1":
                fail("alternate screen or hidden cursor left after " + how)
            after = stty_of_pane(os.path.join(tmp, "stty-" + how))
            if after != before:
                fail("stty -a changed after %s:\n%s\n---\n%s" % (how, before, after))
        # -m pauses exactly at the marker; -l goes round again
        P.run("%s play -m -s 8 --from 8 %s" % (TRACECAST, FIX))
        wait_for(lambda: "paused" in status() and "[build]" in status(), "paused at marker build", 20)
        if abs((shown_time() or 0) - 10.0) > 0.05:
            fail("-m paused at %s, not at the marker's 0:10.0" % status())
        P.quit(what="exit after -m")
        P.run("%s play -l -s 8 --from 57 %s" % (TRACECAST, FIX))
        wait_for(lambda: (shown_time() or 0) >= 59.0, "near the end")
        wait_for(lambda: 57.0 <= (shown_time() or 0) < 58.5, "looped back to 0:57")
        if "paused" in status():
            fail("-l paused at the end instead of looping")
        P.quit(what="exit after -l")
    finally:
        subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("play: keys, screen, status line and terminal restore all checked")


main()
