"""kill -9 of the recorder mid-session: the file reads, and holds every
line the command wrote more than the flush interval (plus slack for a
loaded machine) before the kill."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
side = path("ticks.txt")
f = path("k.cast")
env = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
env["TMPDIR"] = TMP  # the control socket's folder outlives a kill -9: cleanup() removes it
p = subprocess.Popen([TC, "rec", "-q", "--flush-ms", "100", f, "--", "python3", "-c", TICKER, side, "0.01"],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def ticks():
    return read_ticks(side)


wait_for(lambda: len(ticks()) > 5 and ticks()[-1][1] - ticks()[0][1] > 800e6, 30, "ticks")
killed_at = time.monotonic_ns()
os.kill(p.pid, signal.SIGKILL)
p.wait()
check(p.returncode == -9, "recorder exit %r" % p.returncode)
slack = 100e6 + 250e6  # --flush-ms plus scheduling slack
must = [n for n, t in ticks() if t < killed_at - slack]
check(len(must) > 5, "too few ticks before the kill: %d" % len(must))
data = open(f, "rb").read()
h, ev = read_cast(f, allow_cut=not data.endswith(b"\n"))
out = output(ev)
missing = [n for n in must if ("tick %d\r\n" % n) not in out]
check(not missing, "lost %d lines older than the flush interval (first %r); recorded %d"
      % (len(missing), missing[:5], out.count("tick")))
check(not [e for e in ev if e[1] == "x"], "an x event after kill -9?")
p = subprocess.run([TC, "info", f], capture_output=True)
check(p.returncode == 0, "tracecast info of the killed recording: %r" % p.stdout[-300:])
if data.endswith(b"\n"):
    asciinema_cat(f)
cleanup()
