"""Pause and resume of capture (issue 17), in a real terminal (tmux):
Ctrl-\\ p pauses and resumes; Ctrl-\\ alone (asciinema's pause key, no key
after it) does too. While paused the command runs and its output reaches
the terminal, but nothing is recorded (output, typed input); the paused
time is left out of the recording's times; a marker "paused N s" says
where the cut is. The start notice says how to stop, pause and mark."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
t = Tmux(200, 30)
f = path("p.cast")


def events():
    try:
        return read_cast(f, allow_cut=True)[1]
    except (OSError, SystemExit):
        return []


def out_text():
    return "".join(e[2] for e in events() if e[1] == "o")


def count(s, what):
    return t.screen().count(what) >= s


script = "echo one; read a; echo two:$a; read b; echo three:$b; read c; echo four:$c"
start = time.time()
t.line("'%s' rec -I %s -- sh -c '%s'" % (TC, f, script))
s = t.wait_screen(lambda s: "Ctrl-\\ pauses/resumes" in s, what="start notice")
check("to stop, exit the command" in s and "Ctrl-\\ m or `tracecast mark` adds a marker" in s
      and "Ctrl-\\ Ctrl-\\ sends Ctrl-\\" in s, "start notice: %s" % s)
wait_for(lambda: "one" in out_text(), 10, "'one' in the recording")

# 1. Ctrl-\ p pauses; what happens then reaches the terminal only
t.send("C-\\", "p")
t.wait_screen(lambda s: s.count("paused: nothing is recorded") == 1, what="the pause notice")
p1 = time.time()
t.line("secret")
t.wait_screen(lambda s: "two:secret" in s, what="two:secret on the terminal")
t.tmux("resize-window", "-x", "190", "-y", "30")  # a resize while paused is kept
wait_for(lambda: time.time() - p1 >= 1.5, 5, "1.5 s of pause")
t.send("C-\\", "p")
t.wait_screen(lambda s: s.count("recording again") == 1, what="the resume notice")
p1 = time.time() - p1
t.line("x")
wait_for(lambda: "three:x" in out_text(), 10, "three:x in the recording")

# 2. Ctrl-\ alone, as asciinema users press it: pauses after a moment
t.send("C-\\")
t.wait_screen(lambda s: s.count("paused: nothing is recorded") == 2, what="the second pause notice")
p2 = time.time()
wait_for(lambda: time.time() - p2 >= 1.0, 5, "1 s of pause")
t.send("C-\\")
t.wait_screen(lambda s: s.count("recording again") == 2, what="the second resume notice")
p2 = time.time() - p2
t.line("y")
wait_for(lambda: any(e[1] == "x" for e in events()), 15, "the exit event")
wall = time.time() - start

ev = events()
text = out_text()
check("one" in text and "three:x" in text and "four:y" in text, "recorded output: %r" % text)
check("two:secret" not in text, "output while paused was recorded: %r" % text)
typed = "".join(e[2] for e in ev if e[1] == "i")
check("secret" not in typed and "x" in typed and "y" in typed, "typed input recorded: %r" % typed)
marks = [e for e in ev if e[1] == "m"]
check(len(marks) == 2, "want two pause markers: %r" % marks)
secs = []
for m in marks:
    g = re.fullmatch(r"paused (\d+\.\d) s", m[2])
    check(g, "marker label %r" % m[2])
    secs.append(float(g.group(1)))
check(secs[0] >= 1.4 and secs[1] >= 0.9, "pause lengths %r" % secs)
t_one = next(e[0] for e in ev if e[1] == "o" and "one" in e[2])
t_three = next(e[0] for e in ev if e[1] == "o" and "three:x" in e[2])
check(t_one <= marks[0][0] <= t_three, "the first marker %r is not between one and three" % marks[0])
resized = [e for e in ev if e[1] == "r" and e[2] == "190x30"]
check(len(resized) == 1 and abs(resized[0][0] - marks[0][0]) < 0.01,
      "the resize while paused: %r (the first marker at %r)" % (resized, marks[0][0]))
times = [e[0] for e in ev]
check(times == sorted(times), "times not in order")
dur = ev[-1][0]
check(dur <= wall - (secs[0] + secs[1]) + 0.2,
      "paused time not left out: recording %.2f s, wall %.2f s, paused %.1f + %.1f s" % (dur, wall, secs[0], secs[1]))
print("recording %.2f s, wall %.2f s, paused %.2f + %.2f s" % (dur, wall, p1, p2))
print("ok")
