#!/usr/bin/env python3
"""A hostile recording (OSC 0/2 title, OSC 52 clipboard write, device
attribute and status queries, mouse modes, bracketed paste, DECRQSS, window
report) played in tmux: the pane's title and mouse mode are unchanged and
none of its bytes reach the viewer's terminal (raw pane output recorded
with pipe-pane); dump's text and ANSI outputs carry none of it either."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "player", "hostile.cast")
from lib_tmux import SOCK, fail, tmux, wait_for  # noqa: E402
BAD = [b"\x1b]", b"aGFja2Vk", b"HACKED", b"\x1b[c", b"\x1b[>c", b"\x1b[6n", b"\x1b[5n",
       b"\x1b[?1000h", b"\x1b[?1002h", b"\x1b[?1006h", b"\x1b[?2004h", b"\x1bP", b"\x1b[21t"]


def main():
    if not shutil.which("tmux"):
        print("skipped: tmux is not installed (make deps installs it)", file=sys.stderr)
        sys.exit(77)
    with open(FIX, "rb") as f:
        raw = f.read()
    if b"HACKED" not in raw or b"aGFja2Vk" not in raw:
        fail("fixture lost its hostile content")
    for fmt in ("text", "ansi"):
        out = subprocess.run([TRACECAST, "dump", "--format", fmt, FIX], capture_output=True).stdout
        if b"visible text" not in out:
            fail("dump --format %s lost the visible text" % fmt)
        for b in BAD:
            if b in out:
                fail("dump --format %s printed %r" % (fmt, b))
    tmp = tempfile.mkdtemp(prefix="tc-hostile.")
    log = os.path.join(tmp, "raw")
    try:
        go = os.path.join(tmp, "go")
        tmux("new-session", "-d", "-s", "h", "-x", "100", "-y", "20",
             "env", "-i", "PATH=/usr/bin:/bin", "TERM=tmux-256color",
             "sh", "-c", "while [ ! -e %s ]; do sleep 0.05; done; %s play %s; echo DONE=$?; exec sleep 60"
             % (go, TRACECAST, FIX))
        tmux("set", "-g", "status", "off")
        tmux("set", "-g", "allow-rename", "on")
        tmux("set", "-g", "set-clipboard", "on")
        tmux("select-pane", "-t", "h", "-T", "viewer-title")
        title0 = tmux("display", "-p", "-t", "h", "#{pane_title}").strip()
        tmux("pipe-pane", "-t", "h", "-o", "cat > %s" % log)
        wait_for(lambda: os.path.exists(log), "pipe-pane")
        open(go, "w").close()
        seen = []

        def playing():
            s = tmux("capture-pane", "-p", "-t", "h")
            if "hostile recording" in s and "visible text" in s:
                seen.append(tmux("display", "-p", "-t", "h", "#{pane_title}|#{mouse_any_flag}|#{alternate_on}"))
                return True
            return False
        wait_for(playing, "the recording's text on screen")
        wait_for(lambda: "paused" in tmux("capture-pane", "-p", "-t", "h"), "the end")
        tmux("send-keys", "-t", "h", "q")
        wait_for(lambda: "DONE=0" in tmux("capture-pane", "-p", "-t", "h"), "player exit")
        tmux("pipe-pane", "-t", "h")
        t, mouse, alt = seen[0].strip().split("|")
        if t != title0:
            fail("pane title changed while playing: %r -> %r" % (title0, t))
        if mouse != "0":
            fail("mouse mode switched on while playing")
        if alt != "1":
            fail("the player did not use the alternate screen")
        if tmux("display", "-p", "-t", "h", "#{pane_title}").strip() != title0:
            fail("pane title changed")
        buf = tmux("show-buffer")
        if "hacked" in buf:
            fail("OSC 52 reached tmux's clipboard buffer")

        def logged():
            with open(log, "rb") as f:
                return f.read()
        # the pane's last line is in the log: so is all the player wrote
        wait_for(lambda: b"DONE=0" in logged(), "the pane's output in the pipe-pane log")
        out = logged()
        if b"visible text" not in out:
            fail("raw pane output does not hold the drawn text (pipe-pane failed?)")
        for b in BAD:
            if b in out:
                fail("raw pane output holds %r" % b)
        # control: the same bytes written raw (what `cat` of the output would
        # do) do change the title and the mouse mode, so the checks above bite
        ctl = os.path.join(tmp, "raw-bytes")
        import json
        with open(FIX) as f, open(ctl, "w") as g:
            for line in f.readlines()[1:]:
                ev = json.loads(line)
                if ev[1] == "o":
                    g.write(ev[2])
        tmux("new-window", "-t", "h", "-n", "ctl", "sh -c 'cat %s; exec sleep 60'" % ctl)
        wait_for(lambda: "HACKED" in tmux("display", "-p", "-t", "h:ctl", "#{pane_title}"),
                 "control pane's title to change (raw bytes)")
        if tmux("display", "-p", "-t", "h:ctl", "#{mouse_any_flag}").strip() != "1":
            fail("control: raw bytes did not switch the mouse mode; the check would not bite")
    finally:
        subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("hostile: title, clipboard, queries and modes stayed inside")


main()
