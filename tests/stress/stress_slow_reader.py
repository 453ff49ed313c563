"""A reader that stops for seconds: the loop goes on (flushes, SIGTERM),
the command waits (back-pressure), and once the reader reads again it gets
every byte that was recorded, in order."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_stress import *  # noqa: E402,F403

# 1: the reader stops twice for 1.5 s, then reads to the end
f = path("seq.cast")
r, w = os.pipe()
p = subprocess.Popen([TC, "rec", "-q", "--flush-ms", "50", f, "--", "seq", "1", "300000"],
                     stdin=subprocess.DEVNULL, stdout=w, stderr=subprocess.PIPE, env=env_clean())
os.close(w)
got = b""
for pause in (1.5, 1.5, 0):
    time.sleep(pause)
    size_before = os.path.getsize(f) if os.path.exists(f) else 0
    end = time.time() + (0.3 if pause else 60)
    while time.time() < end:
        d = os.read(r, 1 << 16)
        if not d:
            break
        got += d
    if pause:
        check(size_before > 0, "nothing flushed while the reader slept")
os.close(r)
p.wait(30)
check(p.returncode == 0, "exit %d: %r" % (p.returncode, p.stderr.read()[-300:]))
h, ev = read_cast(f)
out = output(ev).encode()
check(got == out, "the reader got %d bytes, the file holds %d (relay lost or reordered bytes)"
      % (len(got), len(out)))
check(out.count(b"\n") == 300000, "lines recorded: %d" % out.count(b"\n"))

# 2: a reader that never reads: SIGTERM at random moments is handled at once
for i in range(5):
    f = path("y%d.cast" % i)
    r, w = os.pipe()
    p = subprocess.Popen([TC, "rec", "-q", f, "--", "yes"], stdin=subprocess.DEVNULL,
                         stdout=w, stderr=subprocess.DEVNULL, env=env_clean())
    os.close(w)

    def started():
        try:
            return open(f, "rb").read().count(b"\n") >= 1
        except OSError:
            return False
    wait_for(started, 30, "run %d: the recording to start" % i)
    time.sleep(0.1 + 0.3 * i)
    t = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(6)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("run %d: SIGTERM not handled with a stopped reader" % i)
    check(time.monotonic() - t < 3.5, "run %d: SIGTERM took %.1f s" % (i, time.monotonic() - t))
    os.close(r)
    h, ev = read_cast(f)
    check(ev[-1][1] == "x", "run %d: no x event" % i)
cleanup()
