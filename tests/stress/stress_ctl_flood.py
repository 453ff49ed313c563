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
    os.write(1, b"tick %d %d\n" % (i, time.monotonic_ns()))
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
# The recorder's lag: when it read each tick against when it was written
# (both monotonic, each from its first tick): a loaded machine delays the
# ticker itself, which is not the recorder's stall.
import re
seen = {}
for e in ev:
    if e[1] == "o":
        for m in re.finditer(r"tick (\d+) (\d+)", e[2]):
            seen.setdefault(int(m.group(1)), (e[0], int(m.group(2))))
check(len(seen) == 150, "ticks recorded: %d of 150" % len(seen))
r0, w0 = seen[min(seen)]
lag = max((r - r0) - (w - w0) / 1e9 for r, w in seen.values())
check(lag < 1.0, "the loop stalled: a tick was read %.2f s after it was written" % lag)
print("max lag %.3f s" % lag)
marks = len([e for e in ev if e[1] == "m"])
check(marks <= 20000 + 20000 * took + 1000, "%d markers in %.1f s" % (marks, took))
# (the summary's count of dropped lines is checked in tests/e2e/rec_faults.py:
# a recorder built with sanitizers may read slower than the limit)
cleanup()
