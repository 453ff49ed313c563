"""The workload of samples/stats/demo.cast (made by record.sh): a parent
that spends its time in hot(), fails to open three files, sleeps three
times 50 ms, and a child process that runs warm(); markers "start" and
"stop" around the parent's work (sent as `tracecast mark` sends them,
without starting a process). tests/e2e/export_formats.py records it too,
with longer DEMO_HOT and DEMO_WARM (seconds)."""
import json
import os
import socket
import subprocess
import sys
import time


def mark(label):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
        c.connect(os.environ["TRACECAST_CTL"])
        msg = {"code": "m", "data": label, "time": time.monotonic_ns()}
        c.sendall((json.dumps(msg) + "\n").encode())


def spin(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += 1
    return n


def hot():
    return spin(float(os.environ.get("DEMO_HOT", "0.5")))


def warm():
    return spin(float(os.environ.get("DEMO_WARM", "0.2")))


if len(sys.argv) > 1:
    warm()
    sys.exit(0)
child = subprocess.Popen([sys.executable, __file__, "child"])
mark("start")
hot()
for i in range(3):
    try:
        open("/nonexistent/demo-%d.conf" % i)
    except OSError:
        pass
    time.sleep(0.05)
mark("stop")
child.wait()
print("done", flush=True)
