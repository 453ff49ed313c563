"""`tracecast info` profile summary and `tracecast export --format folded`
on a real recording (--profile=proc,python of a script with two phases in
known functions, separated by `tracecast mark` markers): the summary's CPU
seconds agree with what the script measured for itself, top frames name
the functions; export's folded lines add up to info's sample count, and
--between-markers / --from / --to / --src / -o select what they say."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, TRACECAST, check, fail, read_cast, rec, samples, tmpdir  # noqa: E402

d = tmpdir()
script = os.path.join(d, "phases.py")
with open(script, "w") as f:
    f.write('''import os, subprocess, sys, time
def alpha(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += 1
    return n
def beta(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += 2
    return n
alpha(0.6)
subprocess.run([os.environ["TC_BIN"], "mark", "a-done"], check=True)
beta(0.6)
subprocess.run([os.environ["TC_BIN"], "mark", "b-done"], check=True)
time.sleep(0.2)
print("cpu %.3f" % time.process_time(), flush=True)
''')
out = os.path.join(d, "phases.cast")
rc, so, se = rec(out, [PY, script], profile="proc,python", env={"TC_BIN": TRACECAST})
check(rc == 0, "rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
marks = {x: t for t, c, x in ev if c == "m"}
check("a-done" in marks and "b-done" in marks, "markers missing: %r" % marks)
m = re.search(r"cpu ([0-9.]+)", "".join(x for t, c, x in ev if c == "o"))
check(m, "script output missing")
own_cpu = float(m.group(1))
pyall = [s for t, s in samples(ev, "py")]
# lost rounds are records of their own; idle samples count only with --idle
lost = sum(s.get("lost", 0) for s in pyall)
py = [s for s in pyall if "stack" in s and not s.get("idle")]
idle = [s for s in pyall if "stack" in s and s.get("idle")]


def tc(*args):
    p = subprocess.run([TRACECAST] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


# info: text and JSON
rc, text, err = tc("info", out)
check(rc == 0 and "profile:" in text, "info: %d %s %s" % (rc, text, err))
check("py: %d stack samples, %d lost" % (len(py), lost) in text, "info py count wrong:\n" + text)
check(not idle or "on-CPU samples only; %d idle samples" % len(idle) in text,
      "info does not say idle samples are left out:\n" + text)
rc, text_idle, err = tc("info", "--idle", out)
check("py: %d stack samples" % (len(py) + len(idle)) in text_idle, "info --idle:\n" + text_idle)
check("top frames by self samples" in text and "__main__:alpha" in text, "info text:\n" + text)
rc, js, err = tc("info", "--json", out)
check(rc == 0, "info --json failed: " + err)
prof = json.loads(js)["profile"]
pys = [p for p in prof["processes"] if p["comm"].startswith("python")]
# the script's own process: not a forked copy of it sampled before its exec
# of `tracecast mark` (a real process of the tree, on a loaded machine
# seen for a tick or two)
procs = [p for p in pys if p["ppid"] not in {q["pid"] for q in pys}]
check(len(procs) == 1, "python process not in summary: %r" % prof["processes"])
p = procs[0]
print("summary cpu %.2f s, script measured %.2f s; peak rss %d kB; states %r"
      % (p["cpu_s"], own_cpu, p["peak_rss_kb"], p["states"]))
check(abs(p["cpu_s"] - own_cpu) <= 0.15 + 0.25 * own_cpu, "cpu_s %.2f vs %.2f" % (p["cpu_s"], own_cpu))
check(p["peak_rss_kb"] > 4000, "peak rss %r" % p["peak_rss_kb"])
seen = p["last_s"] - p["first_s"]
check(abs(sum(p["states"].values()) - seen) < 0.2, "state times %r vs seen %.2f" % (p["states"], seen))
tops = prof["stacks"]["py"]
check(tops["samples"] == len(py), "json samples %r vs %d" % (tops["samples"], len(py)))
self_names = [f["frame"] for f in tops["top_self"]]
check("__main__:alpha" in self_names and "__main__:beta" in self_names, "top_self %r" % self_names)
check(tops["top_total"][0]["frame"] == "__main__:<module>", "top_total %r" % tops["top_total"][:3])


def folded(*args):
    rc, o, e = tc("export", out, "--format", "folded", *args)
    check(rc == 0, "export %r: %d %s" % (args, rc, e))
    res = {}
    for line in o.splitlines():
        stack, n = line.rsplit(" ", 1)
        check(stack not in res, "stack listed twice: " + stack)
        res[stack] = int(n)
    check(list(res) == sorted(res), "export not sorted")
    return res


def count(res, fn):
    return sum(n for s, n in res.items() if fn in s.split(";"))


allf = folded()
check(sum(allf.values()) == len(py) + lost, "export total %d != %d samples + %d lost"
      % (sum(allf.values()), len(py), lost))
check(allf.get("[lost]", 0) == lost, "export [lost] line %r, %d lost" % (allf.get("[lost]"), lost))
check(sum(folded("--idle").values()) == len(py) + len(idle) + lost, "export --idle total")
check(count(allf, "__main__:alpha") >= 5 and count(allf, "__main__:beta") >= 5, "export: %r" % allf)
mid = folded("--between-markers", "a-done", "b-done")
print("between markers: alpha %d beta %d of %d" % (count(mid, "__main__:alpha"), count(mid, "__main__:beta"), sum(mid.values())))
check(count(mid, "__main__:alpha") == 0 and count(mid, "__main__:beta") >= 5, "between-markers: %r" % mid)
early = folded("--to", "%.6f" % marks["a-done"])
check(count(early, "__main__:beta") == 0 and count(early, "__main__:alpha") >= 5, "--to: %r" % early)
late = folded("--from", "%.6f" % marks["b-done"])
check(count(late, "__main__:alpha") == 0 and count(late, "__main__:beta") == 0, "--from: %r" % late)
# --src perf: nothing (none recorded), said on stderr; -o writes the file
rc, o, e = tc("export", out, "--format", "folded", "--src", "perf")
check(rc == 0 and o == "" and "no perf stack samples" in e, "--src perf: %r %r" % (o, e))
of = os.path.join(d, "out.folded")
rc, o, e = tc("export", out, "--format", "folded", "--src", "py", "-o", of)
check(rc == 0 and o == "", "-o: %d %r" % (rc, e))
with open(of) as f:
    check(sum(int(l.rsplit(" ", 1)[1]) for l in f) == len(py) + lost, "-o file differs")
# errors: unknown marker, missing --format, bad time
rc, o, e = tc("export", out, "--format", "folded", "--between-markers", "a-done", "nope")
check(rc == 1 and "marker 'nope' not found" in e, "missing marker: %d %r" % (rc, e))
rc, o, e = tc("export", out)
check(rc == 2 and "--format folded" in e, "no format: %d %r" % (rc, e))
rc, o, e = tc("export", out, "--format", "folded", "--from", "x1")
check(rc == 2 and "bad time" in e, "bad time: %d %r" % (rc, e))
print("ok")
