"""SIGCHLD ignored, TMPDIR of every length, ulimit -f at many sizes: the
recorder always ends, with 0 or 74, and its file reads."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_stress import *  # noqa: E402,F403

IGN = ("import signal,os,sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); "
       "os.execv(sys.argv[1], sys.argv[1:])")
rnd = random.Random(os.environ.get("STRESS_SEED", "11"))

# SIGCHLD ignored (and SIGTERM'd shells, quick and slow commands)
for i in range(12):
    f = path("ign%d.cast" % i)
    extra = ["--strace"] if i % 3 == 0 else []
    cmd = ["sh", "-c", "echo %d; sleep 0.0%d" % (i, i % 10)]
    p = run([sys.executable, "-c", IGN, TC, "rec", "-q"] + extra + [f, "--"] + cmd, timeout=30)
    check(p.returncode == 0, "SIGCHLD ignored, run %d: exit %d: %r" % (i, p.returncode, p.stderr[-200:]))
    h, ev = read_cast(f)
    check(ev[-1] == [ev[-1][0], "x", "0"], "run %d: last event %r" % (i, ev[-1]))

# TMPDIR of every length (the control socket must fit sun_path; --strace's
# FIFOs their buffers): a too long one falls back to /tmp
for n in sorted(set(list(range(len(TMP) + 2, 260, 9)) + [75, 76, 77, 78, 79, 80])):
    if n <= len(TMP) + 1:
        continue
    d = os.path.join(TMP, "d" * (n - len(TMP) - 1))
    os.makedirs(d, exist_ok=True)
    extra = ["--strace"] if n % 2 else []
    f = path("tmp%d.cast" % n)
    p = run([TC, "rec", "-q"] + extra + [f, "--", "echo", "hi"], env=env_clean(TMPDIR=d))
    check(p.returncode == 0, "TMPDIR of %d: exit %d: %r" % (n, p.returncode, p.stderr[-200:]))
    read_cast(f)
    check(not [x for x in os.listdir(d) if x.startswith("tracecast-")], "TMPDIR %d: folder left" % n)

# ulimit -f: 0 (no room for the header), tiny, and around the output size
for k, blocks in enumerate([0, 1, 2, 3, 5, 8, 13, 40, 200] + [rnd.randint(1, 64) for _ in range(6)]):
    f = path("ul%d-%d.cast" % (k, blocks))
    size = rnd.choice([1000, 50000, 300000])
    p = run(["bash", "-c", 'ulimit -f %d; exec "$0" rec -q "$1" -- sh -c "yes | head -c %d"'
             % (blocks, size), TC, f], timeout=60)
    check(p.returncode in (0, 1, 74), "ulimit -f %d: exit %d: %r" % (blocks, p.returncode, p.stderr[-200:]))
    check(os.path.getsize(f) <= blocks * 1024 if os.path.exists(f) else True,
          "ulimit -f %d: the file is past the limit" % blocks)
    if p.returncode == 1:  # the header did not fit: no file is left
        check(not os.path.exists(f), "ulimit -f %d: exit 1 and a file left" % blocks)
    else:
        reads(f)
cleanup()
