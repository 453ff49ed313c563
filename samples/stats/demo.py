"""The workload of samples/stats/demo.cast (made by record.sh): a parent
that spends its time in hot(), fails to open three files, sleeps three
times 50 ms, and a child process that runs warm(); markers "start" and
"stop" around the parent's work."""
import os
import subprocess
import sys
import time


def spin(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += 1
    return n


def hot():
    return spin(0.5)


def warm():
    return spin(0.2)


if len(sys.argv) > 1:
    warm()
    sys.exit(0)
child = subprocess.Popen([sys.executable, __file__, "child"])
m1 = subprocess.Popen([os.environ["TC_BIN"], "mark", "start"])
hot()
for i in range(3):
    try:
        open("/nonexistent/demo-%d.conf" % i)
    except OSError:
        pass
    time.sleep(0.05)
m2 = subprocess.Popen([os.environ["TC_BIN"], "mark", "stop"])
for p in (m1, m2, child):
    p.wait()
print("done")
