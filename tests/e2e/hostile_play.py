#!/usr/bin/env python3
"""Issue 18: `tracecast play` of the whole hostile set (tests/fixtures/hostile,
gen.py's 2 MiB event and 120,000-frame v1 file, the player's hostile.cast)
in tmux, its raw output captured with pipe-pane. Each play must end by
itself (-Q; bounded by timeout: idle_time_limit 1e10 must not hang) without
a crash, and the bytes that reached the terminal must hold no OSC, DCS,
APC, PM, SOS, C1 control, DA/DSR query, and no mode change the player does
not make itself (the set it makes is taken from playing a benign file)."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

TRACECAST = os.environ["TRACECAST"]
ROOT = os.environ.get("TC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
HOST = os.path.join(ROOT, "tests", "fixtures", "hostile")
from lib_tmux import SOCK, fail, tmux, wait_for  # noqa: E402

STRINGS = re.compile(rb"\x1b[\]P_^X]|\xc2[\x80-\x9f]|\x1b\[[>=]?[0-9;]*c|\x1b\[\??[0-9;]*n")
MODES = re.compile(rb"\x1b\[\??[0-9;]*[hl]")
ASAN = "build-asan" in TRACECAST


def play_all(tmp, files, tag):
    """Play files one after another in a fresh tmux pane; return the raw
    pane output and each play's exit status."""
    log = os.path.join(tmp, "raw-" + tag)
    script = os.path.join(tmp, "run-" + tag + ".sh")
    go = os.path.join(tmp, "go-" + tag)
    with open(script, "w") as f:
        f.write("while [ ! -e %s ]; do sleep 0.05; done\n" % go)
        for i, p in enumerate(files):
            idle = [] if os.path.basename(p).startswith("idle-") else ["-i", "0.2"]
            f.write("timeout -s KILL %d %s play -Q -s 8 %s '%s' 2>/dev/null; echo \"RC%d=$?\"\n"
                    % (120 if ASAN else 30, TRACECAST, " ".join(idle), p, i))
        f.write("echo ALL-DONE; exec sleep 60\n")
    tmux("new-session", "-d", "-s", tag, "-x", "100", "-y", "30",
         "env", "-i", "PATH=/usr/bin:/bin", "TERM=tmux-256color", "LANG=C.UTF-8", "sh", script)
    tmux("set", "-g", "status", "off")
    tmux("pipe-pane", "-t", tag, "-o", "cat > %s" % log)
    wait_for(lambda: os.path.exists(log), "pipe-pane")
    open(go, "w").close()

    def done():
        with open(log, "rb") as f:
            return b"ALL-DONE" in f.read()
    wait_for(done, "all plays (%s)" % tag, timeout=len(files) * (130 if ASAN else 35))
    tmux("pipe-pane", "-t", tag)
    with open(log, "rb") as f:
        raw = f.read()
    rcs = {int(a): int(b) for a, b in re.findall(rb"RC(\d+)=(\d+)", raw)}
    return raw, rcs


def main():
    if not shutil.which("tmux"):
        fail("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-hostile-play.")
    try:
        big = os.path.join(tmp, "big")
        os.mkdir(big)
        subprocess.run([sys.executable, os.path.join(HOST, "gen.py"), "--big", big], check=True)
        files = sorted(glob.glob(os.path.join(HOST, "*.cast")))
        files += [os.path.join(big, "o-2mib.cast.gz"), os.path.join(big, "v1-120k.json"),
                  os.path.join(ROOT, "tests", "fixtures", "player", "hostile.cast")]
        # what the player itself writes: the modes of a benign play
        ref, rcs = play_all(tmp, [os.path.join(ROOT, "tests", "fixtures", "player", "sgr.cast")], "ref")
        if rcs.get(0) != 0:
            fail("benign play exited %r" % rcs.get(0))
        own = set(MODES.findall(ref))
        raw, rcs = play_all(tmp, files, "hostile")
        bad = []
        for i, f in enumerate(files):
            rc = rcs.get(i)
            if rc != 0:
                bad.append("%s: play exited %r%s" % (os.path.basename(f), rc,
                           " (killed: no end)" if rc == 137 else ""))
        m = STRINGS.search(raw)
        if m:
            bad.append("raw output holds %r" % raw[max(0, m.start() - 30):m.end() + 30])
        extra = set(MODES.findall(raw)) - own
        if extra:
            bad.append("mode changes the player does not make: %r (its own: %r)" % (sorted(extra), sorted(own)))
        if bad:
            fail("\n  ".join(bad))
    finally:
        subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("hostile play: %d files played to their end in tmux; nothing raw reached the terminal"
          % len(files))


main()
