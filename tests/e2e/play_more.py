#!/usr/bin/env python3
"""tracecast play in a real terminal (tmux), the keys and options that
play_tmux.py does not cover:
- Shift-Right / Shift-Left seek +10% / -10% of the duration (status line
  time moves by 5.97 s on the 59.7 s interactive.cast played with -i 0)
  and the screen equals `dump --at` the shown time;
- `s` hides / shows the syscall panel, `p` the profile strip
  (strace_enoent.cast has both), each leaving the other alone;
- `--no-overlay` starts with panels and timeline bar off, `o` turns them on;
- `--filter 'open|ENOENT'`: the panel lists only matching calls;
- a 60x15 viewer of a 120x40 recording whose cursor ends bottom right:
  the viewport follows the cursor, the status line says
  `view 60x13+X+Y of 120x40` with the cursor in it (X in 51..60, Y 27),
  the pane shows exactly that region of `dump --at end`.
Each step waits on the pane's content (no fixed sleeps)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIXD = os.path.join(ROOT, "tests", "fixtures", "player")
INTER = os.path.join(FIXD, "interactive.cast")   # 60x10, 59.7 s, s events
STRACE = os.path.join(FIXD, "strace_enoent.cast")  # 60x6, 2.2 s, s and p events
from lib_tmux import SOCK, skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 120, 24
CALL = re.compile(r"^\s*[+-]\d+\.\d{3} ")


def pane_rows():
    return int(tmux("display", "-p", "-t", "t", "#{pane_height}").strip() or ROWS)


def capture():
    n = pane_rows()
    return tmux("capture-pane", "-p", "-t", "t").split("\n")[:n]


def status():
    lines = capture()
    return lines[-1] if lines else ""


def text():
    return "\n".join(capture())


def wait_for(cond, what, timeout=20.0):
    return lib_tmux.wait_for(cond, what, timeout, text)


def shown_time():
    m = re.search(r"(\d+):(\d\d)\.(\d) / ", status())
    if not m:
        return None
    return int(m.group(1)) * 60 + int(m.group(2)) + int(m.group(3)) / 10.0


def dump_at(path, t, rows):
    r = subprocess.run([TRACECAST, "dump", "--at", t, path], capture_output=True, text=True)
    if r.returncode != 0:
        fail("dump --at %s: %s" % (t, r.stderr))
    return r.stdout.split("\n")[:rows]


def check_screen(path, cols, rows, label):
    t = shown_time()
    if t is None:
        fail(label + ": no time in the status line: " + status())
    ours = [l[:cols].rstrip() for l in capture()[:rows]]
    want = dump_at(path, "%.1f" % t, rows)
    if ours != want:
        fail("%s: pane screen at %.1f differs from dump:\n%s\n---\n%s" %
             (label, t, "\n".join(ours), "\n".join(want)))
    return t


def start(args, cond, what):
    tmux("send-keys", "-t", "t", "clear; %s play %s; echo EXIT=$?" % (TRACECAST, args), "Enter")
    wait_for(cond, what)


def quit_player():
    tmux("send-keys", "-t", "t", "q")
    wait_for(lambda: "EXIT=0" in text(), "exit 0 after q")
    tmux("send-keys", "-t", "t", "clear", "Enter")
    wait_for(lambda: "EXIT=0" not in text(), "pane cleared")


def at_end(dur):
    return lambda: "paused" in status() and shown_time() == dur


def panel():
    """The side panel's text (right of the 60-column screen)."""
    return [l[61:] for l in capture()[:ROWS - 2]]


def big_recording(path):
    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": 120, "height": 40,
                            "timestamp": 1700000000}) + "\n")
        for i in range(40):
            line = ("%02d" % i) + "".join(chr(65 + (i + c) % 26) if c % 7 == 0 else
                                          "%d" % ((i + c) % 10) for c in range(2, 120))
            f.write(json.dumps([0.1 + i * 0.005, "o", line if i == 39 else line + "\r\n"]) + "\n")
        f.write(json.dumps([0.5, "o", "\x1b[40;100HCURSOR-HERE"]) + "\n")


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-play-more.")
    try:
        tmux("new-session", "-d", "-s", "t", "-x", str(COLS), "-y", str(ROWS),
             "env", "-i", "PATH=/usr/bin:/bin", "TERM=tmux-256color", "PS1=$ ",
             "bash", "--norc", "--noprofile")
        tmux("set", "-g", "status", "off")
        tmux("set", "-g", "window-size", "manual")

        # --- Shift-Left / Shift-Right: +-10% of 59.7 s (no idle limit) ---
        start("-i 0 " + INTER, lambda: "\u25b6" in status() and " / 0:59.7" in status(),
              "playing interactive.cast")
        tmux("send-keys", "-t", "t", "Space")
        wait_for(lambda: "paused" in status(), "paused")
        tmux("send-keys", "-t", "t", "2")     # 20% = 11.94 s
        wait_for(lambda: shown_time() == 11.9, "jump to 20% (0:11.9)")
        t0 = check_screen(INTER, 60, 10, "at 20%")
        steps = (("S-Right", 17.9), ("S-Right", 23.8), ("S-Left", 17.9), ("S-Left", 11.9),
                 ("S-Left", 5.9), ("S-Left", 0.0))
        for key, want in steps:
            tmux("send-keys", "-t", "t", key)
            wait_for(lambda: shown_time() == want, "%s to 0:%04.1f" % (key, want))
            t1 = check_screen(INTER, 60, 10, "after " + key)
            if want > 0 and abs(abs(t1 - t0) - 5.97) > 0.1:
                fail("%s moved %.1f -> %.1f, not 10%% of 59.7 s" % (key, t0, t1))
            if "paused" not in status():
                fail(key + " resumed playing")
            t0 = t1
        # clamped at the end: +10% from 0:53.7 stops at 0:59.7
        tmux("send-keys", "-t", "t", "9")
        wait_for(lambda: shown_time() == 53.7, "jump to 90%")
        tmux("send-keys", "-t", "t", "S-Right")
        wait_for(lambda: shown_time() == 59.7, "S-Right clamped at the end")
        check_screen(INTER, 60, 10, "at the end")
        quit_player()

        # --- s and p toggle the syscall panel and the profile strip ---
        start("-s 4 " + STRACE, at_end(2.2), "strace_enoent.cast played to the end")
        both = text()
        for need in ("CPU", "RSS", "syscalls 7/7", "ENOENT"):
            if need not in both:
                fail("%r not in the panels at the end:\n%s" % (need, both))
        tmux("send-keys", "-t", "t", "s")
        wait_for(lambda: "syscalls" not in text() and "ENOENT" not in text(), "s: syscall panel off")
        if "CPU" not in text() or "RSS" not in text():
            fail("s also hid the profile strip:\n" + text())
        tmux("send-keys", "-t", "t", "s")
        wait_for(lambda: "syscalls 7/7" in text(), "s: syscall panel on again")
        tmux("send-keys", "-t", "t", "p")
        wait_for(lambda: "CPU" not in text() and "RSS" not in text(), "p: profile strip off")
        if "syscalls 7/7" not in text() or "ENOENT" not in text():
            fail("p also hid the syscall panel:\n" + text())
        tmux("send-keys", "-t", "t", "p")
        wait_for(lambda: "CPU" in text() and "RSS" in text(), "p: profile strip on again")
        check_screen(STRACE, 60, 6, "strace_enoent at the end")
        quit_player()

        # --- --no-overlay starts without panels; o turns them on ---
        start("-s 4 --no-overlay " + STRACE, at_end(2.2), "--no-overlay played to the end")
        scr = text()
        if any(w in scr for w in ("syscalls", "CPU", "RSS", "ENOENT (", "\u2503")):
            fail("--no-overlay shows panels or the timeline bar:\n" + scr)
        check_screen(STRACE, 60, 6, "--no-overlay screen")
        tmux("send-keys", "-t", "t", "o")
        wait_for(lambda: "syscalls 7/7" in text() and "CPU" in text() and "\u2503" in text(),
                 "o: panels and timeline on")
        quit_player()

        # --- --filter 'open|ENOENT' ---
        start("-s 4 --filter 'open|ENOENT' " + STRACE, at_end(2.2), "--filter played to the end")
        wait_for(lambda: "/open|ENOENT/" in text(), "the filter in the panel title")
        calls = [l for l in panel() if CALL.search(l)]
        if len(calls) != 2 or any(not re.search(r"open|ENOENT", l) for l in calls):
            fail("--filter 'open|ENOENT' panel lines (want the two openat):\n" + "\n".join(calls))
        if "ENOENT" not in calls[1] or "ld.so.cache" not in calls[0]:
            fail("--filter: not the two openat calls:\n" + "\n".join(calls))
        for other in ("execve", "nanosleep(", "read(", "exited"):
            if other in "\n".join(calls):
                fail("--filter shows %s:\n%s" % (other, "\n".join(panel())))
        quit_player()

        # --- a 60x15 viewer of a 120x40 recording: viewport follows the cursor ---
        big = os.path.join(tmp, "big.cast")
        big_recording(big)
        tmux("resize-window", "-t", "t", "-x", "60", "-y", "15")
        wait_for(lambda: pane_rows() == 15, "pane 60x15")
        start(big, lambda: "paused" in status() and "0:00.5 / 0:00.5" in status(), "big played to the end")
        # the origin depends on which frames were drawn on the way (the
        # cursor sat at column 120 before the last write): any X, Y that
        # keep the final cursor (row 40, column 111) in view
        m = re.search(r"view 60x13\+(\d+)\+(\d+) of 120x40", status())
        if not m:
            fail("status line %r does not say view 60x13+X+Y of 120x40" % status())
        x, y = int(m.group(1)), int(m.group(2))
        if y != 27 or not 51 <= x <= 60:
            fail("view origin +%d+%d does not hold the cursor (row 39, col 110, 0-based)" % (x, y))
        full = dump_at(big, "end", 40)
        want = [l[x:x + 60].rstrip() for l in full[y:y + 13]]
        ours = [l.rstrip() for l in capture()[:13]]
        if ours != want or "CURSOR-HERE" not in ours[12]:
            fail("viewport is not rows %d.., cols %d.. of the screen:\n%s\n---\n%s" %
                 (y + 1, x + 1, "\n".join(ours), "\n".join(want)))
        quit_player()
    finally:
        subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("play: Shift-Left/Right +-10%, s, p, --no-overlay + o, --filter, viewport all checked")


main()
