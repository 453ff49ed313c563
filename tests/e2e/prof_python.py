"""--profile=python: a script's known functions appear in the "py" stacks;
the script's own output and exit status are the same as unprofiled; the
sampler's thread is not sampled; with a broken sitecustomize already on
PYTHONPATH, both load: the script runs, our sampler runs, theirs ran and
its error is shown exactly as Python shows it without tracecast; each
thread's samples carry its own native tid and stack, at most HZ a second;
a forked child samples itself under its own pid and tid; a file run as
__main__ and imported as a module keeps both module names; every sampler
that ran was the implementation asked for (TC_PY_IMPL: native, the
default, or python: the in-process samplers; outside: the outside one,
prof_py_outside.sh); a native module built for another Python is not
loaded."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import (IMPL, PY, check, check_impl, read_cast, rec, stacks,  # noqa: E402
                      tmpdir, nondecreasing)

d = tmpdir()
script = os.path.join(d, "target.py")
with open(script, "w") as f:
    f.write('''import sys, time
def crunch_numbers(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += sum(i * i for i in range(200))
    return n
def outer_call():
    return crunch_numbers(0.8)
print("start", flush=True)
outer_call()
print("to stderr", file=sys.stderr, flush=True)
print("done", flush=True)
sys.exit(5)
''')
broken = os.path.join(d, "theirs")
os.mkdir(broken)
with open(os.path.join(broken, "sitecustomize.py"), "w") as f:
    f.write('print("theirs ran", flush=True)\nraise RuntimeError("boom from theirs")\n')


def output(ev):
    return "".join(x for t, c, x in ev if c == "o")


def run(name, profile, env=None):
    out = os.path.join(d, name + ".cast")
    rc, so, se = rec(out, [PY, script], profile=profile, env=env)
    check(rc == 5, "%s: rec exit %d (want the script's 5): %s" % (name, rc, se))
    check("python sampler" not in se, "%s: sampler complained: %s" % (name, se))
    hdr, ev = read_cast(out)
    bad = nondecreasing(ev)
    check(bad is None, "%s: %s" % (name, bad))
    check(ev[-1][1] == "x" and ev[-1][2] == "5", "%s: exit event %r" % (name, ev[-1]))
    return hdr, ev


def check_stacks(name, ev):
    py = stacks(ev, "py")
    check(len(py) >= 10, "%s: only %d py samples" % (name, len(py)))
    sts = [s["stack"] for t, s in py]
    hit = sum(1 for s in sts if "__main__:outer_call;__main__:crunch_numbers" in s)
    print("%s: %d py samples, %d in outer_call;crunch_numbers" % (name, len(py), hit))
    check(hit >= 5, "%s: known functions missing from stacks: %r" % (name, sts[:5]))
    # Roots are entry points: the script, or import machinery called from C
    # during start-up (site, importlib, zipimport for python3XX.zip paths;
    # the outside sampler also sees the start-up before site, where the
    # frozen importlib is still named _frozen_importlib, and a module run
    # before its globals have a __name__ is "?:<module>").
    check(all(s.split(";")[0].startswith(("__main__:", "site:", "importlib", "<frozen", "zipimport:",
                                          "_frozen_importlib", "encodings:", "?:<module>"))
              for s in sts), "%s: stacks not root first: %r" % (name, sts[:3]))
    check(all(s.startswith("__main__:<module>;") for s in sts if "crunch_numbers" in s),
          "%s: a crunch_numbers stack does not start at the script's <module>" % name)
    check(not any(s.split(";")[-1].startswith("tracecast_sampler:_Sampler") for s in sts),
          "%s: the sampler's own thread was sampled" % name)
    pids = {s["pid"] for t, s in py}
    check(len(pids) == 1 and all(s["tid"] > 0 for t, s in py), "%s: pids/tids %r" % (name, pids))


# 1. plain: same output and status with and without the sampler
h0, plain = run("plain", None)
h1, prof = run("prof", "python")
check(h1["tracecast"]["sources"]["profile"].get("python_hz") == 100, "header: %r" % h1["tracecast"])
check(h1["tracecast"]["sources"]["profile"].get("python_sampler") ==
      ("outside" if IMPL == "outside" else "inside"), "header: %r" % h1["tracecast"])
check(output(plain) == output(prof), "output differs:\n%r\n%r" % (output(plain), output(prof)))
check(not stacks(plain, "py"), "samples without --profile")
check_stacks("prof", prof)

# 2. a broken sitecustomize already on PYTHONPATH
env = {"PYTHONPATH": broken}
h2, theirs_plain = run("theirs-plain", None, env)
h3, theirs_prof = run("theirs-prof", "python", env)
o2, o3 = output(theirs_plain), output(theirs_prof)
check("theirs ran" in o2 and "RuntimeError: boom from theirs" in o2,
      "python itself did not show their error? %r" % o2)
check(o2 == o3, "output differs with their broken sitecustomize:\n%r\n%r" % (o2, o3))
check_stacks("theirs-prof", theirs_prof)

# 3. threads: each thread's samples carry its own native id and its own
# stack (a thread started late, after the sampler, included), at most HZ
# samples a second per thread (no bursts), times non-decreasing.
tscript = os.path.join(d, "threads.py")
tidfile = os.path.join(d, "tids")
with open(tscript, "w") as f:
    f.write('''import os, sys, threading, time
def worker_spin(secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        sum(i * i for i in range(200))
def worker_wait(ev):
    ev.wait()
ev = threading.Event()
time.sleep(0.2)
a = threading.Thread(target=worker_wait, args=(ev,))
b = threading.Thread(target=worker_spin, args=(0.6,))
a.start(); b.start()
b.join(); ev.set(); a.join()
with open(sys.argv[1], "w") as f:
    f.write("%d %d %d\\n" % (os.getpid(), a.native_id, b.native_id))
''')
out = os.path.join(d, "threads.cast")
rc, so, se = rec(out, [PY, tscript, tidfile], profile="python")
check(rc == 0, "threads: rec exit %d: %s" % (rc, se))
check("python sampler" not in se, "threads: sampler complained: %s" % se)
hdr, ev = read_cast(out)
bad = nondecreasing(ev)
check(bad is None, "threads: %s" % bad)
pid, tid_a, tid_b = (int(x) for x in open(tidfile).read().split())
py = stacks(ev, "py")
by_tid = {}
for t, s in py:
    check(s["pid"] == pid, "threads: pid %r, want %d" % (s["pid"], pid))
    by_tid.setdefault(s["tid"], []).append((t, s["stack"]))
check(set(by_tid) <= {pid, tid_a, tid_b}, "threads: tids %r, want of %r" % (sorted(by_tid), (pid, tid_a, tid_b)))
for tid, fn in ((tid_a, "__main__:worker_wait"), (tid_b, "__main__:worker_spin")):
    got = by_tid.get(tid, [])
    check(len(got) >= 5, "threads: %d samples of thread %d (%s)" % (len(got), tid, fn))
    # (a thread's first samples may catch it starting: Thread._bootstrap_inner
    # setting its started event, before it runs its target)
    check(sum(fn in st for t, st in got) >= 0.9 * len(got) and
          all(st.startswith("threading:Thread._bootstrap") for t, st in got),
          "threads: thread %d stacks without %s: %r" % (tid, fn, got[:3]))
for tid, got in by_tid.items():
    span = got[-1][0] - got[0][0]
    check(len(got) <= 100 * span * 1.1 + 2, "threads: %d samples of %d in %.2f s: above 100 Hz" % (len(got), tid, span))
print("threads: %s samples per thread" % {k: len(v) for k, v in by_tid.items()})

# 4. os.fork: the child samples itself, under its own pid and its own tid
# (not the parent's, which threading still holds for the forking thread).
fscript = os.path.join(d, "fork.py")
with open(fscript, "w") as f:
    f.write('''import os, time
def child_spin():
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        sum(range(100))
time.sleep(0.1)
pid = os.fork()
if pid == 0:
    child_spin()
    os._exit(0)
os.waitpid(pid, 0)
print("child", pid, flush=True)
''')
out = os.path.join(d, "fork.cast")
rc, so, se = rec(out, [PY, fscript], profile="python")
check(rc == 0 and "python sampler" not in se, "fork: rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
child = int(output(ev).split("child", 1)[1].split()[0])
got = [s for t, s in stacks(ev, "py") if s["pid"] == child]
check(len(got) >= 5, "fork: %d samples of the child %d" % (len(got), child))
check(all(s["tid"] == child for s in got), "fork: child tids %r" % got[:3])
check(sum("__main__:child_spin" in s["stack"] for s in got) >= 5, "fork: child stacks %r" % got[:3])
print("fork: %d samples of the child" % len(got))

# 5. one file run as __main__ and imported as a module: equal code objects
# (same content) of two modules keep their own names.
dscript = os.path.join(d, "dupmod.py")
with open(dscript, "w") as f:
    f.write('''import time
def spin(secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        sum(range(100))
if __name__ == "__main__":
    import dupmod
    spin(0.4)
    dupmod.spin(0.4)
''')
out = os.path.join(d, "dup.cast")
rc, so, se = rec(out, [PY, dscript], profile="python")
check(rc == 0 and "python sampler" not in se, "dup: rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
tops = [s["stack"].split(";")[-1] for t, s in stacks(ev, "py")]
n_main, n_mod = tops.count("__main__:spin"), tops.count("dupmod:spin")
check(n_main >= 5 and n_mod >= 5, "dup: %d __main__:spin, %d dupmod:spin" % (n_main, n_mod))
print("dup: %d __main__:spin, %d dupmod:spin" % (n_main, n_mod))
check_impl("all runs")
print("impl: %s" % IMPL)

# 6. a native module built for another Python (its file name says so) is
# not loaded: the pure-Python sampler runs instead, and nothing breaks.
if IMPL == "native":
    other = os.path.join(d, "other")
    os.mkdir(other)
    with open(os.path.join(other, "_tracecast_sampler.cpython-399-x86_64-linux-gnu.so"), "w") as f:
        f.write("not an ELF file\n")
    stats = os.path.join(d, "other-stats")
    h6, ev6 = run("other-native", "python",
                  {"TRACECAST_PY_NATIVE": other, "TRACECAST_PY_STATS": stats})
    check_stacks("other-native", ev6)
    got = open(stats).read().split()
    check(len(got) == 5 and got[2] == "python", "other-native: stats %r" % got)
    print("other-native: fell back to the pure-Python sampler")
print("ok")
