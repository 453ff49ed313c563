"""--profile=proc after the recorded root exited and its pid was taken by
another process (issue 11 item 12): the recorder still runs (a background
child keeps the pty busy), the proc sampler must never sample the process
that took the root's pid, nor count it as the tree (pidfds).

The pid is reused on purpose through /proc/sys/kernel/ns_last_pid (root),
as rec_strace_pid_faults.py does."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

ENV = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
ENV["TMPDIR"] = TMP
if os.geteuid() != 0 or not os.access("/proc/sys/kernel/ns_last_pid", os.W_OK):
    fail("needs root to reuse a pid through /proc/sys/kernel/ns_last_pid")

f = path("reuse.cast")
go = path("go")
pidfile = path("root.pid")
# The root writes its pid, starts a writer that keeps the session alive
# until told to stop, and exits once the sampler has seen the writer. The
# writer is in a session of its own (setsid, as a daemon would be; SIGHUP
# ignored until it gets there): the root's pid is its session's id and
# cannot be handed out again while any process of that session lives.
script = ("trap '' HUP; echo $$ > %s; setsid sh -c 'while [ ! -e %s ]; do echo tick; sleep 0.05; done; "
          "for i in 1 2 3 4 5 6 7 8 9 10; do echo tock; sleep 0.05; done' & sleep 0.5; exit 0"
          % (pidfile, go))
p = subprocess.Popen([TC, "rec", "-q", "--headless", "--profile=proc", f, "--", "sh", "-c",
                      script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, env=ENV)
impostor = None
try:
    wait_for(lambda: os.path.exists(pidfile) and open(pidfile).read().strip(), 20,
             "the root's pid")
    R = int(open(pidfile).read())
    # the root exits and the recorder reaps it
    wait_for(lambda: not os.path.exists("/proc/%d" % R), 20, "the root to be reaped")
    check(p.poll() is None, "the recording ended early (test is moot)")
    for _ in range(2000):
        with open("/proc/sys/kernel/ns_last_pid", "w") as nl:
            nl.write(str(R - 1))
        c = os.fork()
        if c == 0:
            if os.getpid() == R:
                with open("/proc/self/comm", "w") as cm:
                    cm.write("impostor")
                end = time.time() + 30
                while time.time() < end:  # busy: a sampler would see it
                    pass
            os._exit(0)
        if c == R:
            impostor = c
            break
        os.waitpid(c, 0)
    check(impostor, "could not take pid %d again (test is moot)" % R)
    t_imp = time.monotonic()
    # let the sampler (20 Hz) run a while with the impostor there
    wait_for(lambda: time.monotonic() - t_imp > 1.0, 5, "a second of samples")
    check(p.poll() is None, "the recording ended before the impostor ran (test is moot)")
finally:
    open(go, "w").close()
    try:
        _, err = p.communicate(timeout=60)
    finally:
        if impostor:
            os.kill(impostor, signal.SIGKILL)
            os.waitpid(impostor, 0)
check(p.returncode == 0, "rec: exit %d: %r" % (p.returncode, err[-300:]))
hdr, ev = read_cast(f)
import json  # noqa: E402
seen = []
later = 0
for t, code, data in ev:
    if code != "p":
        continue
    s = json.loads(data)
    if s.get("src") != "proc":
        continue
    for pr in s.get("procs", []):
        if pr.get("comm") == "impostor" or (pr.get("pid") == R and pr.get("comm") != "sh"):
            seen.append((t, pr))
        if pr.get("comm") == "sh" and pr.get("pid") != R:
            later += 1
check(not seen, "the process that took the root's pid %d was sampled: %r" % (R, seen[:3]))
check(later > 0, "no samples of the background writer (test is moot)")
print("ok: %d samples of the writer, none of pid %d's impostor" % (later, R))
cleanup()
