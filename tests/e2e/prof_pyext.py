"""--profile=python with the outside sampler (recorder/py_walk.c,
recorder/pyout_source.c), on real Python processes:
1. a C call holding the GIL gets its wall time in samples (>= 80%): one
   that sleeps (usleep through ctypes.PyDLL, which keeps the GIL: state S,
   "idle":true) and one that computes (sum over a range: state R, no
   idle); the in-process sampler, for contrast, is blind in the first;
   a thread waiting on an Event is sampled as idle;
2. the program's output, exit status and syscall trace are those of an
   unprofiled recording: the same count of every syscall under --strace;
3. a Python server started outside the recording and attached with
   --strace-pid gets stacks;
4. processes that exit while they are read (short-lived children, one
   after another)
   take no samples from a steady sibling;
5. where the recorder may not read other processes' memory (a seccomp
   filter refuses process_vm_readv), --profile=python says so once and
   falls back to the in-process sampler (the header says which ran), and
   --profile=python-outside refuses to start."""
import collections
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import (PROGS, PY, TRACECAST, check, lost, read_cast, rec,  # noqa: E402
                      stacks, tmpdir)

d = tmpdir()


def output(ev):
    return "".join(x for t, c, x in ev if c == "o")


def sampler_of(hdr):
    return hdr["tracecast"]["sources"]["profile"].get("python_sampler")


# 1. the GIL held by C code
gil = os.path.join(d, "gil.py")
with open(gil, "w") as f:
    f.write('''import ctypes, threading, time
def hold_gil_sleeping():
    ctypes.PyDLL(None).usleep(1000000)  # PyDLL: the GIL is kept
def hold_gil_busy():
    return sum(range(30000000))         # one C call: no eval breaker
def waiter(ev):
    ev.wait()
ev = threading.Event()
t = threading.Thread(target=waiter, args=(ev,))
t.start()
time.sleep(0.05)
t0 = time.monotonic(); hold_gil_sleeping(); t1 = time.monotonic()
hold_gil_busy(); t2 = time.monotonic()
ev.set(); t.join()
print("walls %.6f %.6f tid %d" % (t1 - t0, t2 - t1, t.native_id))
''')


def gil_run(name, profile):
    out = os.path.join(d, name + ".cast")
    rc, so, se = rec(out, [PY, gil], profile=profile, map_py=False)
    check(rc == 0, "%s: rec exit %d: %s" % (name, rc, se))
    hdr, ev = read_cast(out)
    m = re.search(r"walls ([0-9.]+) ([0-9.]+) tid (\d+)", output(ev))
    check(m, "%s: no walls line: %r" % (name, output(ev)))
    return hdr, ev, float(m.group(1)), float(m.group(2)), int(m.group(3))


hdr, ev, w_sleep, w_busy, tid_wait = gil_run("gil", "python")
check(sampler_of(hdr) == "outside", "gil: header %r" % hdr["tracecast"])
sts = stacks(ev, "py")
main_pid = {s["pid"] for t, s in sts}
check(len(main_pid) == 1, "gil: pids %r" % main_pid)
sleeping = [s for t, s in sts if s["stack"].endswith("__main__:hold_gil_sleeping")]
busy = [s for t, s in sts if s["stack"].endswith("__main__:hold_gil_busy")]
print("gil: usleep %.3f s -> %d samples; sum %.3f s -> %d samples" % (w_sleep, len(sleeping), w_busy, len(busy)))
check(len(sleeping) * 0.01 >= 0.8 * w_sleep, "gil: %d samples in a %.3f s call holding the GIL" % (len(sleeping), w_sleep))
check(len(busy) * 0.01 >= 0.8 * w_busy, "gil: %d samples in a %.3f s busy C call" % (len(busy), w_busy))
check(sum(s["state"] != "R" and s.get("idle") is True for s in sleeping) >= 0.9 * len(sleeping),
      "gil: usleep samples not idle: %r" % collections.Counter((s["state"], s.get("idle")) for s in sleeping))
check(sum(s["state"] == "R" and "idle" not in s for s in busy) >= 0.9 * len(busy),
      "gil: busy samples not on CPU: %r" % collections.Counter((s["state"], s.get("idle")) for s in busy))
waits = [s for t, s in sts if s["tid"] == tid_wait]
check(len(waits) >= 50 and all("threading:Event.wait" in s["stack"] for s in waits),
      "gil: %d samples of the waiting thread" % len(waits))
check(sum(s.get("idle") is True for s in waits) >= 0.9 * len(waits), "gil: the waiting thread is not idle")
# the in-process sampler cannot take a sample while C code holds the GIL
hdr, ev, w_sleep2, _, _ = gil_run("gil-inside", "python-inside")
check(sampler_of(hdr) == "inside", "gil-inside: header %r" % hdr["tracecast"])
blind = [s for t, s in stacks(ev, "py") if s["stack"].endswith("__main__:hold_gil_sleeping")]
print("gil-inside (contrast): usleep %.3f s -> %d samples" % (w_sleep2, len(blind)))
check(len(blind) * 0.01 < 0.5 * w_sleep2, "gil-inside: the in-process sampler saw the GIL-held call?")

# 2. output, status and syscalls unchanged
plain = os.path.join(d, "plain.py")
with open(plain, "w") as f:
    f.write('''import os, sys, time
def work(path):
    for i in range(40):
        with open(path, "a") as f:
            f.write("line %d\\n" % i)
        time.sleep(0.01)
    return os.path.getsize(path)
print("size", work(sys.argv[1]), flush=True)
print("to stderr", file=sys.stderr, flush=True)
sys.exit(3)
''')


def syscalls(ev):
    names = collections.Counter()
    for t, c, x in ev:
        m = re.match(r"(\d+) +([a-z_0-9]+)\(", x) if c == "s" else None
        if m:
            names[m.group(2)] += 1
    return names


runs = {}
for name, prof in (("base", None), ("prof", "python")):
    out = os.path.join(d, "trace-%s.cast" % name)
    target = os.path.join(d, "trace-%s.txt" % name)
    rc, so, se = rec(out, [PY, plain, target], profile=prof, extra=["--strace"], map_py=False)
    hdr, ev = read_cast(out)
    runs[name] = (rc, output(ev), syscalls(ev), ev)
(rc0, o0, s0, _), (rc1, o1, s1, ev1) = runs["base"], runs["prof"]
check(rc0 == 3 and rc1 == 3, "trace: exit %d / %d, want 3" % (rc0, rc1))
check(o0 == o1, "trace: output differs:\n%r\n%r" % (o0, o1))
check(len(stacks(ev1, "py")) >= 20, "trace: %d py samples under --strace" % len(stacks(ev1, "py")))
diff = {k: (s0.get(k, 0), s1.get(k, 0)) for k in set(s0) | set(s1) if s0.get(k, 0) != s1.get(k, 0)}
print("trace: %d syscalls unprofiled, %d profiled; differing counts: %r" % (sum(s0.values()), sum(s1.values()), diff))
check(not diff, "trace: syscall counts differ with the outside sampler: %r" % diff)

# 3. --strace-pid: a Python server started before the recording
server = os.path.join(d, "server.py")
ready = os.path.join(d, "ready")
with open(server, "w") as f:
    f.write('''import sys, time
def handle_request(n):
    return sum(i * i for i in range(n))
def serve_forever_loop():
    open(sys.argv[1], "w").close()
    while True:
        handle_request(30000)
        time.sleep(0.001)
serve_forever_loop()
''')
srv = subprocess.Popen([PY, server, ready], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, start_new_session=True)
try:
    for _ in range(500):
        if os.path.exists(ready):
            break
        time.sleep(0.01)
    check(os.path.exists(ready), "server did not start")
    out = os.path.join(d, "attach.cast")
    rc, so, se = rec(out, [PY, "-c", "import time; time.sleep(1.0)"], profile="python",
                     extra=["--strace", "--strace-pid", str(srv.pid)], map_py=False)
    check(rc == 0, "attach: rec exit %d: %s" % (rc, se))
    check(srv.poll() is None, "attach: the server died")
    hdr, ev = read_cast(out)
    got = [s for t, s in stacks(ev, "py") if s["pid"] == srv.pid]
    print("attach: %d samples of the attached server" % len(got))
    check(len(got) >= 30, "attach: %d samples of the server %d" % (len(got), srv.pid))
    check(all(s["stack"].startswith("__main__:<module>;__main__:serve_forever_loop") for s in got),
          "attach: stacks %r" % [s["stack"] for s in got[:3]])
    check(any("__main__:handle_request" in s["stack"] for s in got), "attach: handle_request never seen")
finally:
    os.killpg(srv.pid, signal.SIGKILL)
    srv.wait()

# 4. processes exiting while they are read
churn = os.path.join(d, "churn.py")
with open(churn, "w") as f:
    f.write('''import os, sys, time
def steady_spin(secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        pass
def short_lived():
    sum(range(2000))
    os._exit(0)
steady = os.fork()
if steady == 0:
    t0 = time.monotonic()
    steady_spin(2.0)
    print("steady %d %.6f" % (os.getpid(), time.monotonic() - t0), flush=True)
    os._exit(0)
kids = 0
end = time.monotonic() + 2.0
while time.monotonic() < end:
    pid = os.fork()
    if pid == 0:
        short_lived()
    os.waitpid(pid, 0)
    kids += 1
    time.sleep(0.005)
os.waitpid(steady, 0)
print("kids", kids, flush=True)
''')
out = os.path.join(d, "churn.cast")
rc, so, se = rec(out, [PY, churn], profile="python", map_py=False)
check(rc == 0, "churn: rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
m = re.search(r"steady (\d+) ([0-9.]+)", output(ev))
kids = re.search(r"kids (\d+)", output(ev))
check(m and kids, "churn: output %r" % output(ev))
spid, swall = int(m.group(1)), float(m.group(2))
got = [s for t, s in stacks(ev, "py") if s["pid"] == spid and "steady_spin" in s["stack"]]
sl = [s for t, s in lost(ev, "py") if s["pid"] == spid]
late = sum(s["late"] for s in sl)
torn = sum(s["torn"] + s["deep"] for s in sl)
pids = {s["pid"] for t, s in stacks(ev, "py")}
print("churn: %s children; steady %.2f s -> %d samples, %d late, %d torn; %d pids sampled"
      % (kids.group(1), swall, len(got), late, torn, len(pids)))
check(torn == 0, "churn: %d of the steady process's samples torn" % torn)
check(len(got) + late >= 0.9 * swall * 100, "churn: the steady process got %d samples (+%d late) in %.2f s"
      % (len(got), late, swall))
check(len(got) >= 0.7 * swall * 100, "churn: the steady process got only %d samples" % len(got))

# 5. refused: the fallback, said once; python-outside refuses to start
deny = [os.path.join(PROGS, "seccomp_deny"), "process_vm_readv", "EPERM"]
out = os.path.join(d, "denied.cast")
rc, so, se = rec(out, [PY, gil], profile="python", wrapper=deny, map_py=False)
if rc == 77:
    print("refused: seccomp filter not available here; part 5 not run")
else:
    check(rc == 0, "denied: rec exit %d: %s" % (rc, se))
    warn = [l for l in se.splitlines() if "tracecast" in l]
    check(len(warn) == 1 and "using the in-process sampler" in warn[0] and "process_vm_readv" in warn[0],
          "denied: want one warning line, got %r" % warn)
    hdr, ev = read_cast(out)
    check(sampler_of(hdr) == "inside", "denied: header %r" % hdr["tracecast"])
    check(len(stacks(ev, "py")) >= 10, "denied: the in-process sampler took no samples")
    rc, so, se = rec(os.path.join(d, "denied2.cast"), [PY, "-c", "pass"], profile="python-outside",
                     wrapper=deny, map_py=False)
    check(rc == 1 and "python-outside" in se and "process_vm_readv" in se,
          "denied python-outside: exit %d: %r" % (rc, se))
    print("refused: fell back to the in-process sampler with one warning")
print("ok")
