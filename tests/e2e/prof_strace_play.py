"""All profile sources together with --strace: every event time is
non-decreasing across codes; strace itself is not shown as a profiled
process (its descendants are); the recording plays in Debian's asciinema
2.2 (`asciinema cat`) with the same output as `tracecast cat`."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, PROGS, TRACECAST, check, nondecreasing, perf_refused, read_cast, rec, samples, skip, tmpdir  # noqa: E402

if not shutil.which("strace"):
    skip("strace is not installed (make deps installs it)")
if not shutil.which("asciinema") or not shutil.which("script"):
    skip("asciinema or script (bsdutils) missing (make deps installs them)")
d = tmpdir()
script = os.path.join(d, "mixed.py")
with open(script, "w") as f:
    f.write('''import subprocess, sys, time
def spin(secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        pass
print("py start", flush=True)
spin(0.3)
subprocess.run([sys.argv[1], "0.3"], check=True)
for i in range(5):
    print("line %d \\u00e9\\u4e2d" % i, flush=True)
    time.sleep(0.02)
''')
out = os.path.join(d, "mixed.cast")
rc, so, se = rec(out, [PY, script, os.path.join(PROGS, "prof_perf_target")],
                 profile="proc,perf,python", extra=["--strace"])
if "--strace is not available" in se:
    skip("the strace source is not in this build")
check(rc == 0, "rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
bad = nondecreasing(ev)
check(bad is None, str(bad))
codes = {c for t, c, x in ev}
check({"o", "s", "p"} <= codes, "codes %r" % codes)
check(samples(ev, "py"), "no py samples under strace")
if not perf_refused(se):
    check(any("busy_loop" in s.get("stack", "") for t, s in samples(ev, "perf")), "no perf samples of busy_loop")
comms = {p["comm"] for t, s in samples(ev, "proc") for p in s["procs"]}
print("proc comms: %r; %d events" % (sorted(comms), len(ev)))
check("strace" not in comms, "strace shown as a profiled process")
check(any(c.startswith("python") for c in comms) and "prof_perf_targe" in comms, "tree incomplete: %r" % comms)

tc = subprocess.run([TRACECAST, "cat", out], capture_output=True, timeout=60)
check(tc.returncode == 0, "tracecast cat: %r" % tc.stderr)
ac = subprocess.run(["script", "-qec", "asciinema cat '%s'" % out, "/dev/null"],
                    stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
check(ac.returncode == 0, "asciinema cat failed: %r" % ac.stderr)
a = ac.stdout.replace(b"\r\n", b"\n")
t = tc.stdout.replace(b"\r\n", b"\n")
check(b"py start" in t and b"busy end" in t, "tracecast cat output: %r" % t[:200])
check(a == t, "asciinema cat differs from tracecast cat:\n%r\n%r" % (a[:300], t[:300]))
print("ok")
