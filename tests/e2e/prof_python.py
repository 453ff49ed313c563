"""--profile=python: a script's known functions appear in the "py" stacks;
the script's own output and exit status are the same as unprofiled; the
sampler's thread is not sampled; with a broken sitecustomize already on
PYTHONPATH, both load: the script runs, our sampler runs, theirs ran and
its error is shown exactly as Python shows it without tracecast."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, check, read_cast, rec, samples, tmpdir, nondecreasing  # noqa: E402

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
    py = samples(ev, "py")
    check(len(py) >= 10, "%s: only %d py samples" % (name, len(py)))
    stacks = [s["stack"] for t, s in py]
    hit = sum(1 for s in stacks if "__main__:outer_call;__main__:crunch_numbers" in s)
    print("%s: %d py samples, %d in outer_call;crunch_numbers" % (name, len(py), hit))
    check(hit >= 5, "%s: known functions missing from stacks: %r" % (name, stacks[:5]))
    check(all(s.split(";")[0].startswith(("__main__:", "site:", "importlib", "<frozen")) or
              s.startswith("importlib") for s in stacks), "%s: stacks not root first: %r" % (name, stacks[:3]))
    check(not any(s.split(";")[-1].startswith("tracecast_sampler:_Sampler") for s in stacks),
          "%s: the sampler's own thread was sampled" % name)
    pids = {s["pid"] for t, s in py}
    check(len(pids) == 1 and all(s["tid"] > 0 for t, s in py), "%s: pids/tids %r" % (name, pids))


# 1. plain: same output and status with and without the sampler
h0, plain = run("plain", None)
h1, prof = run("prof", "python")
check(h1["tracecast"]["sources"]["profile"].get("python_hz") == 100, "header: %r" % h1["tracecast"])
check(output(plain) == output(prof), "output differs:\n%r\n%r" % (output(plain), output(prof)))
check(not samples(plain, "py"), "samples without --profile")
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
print("ok")
