"""Stress test of the outside sampler's frame walker (recorder/py_walk.c):
three threads change their stacks every few microseconds, among shapes
known in advance (plain calls, a generator frame that yields in the middle
of the chain with a generator expression on top of it, a Python key
function called from C by sorted(), recursion deeper than the walker reads)
and the recording is read at 1000 Hz. Every recorded stack must be one of
the known shapes: a torn read (the process ran while it was read) must be
retried or counted as lost, never written. Chains deeper than
PY_WALK_MAX_DEPTH (2048) are counted as lost ("deep"), never cut."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, check, lost, read_cast, rec, stacks, tmpdir  # noqa: E402

d = tmpdir()
script = os.path.join(d, "stress.py")
with open(script, "w") as f:
    f.write('''import sys, threading, time
sys.setrecursionlimit(10000)
def a(k):
    if k & 1:
        b(k >> 1)
    sum(range(k & 31))
def b(k):
    if k & 1:
        c(k >> 1)
def c(k):
    if k & 1:
        for _ in gen_d(k >> 1):
            pass
def gen_d(k):
    yield e(k)
    yield 1
def e(k):
    return sum(i for i in range(k & 7))
def x(k):
    if k & 1:
        y(k >> 1)
def y(k):
    return sorted(range(k & 15), key=z)
def z(v):
    return -v
def deep(n):
    if n:
        return deep(n - 1)
    end = time.monotonic() + 0.03
    while time.monotonic() < end:
        pass
def driver(stop, with_deep):
    k = 1
    next_deep = time.monotonic() + 0.1
    while time.monotonic() < stop:
        k = (k * 1103515245 + 12345) & 0x7fffffff
        if k & 1:
            a(k >> 1)
        else:
            x(k >> 1)
        if with_deep and time.monotonic() > next_deep:
            deep(int(sys.argv[1]) if k & 2 else 40)
            next_deep = time.monotonic() + 0.1
stop = time.monotonic() + 3.0
ts = [threading.Thread(target=driver, args=(stop, False)) for _ in range(2)]
for t in ts:
    t.start()
driver(stop, True)
for t in ts:
    t.join()
print("stress done", flush=True)
''')

MAIN = "__main__:<module>"
THREAD = "threading:Thread._bootstrap;threading:Thread._bootstrap_inner;threading:Thread.run"
CHAINS = [["a", "b", "c", "gen_d", "e", "e.<locals>.<genexpr>"], ["x", "y", "z"]]


def valid(stack):
    """Is stack one of the shapes the program can take?"""
    frames = stack.split(";")
    ours = [fr for fr in frames if fr.startswith("__main__:") and fr != MAIN and
            fr != "__main__:<listcomp>"]
    if not ours:  # start-up, imports, the threads' list, threading's frames, join,
        # callbacks run from C (a weakref's at a thread's end): only a stack
        # with one of the program's own functions has a shape to check
        return True
    for root in (MAIN, THREAD):
        head = root + ";__main__:driver"
        if stack == head:
            return True
        if not stack.startswith(head + ";"):
            continue
        rest = [fr[len("__main__:"):] if fr.startswith("__main__:") else fr
                for fr in stack[len(head) + 1:].split(";")]
        if root == MAIN and rest and all(fr == "deep" for fr in rest):
            return len(frames) <= 2048
        # sum(), sorted() and range() are C: no frames of their own
        return any(rest == ch[:len(rest)] for ch in CHAINS)
    return False


out = os.path.join(d, "stress.cast")
rc, so, se = rec(out, [PY, script, "2100"], profile="python-outside:1000", timeout=120)
check(rc == 0, "rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
check("stress done" in "".join(x for t, c, x in ev if c == "o"), "the program did not finish")
sts = stacks(ev, "py")
bad = [s["stack"] for t, s in sts if not valid(s["stack"])]
lo = lost(ev, "py")
torn = sum(s["torn"] for t, s in lo)
deep = sum(s["deep"] for t, s in lo)
late = sum(s["late"] for t, s in lo)
shapes = {}
for t, s in sts:
    key = ";".join(fr.split(":", 1)[1] for fr in s["stack"].split(";")[-3:])
    shapes[key] = shapes.get(key, 0) + 1
print("%d stacks, %d shapes; lost: %d torn, %d deep, %d late" % (len(sts), len(shapes), torn, deep, late))
print("most common tops: %r" % sorted(shapes.items(), key=lambda kv: -kv[1])[:8])
check(not bad, "%d stacks of no known shape, e.g. %r" % (len(bad), bad[:3]))
check(len(sts) >= 800, "only %d stacks" % len(sts))
# the shapes that make walks hard were all seen: generator frames (with a
# generator expression on top), a key function called from C
for want in ("gen_d;e;e.<locals>.<genexpr>", "x;y;z"):
    check(any(k.endswith(want) for k in shapes), "never saw %s: %r" % (want, sorted(shapes)))
# recursion deeper than the walker reads: counted as lost, never cut;
# shallower recursion (40 frames) is read whole
check(deep > 0, "no deep chain counted as lost")
check(any(s["stack"].count("__main__:deep") == 41 for t, s in sts), "no whole 40-deep stack")
check(not any(s["stack"].count(";") >= 2048 for t, s in sts), "a stack of 2048 frames or more")
print("ok")
