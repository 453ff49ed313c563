"""Flooding control clients: the recorder stays responsive (a ticker's
lines keep their times), the markers are held to the rate limit, and the
session ends on time."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_stress import *  # noqa: E402,F403

script = r'''
import os, subprocess, sys, time
flood = """
import os, socket, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_UNIX); s.connect(os.environ["TRACECAST_CTL"])
big = (b'{"code":"m","data":"%s"}\\n' % (b"x" * n)) * 500
end = time.monotonic() + 3
try:
    while time.monotonic() < end:
        s.sendall(big)
except OSError:
    pass
"""
ps = [subprocess.Popen([sys.executable, "-c", flood, str(n)]) for n in (1, 100, 5000)]
for i in range(150):
    os.write(1, b"tick %d\n" % i)
    time.sleep(0.02)
for p in ps: p.wait()
'''
f = path("flood.cast")
t = time.monotonic()
p = run([TC, "rec", "--flush-ms", "100", f, "--", "python3", "-c", script], timeout=90)
took = time.monotonic() - t
check(p.returncode == 0, "exit %d: %r" % (p.returncode, p.stderr[-300:]))
check(took < 20, "the session took %.1f s" % took)
h, ev = read_cast(f)
ticks = [e[0] for e in ev if e[1] == "o" and "tick" in e[2]]
n = output(ev).count("tick ")
check(n == 150, "ticks recorded: %d of 150" % n)
gaps = [b - a for a, b in zip(ticks, ticks[1:])]
check(max(gaps) < 1.0, "the loop stalled: a %.2f s gap between ticks" % max(gaps))
marks = len([e for e in ev if e[1] == "m"])
check(marks <= 20000 + 20000 * took + 1000, "%d markers in %.1f s" % (marks, took))
check(b"over the rate limit" in p.stderr, "summary: %r" % p.stderr[-300:])
cleanup()
