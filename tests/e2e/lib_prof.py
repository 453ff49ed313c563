"""Shared helpers of the profile e2e tests (tests/e2e/prof_*.py).

Exit codes: 0 pass, 77 skip (the last stderr line says why), else fail."""
import atexit
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

TRACECAST = os.environ.get("TRACECAST") or sys.exit("TRACECAST not set (run through make check)")
PROGS = os.environ.get("PROGS", "")
ROOT = os.environ.get("TC_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
# Which python sampler the --profile=python recordings of the sampler tests
# use: "native" (the in-process sampler, with the _tracecast_sampler module
# the build makes; the default), "python" (the in-process pure-Python one,
# forced with TRACECAST_PY_NATIVE="") or "outside" (the outside sampler,
# recorder/py_walk.c). rec() turns the "python" of a profile spec into
# python-inside or python-outside accordingly. prof_py_pure.sh runs the
# python tests again with TC_PY_IMPL=python, prof_py_outside.sh with outside.
IMPL = os.environ.get("TC_PY_IMPL", "native")
PYSRC = "python-outside" if IMPL == "outside" else "python-inside"
_STATS = []   # the TRACECAST_PY_STATS file of this test, once made


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def skip(msg):
    print("skipped: " + msg, file=sys.stderr)
    sys.exit(77)


def check(cond, msg):
    if not cond:
        fail(msg)


def tmpdir():
    """A temporary folder, removed when the test exits (pass, fail or skip)."""
    d = tempfile.mkdtemp(prefix="tracecast-prof-")
    atexit.register(shutil.rmtree, d, True)
    return d


def rec(out, cmd, profile="proc", extra=(), env=None, timeout=60, wrapper=(), map_py=True):
    """Record cmd headless; returns (rc, stdout text, stderr text).
    map_py=False passes a "python" in profile as it is (the automatic
    choice between the samplers)."""
    argv = list(wrapper) + [TRACECAST, "rec", "--headless", "-q", "--overwrite"]
    if profile is not None:
        if map_py:
            profile = ",".join(PYSRC if p == "python" else
                               PYSRC + p[6:] if p.startswith("python:") else p
                               for p in profile.split(","))
        argv.append("--profile=" + profile)
    argv += list(extra) + [out, "--"] + list(cmd)
    e = dict(os.environ)
    e["TRACECAST_PYTHONPATH"] = os.path.join(ROOT, "recorder/python")
    e.pop("TRACECAST_PY_NATIVE", None)
    if IMPL == "python":
        e["TRACECAST_PY_NATIVE"] = ""
    if not _STATS:
        _STATS.append(os.path.join(tmpdir(), "py-stats"))
    e["TRACECAST_PY_STATS"] = _STATS[0]
    if env:
        e.update(env)
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       env=e, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def read_cast(path):
    """(header dict, [(time, code, data)])"""
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    header = json.loads(lines[0])
    events = []
    for l in lines[1:]:
        t, code, data = json.loads(l)
        events.append((t, code, data))
    return header, events


def samples(events, src):
    """[(time, parsed p data)] of one source."""
    out = []
    for t, code, data in events:
        if code == "p":
            d = json.loads(data)
            if d.get("src") == src:
                out.append((t, d))
    return out


def stacks(events, src):
    """[(time, parsed p data)] of one source's stack samples (not its
    {"lost":N} events)."""
    return [(t, d) for t, d in samples(events, src) if "stack" in d]


def lost(events, src):
    """[(time, parsed p data)] of one source's {"lost":N} events."""
    return [(t, d) for t, d in samples(events, src) if "lost" in d]


def first(events, code, pred):
    """Time of the first event of code whose data satisfies pred, or fail."""
    for t, c, d in events:
        if c == code and pred(d):
            return t
    fail("no %r event matching in the recording" % code)


def perf_refused(stderr):
    return "perf_event_open refused" in stderr or "perf events are not available" in stderr


def nondecreasing(events):
    last = -1.0
    for i, (t, c, d) in enumerate(events):
        if t < last:
            return "event %d (%r at %.6f) is before the previous one (%.6f)" % (i + 1, c, t, last)
        last = t
    return None


def impls_used():
    """The sampler implementations that reported at their exit (a sampler
    writes "PID CPU_SECONDS IMPL ROUNDS SKIPPED" to $TRACECAST_PY_STATS when
    it stops)."""
    if not _STATS or not os.path.exists(_STATS[0]):
        return set()
    with open(_STATS[0]) as f:
        return {line.split()[2] for line in f if len(line.split()) == 5}


def check_impl(name):
    """Every sampler that ran was the one this run asked for (outside: no
    in-process sampler ran at all)."""
    got = impls_used()
    if IMPL == "outside":
        check(not got, "%s: in-process samplers ran: %r" % (name, sorted(got)))
        return
    check(got == {IMPL}, "%s: samplers that ran: %r, want only %r%s" % (
        name, sorted(got), IMPL,
        " (is the native module built? make builds it when python3-dev is"
        " installed: make deps)" if IMPL == "native" else ""))
