#!/usr/bin/env python3
"""Italic (SGR 3) and strike (SGR 9) through the real path: `tracecast rec`
of a program printing them (alone, together, with bold and a colour, and
switched off with SGR 23 / 29), then
- `dump --format ansi --at end` carries each attribute on exactly its text;
- `play` in a tmux pane draws them: tmux's own view of the pane
  (capture-pane -e) has the same text italic / struck through."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TRACECAST = os.environ["TRACECAST"]
SOCK = "tcattrs%d" % os.getpid()
CMD = r"printf '\033[3mital\033[0m \033[9mstrk\033[0m \033[3;9mboth\033[0m \033[1;3;9;31mall\033[0m\n\033[3;9mx\033[23my\033[29mz\033[0m\n'"
# (text, attributes it must have, attributes it must not have)
WANT = [("ital", {"3"}, {"9"}), ("strk", {"9"}, {"3"}), ("both", {"3", "9"}, set()),
        ("all", {"1", "3", "9", "31"}, set()), ("x", {"3", "9"}, set()), ("y", {"9"}, {"3"}),
        ("z", set(), {"3", "9"})]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
    sys.exit(1)


def runs(text):
    """{word: set of SGR params in effect} for each maximal run of letters."""
    out, cur, word, wattrs = {}, set(), "", None
    for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", text, re.S):
        if m.group(1) is not None:
            ps = [p for p in m.group(1).split(";") if p] or ["0"]
            for p in ps:
                if p == "0":
                    cur = set()
                elif p in ("23", "29", "22", "39"):
                    cur.discard({"23": "3", "29": "9", "22": "1", "39": "31"}[p])
                else:
                    cur.add(p)
            continue
        ch = m.group(2)
        if ch.isalpha() and (not word or wattrs == cur):
            word, wattrs = word + ch, set(cur)
        else:
            if word:
                out.setdefault(word, wattrs)
            word, wattrs = (ch, set(cur)) if ch.isalpha() else ("", None)
    if word:
        out.setdefault(word, wattrs)
    return out


def check(label, text):
    got = runs(text)
    for word, need, never in WANT:
        if word not in got:
            fail("%s: %r not found as its own run in %r (runs: %r)" % (label, word, text, got))
        if not need <= got[word] or got[word] & never:
            fail("%s: %r has SGR %r, want %r and none of %r" %
                 (label, word, sorted(got[word]), sorted(need), sorted(never)))


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null"] + list(args),
                          capture_output=True, text=True).stdout


tmp = tempfile.mkdtemp(prefix="tc-attrs.")
try:
    rec = os.path.join(tmp, "attrs.cast")
    r = subprocess.run([TRACECAST, "rec", "-q", "--headless", "--cols", "40", "--rows", "4", rec,
                        "--", "sh", "-c", CMD], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail("rec: exit %d: %s" % (r.returncode, r.stderr))
    d = subprocess.run([TRACECAST, "dump", "--format", "ansi", "--at", "end", rec],
                       capture_output=True, text=True)
    if d.returncode != 0:
        fail("dump --format ansi: %s" % d.stderr)
    check("dump --format ansi", d.stdout)
    plain = subprocess.run([TRACECAST, "dump", "--at", "end", rec], capture_output=True,
                           text=True).stdout
    if "\x1b" in plain or not plain.startswith("ital strk both all\nxyz\n"):
        fail("dump --format text: %r" % plain)

    if not shutil.which("tmux"):
        print("skipped: tmux is not installed (make deps installs it); dump part passed",
              file=sys.stderr)
        sys.exit(77)
    tmux("new-session", "-d", "-s", "a", "-x", "80", "-y", "12", "env", "-i", "PATH=/usr/bin:/bin",
         "TERM=tmux-256color", "PS1=$ ", "bash", "--norc", "--noprofile")
    tmux("set", "-g", "status", "off")
    tmux("send-keys", "-t", "a", "clear; %s play %s; echo EXIT=$?" % (TRACECAST, rec), "Enter")
    end = time.time() + 20
    while time.time() < end:
        shot = tmux("capture-pane", "-p", "-e", "-t", "a")
        if "paused" in shot and "xyz" in re.sub(r"\x1b\[[0-9;:]*m", "", shot):
            break
        time.sleep(0.05)
    else:
        fail("play never reached the end:\n" + tmux("capture-pane", "-p", "-t", "a"))
    top = "\n".join(shot.split("\n")[:2])
    check("play (tmux capture-pane -e)", top)
    tmux("send-keys", "-t", "a", "q")
    print("italic and strike: in dump --format ansi and on the player's terminal")
finally:
    subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)
