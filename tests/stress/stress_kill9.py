"""kill -9 at random moments: the file always reads, and holds every line
the command wrote more than the flush interval (plus slack) before the
kill; with --overwrite the target is either the old recording or the new
one, never missing."""
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_stress import *  # noqa: E402,F403

rnd = random.Random(os.environ.get("STRESS_SEED", "9"))
old = path("ow.cast")
run([TC, "rec", "-q", old, "--", "echo", "the old one"])
for i in range(16):
    side = path("ticks%d" % i)
    gz = i % 4 == 3
    ow = i % 4 == 2
    f = old if ow else path("k%d.cast%s" % (i, ".gz" if gz else ""))
    args = [TC, "rec", "-q", "--flush-ms", "100"] + (["--overwrite"] if ow else []) + \
        [f, "--", "python3", "-c", TICKER, side, "0.005"]
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env_clean())
    time.sleep(rnd.uniform(0.0, 1.2))
    killed_at = time.monotonic_ns()
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    if ow:
        check(os.path.exists(old), "run %d: --overwrite target missing after kill -9" % i)
    if not os.path.exists(f) or os.path.getsize(f) == 0:
        check(not ow, "run %d: empty target" % i)
        continue  # killed before the header: nothing recorded
    if not gz:
        data = open(f, "rb").read()
        h, ev = read_cast(f, allow_cut=not data.endswith(b"\n"))
        if ow and h.get("command") is None and "the old one" in output(ev):
            continue  # killed before the first flush: the old one, whole
        ticks = read_ticks(side)
        must = [n for n, t in ticks if t < killed_at - (100e6 + 300e6)]
        out = output(ev)
        missing = [n for n in must if ("tick %d\r\n" % n) not in out]
        check(not missing, "run %d: lost %d lines older than the flush interval" % (i, len(missing)))
    else:
        out = path("rec%d.cast" % i)
        q = run([TC, "convert", f, out])
        check(q.returncode == 0, "run %d: convert of the cut gzip: %r" % (i, q.stderr[-200:]))
    reads(f)
left = [x for x in os.listdir(TMP) if x.startswith(".ow.cast.")]
check(len(left) <= 16, "temporary files: %r" % left)
cleanup()
