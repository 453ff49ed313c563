"""tracecast export, each format checked by its consumer, on one real
recording (rec --strace --profile=proc,python of a script whose parent
spends its time in hot() and whose child process runs warm(), with markers):
  callgrind  callgrind_annotate (valgrind) parses it, hot() comes first
  speedscope speedscope (npm, offline in chromium) loads it and shows one
             profile per process with the expected names
  chrome     a schema check (complete "X" events per TID with the recorded
             spans, markers and output bursts as instants, CPU/RSS counters)
             and the same speedscope import
  strace     round trip: its lines are the recorded ones, the times within
             1 us of start_unix_ns + each call's start
and the window options, the 0600 temp-file-and-rename output, --force."""
import json
import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, TRACECAST, check, fail, read_cast, rec, samples, tmpdir  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
d = tmpdir()
# the workload of samples/stats/demo.cast, with longer phases
script = os.path.join(ROOT, "samples", "stats", "demo.py")
os.environ.update(DEMO_HOT="0.9", DEMO_WARM="0.4")
cast = os.path.join(d, "work.cast")
rc, so, se = rec(cast, [PY, script], profile="proc,python", extra=["--strace"],
                 )
if rc != 0:
    out = subprocess.run([TRACECAST, "cat", cast], capture_output=True, text=True).stdout
    fail("rec exit %d: %s; the script printed: %s" % (rc, se, out[-2000:]))
hdr, ev = read_cast(cast)
py_all = samples(ev, "py")
# what the exports count by default: on-CPU stack samples (no "idle"), and
# lost records {"lost":N}, shown as N samples of a frame "[lost]"
py = [(t, s) for t, s in py_all if "stack" in s and not s.get("idle")]
lost = [(t, s) for t, s in py_all if "lost" in s]
pids = sorted({s["pid"] for t, s in py})
check(len(pids) == 2, "expected py samples from 2 processes, got %r" % pids)


def tc(*args):
    p = subprocess.run([TRACECAST] + list(args), capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def export(fmt, *args, out=None):
    out = out or os.path.join(d, "out." + fmt)
    rc, o, e = tc("export", cast, "--format", fmt, "-o", out, "--force", *args)
    check(rc == 0, "export %s: exit %d: %s" % (fmt, rc, e))
    st = os.stat(out)
    check(stat.S_IMODE(st.st_mode) == 0o600, "%s: mode %o, not 0600" % (out, stat.S_IMODE(st.st_mode)))
    return out


# ---- callgrind: callgrind_annotate reads it, hot() first ----
# (between the markers: the python sampler also samples a process blocked
# in a wait, and the parent waits for its child at the end)
cg = export("callgrind", "--between-markers", "start", "stop", out=os.path.join(d, "callgrind.out.work"))
mt = {x: t for t, c, x in ev if c == "m"}
py_win = [t for t, s in py if mt["start"] < t < mt["stop"]]
lost_win = sum(s["lost"] for t, s in lost if mt["start"] < t < mt["stop"])
p = subprocess.run(["callgrind_annotate", "--inclusive=no", cg], capture_output=True, text=True, timeout=60)
check(p.returncode == 0, "callgrind_annotate failed: %s" % p.stderr)
rows = [l for l in p.stdout.splitlines() if re.match(r"^\s*[\d,]+ \(", l) and "PROGRAM TOTALS" not in l]
check(rows, "callgrind_annotate printed no function rows:\n" + p.stdout)
check("__main__:spin" in rows[0], "first (hottest self) function is not spin:\n" + "\n".join(rows[:5]))
total = re.search(r"^\s*([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", p.stdout, re.M)
check(total and int(total.group(1).replace(",", "")) == len(py_win) + lost_win,
      "PROGRAM TOTALS %r != %d samples + %d lost" % (total and total.group(1), len(py_win), lost_win))
# the whole recording: every function's self and inclusive samples as
# callgrind_annotate reads them equal the recording's stacks
cg = export("callgrind", out=os.path.join(d, "callgrind.out.all"))
def annotate(inclusive):
    p = subprocess.run(["callgrind_annotate", "--inclusive=" + inclusive, "--threshold=100", cg],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "callgrind_annotate failed: %s" % p.stderr)
    got = {}
    for l in p.stdout.splitlines():
        m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+[^:]+:(.*)$", l)
        if m and "PROGRAM TOTALS" not in l:
            got[m.group(2)] = int(m.group(1).replace(",", ""))
    return got
self_got, incl_got = annotate("no"), annotate("yes")
for fn in ("__main__:spin", "__main__:hot", "__main__:warm", "__main__:<module>"):
    self_want = sum(1 for t, s in py if s["stack"].split(";")[-1] == fn)
    incl_want = sum(1 for t, s in py if fn in s["stack"].split(";"))
    check(self_got.get(fn, 0) == self_want and incl_got.get(fn, 0) == incl_want,
          "%s: callgrind_annotate self %r incl %r, recording %d %d" % (fn, self_got.get(fn), incl_got.get(fn), self_want, incl_want))

# ---- speedscope: one sampled profile per process, recording times ----
ss = export("speedscope", out=os.path.join(d, "work.speedscope.json"))
doc = json.load(open(ss))
check(doc["$schema"] == "https://www.speedscope.app/file-format-schema.json", "speedscope $schema")
names = sorted(pr["name"] for pr in doc["profiles"])
check(len(names) == 2 and all(pr["type"] == "sampled" and pr["unit"] == "seconds"
                              for pr in doc["profiles"]), "speedscope profiles: %r" % names)
frames = [f["name"] for f in doc["shared"]["frames"]]
for pr in doc["profiles"]:
    check(len(pr["samples"]) == len(pr["weights"]), "samples and weights differ in length")
    mine = [t for t, s in py + lost if "pid %d " % s["pid"] in pr["name"]]
    check(len(pr["samples"]) == len(mine), "%s: %d samples, recording has %d" % (pr["name"], len(pr["samples"]), len(mine)))
    check(abs(pr["startValue"] - min(mine)) < 1e-5, "%s: startValue %r, first sample %r" % (pr["name"], pr["startValue"], min(mine)))
    leafs = {frames[s[-1]] for s in pr["samples"]}
    check("__main__:spin" in leafs, "%s: spin() never a leaf" % pr["name"])
for pid in pids:
    check(any(("pid %d tid %d (py)" % (pid, pid)) in n for n in names), "no profile named for pid %d: %r" % (pid, names))

# ---- chrome: schema and spans ----
ch = export("chrome", out=os.path.join(d, "work.trace.json"))
tr = json.load(open(ch))
check(isinstance(tr, list), "chrome: not the JSON Array Format")
for e in tr:
    check(e.get("ph") in ("X", "i", "C", "M"), "chrome: event phase %r" % e)
    check(isinstance(e.get("name"), str) and isinstance(e.get("pid"), int), "chrome: name/pid %r" % e)
    if e["ph"] != "M":
        check(isinstance(e.get("ts"), (int, float)) and e["ts"] >= 0, "chrome: ts %r" % e)
    if e["ph"] == "X":
        check(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0 and isinstance(e.get("tid"), int), "chrome: X %r" % e)
    if e["ph"] == "i":
        check(e.get("s") in ("g", "p", "t"), "chrome: instant scope %r" % e)
    if e["ph"] == "C":
        check(isinstance(e.get("args"), dict) and all(isinstance(v, (int, float)) for v in e["args"].values()), "chrome: counter %r" % e)
s_end = hdr["tracecast"].get("s_time") == "end"
calls = []
for t, c, x in ev:
    if c != "s":
        continue
    m = re.match(r"^(\d+) +(?!<\.\.\.)(\w+)\(.*<(\d+\.\d+)>$", x) or re.match(r"^(\d+) +<\.\.\. (\w+) resumed>.*<(\d+\.\d+)>$", x)
    if m:
        dur = float(m.group(3))
        calls.append((int(m.group(1)), m.group(2), (t - dur) if s_end else t, dur, x))
xs = [e for e in tr if e["ph"] == "X"]
check(len(xs) == len(calls), "chrome: %d X events, %d complete calls recorded" % (len(xs), len(calls)))
for e, (tid, name, start, dur, line) in zip(xs, calls):
    check(e["tid"] == tid and e["name"] == name and e["args"]["line"] == line, "chrome: %r vs %r" % (e, line))
    check(abs(e["ts"] - start * 1e6) <= 1.5 and abs(e["dur"] - dur * 1e6) <= 1.5, "chrome: span %r vs %r %r" % (e, start, dur))
marks = [x for t, c, x in ev if c == "m"]
check([e["name"] for e in tr if e["ph"] == "i" and e.get("cat") == "marker"] == marks, "chrome: markers")
check(any(e["ph"] == "i" and e["name"] == "output" for e in tr), "chrome: no output burst")
check(any(e["ph"] == "C" and "cpu" in e["args"] for e in tr) and any(e["ph"] == "C" and "rss_kb" in e["args"] for e in tr), "chrome: no CPU/RSS counters")
# failed calls carry their errno (the script's failed opens among them;
# a call split into <unfinished>/<resumed> halves has its path in the first)
# (a sleep cut by a signal: "= ? ERESTARTNOHAND", also an error for strace -c)
ERR = re.compile(r" = (?:-1|\?) (E[A-Z0-9_]+) ")
failed = [(tid, name, ERR.search(line).group(1)) for tid, name, start, dur, line in calls if ERR.search(line)]
got = [(e["tid"], e["name"], e["args"].get("errno")) for e in xs if e["args"].get("errno")]
check(got == failed, "chrome: failed calls %r, recorded %r" % ([g for g in got if g not in failed], [f for f in failed if f not in got]))
check(sum(1 for t, n, e in failed if n == "openat" and e == "ENOENT") >= 3, "chrome: the script's failed openat")

# speedscope (the npm package, offline in chromium) loads both
p = subprocess.run(["node", os.path.join(ROOT, "tests/e2e/lib_speedscope.mjs"), ss, ch],
                   capture_output=True, text=True, timeout=300)
check(p.returncode == 0, "speedscope load failed: %s %s" % (p.stdout, p.stderr))
shown = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
check(sorted(shown[0]["names"]) == names, "speedscope shows %r, file has %r" % (shown[0]["names"], names))
tids = sorted({tid for tid, *_ in calls})
check(len(shown[1]["names"]) == len(tids) and all(any("tid %d" % t in n for n in shown[1]["names"]) for t in tids),
      "speedscope on the chrome trace shows %r, threads with calls %r" % (shown[1]["names"], tids))

# ---- strace: round trip ----
st = export("strace")
lines = open(st).read().splitlines()
rec_s = [(t, x) for t, c, x in ev if c == "s"]
check(len(lines) == len(rec_s), "strace: %d lines, %d recorded" % (len(lines), len(rec_s)))
base = hdr["tracecast"]["start_unix_ns"]
for l, (t, x) in zip(lines, rec_s):
    m = re.match(r"^(\d+ +)(\d+\.\d{6}) (.*)$", l)
    check(m, "strace: line shape %r" % l)
    check(m.group(1) + m.group(3) == x, "strace: %r is not the recorded %r" % (l, x))
    dm = re.search(r" <(\d+\.\d+)>$", x)
    start = t - (float(dm.group(1)) if dm and s_end and "<unfinished" not in x else 0)
    want_us = base / 1000 + start * 1e6
    got_us = int(m.group(2).replace(".", ""))
    check(abs(got_us - want_us) <= 1.0 + 1e-3, "strace: time %s vs %.1f us (%r)" % (m.group(2), want_us, x))

# ---- windows: between the markers only the parent's hot() and the openats ----
w = export("strace", "--between-markers", "start", "stop", out=os.path.join(d, "w.strace"))
wl = open(w).read()
check(wl.count("/nonexistent/demo-") == 3, "window: the 3 openat calls")
check("execve(" not in wl.split("\n")[0], "window: starts before the marker")
fo = export("folded", "--between-markers", "start", "stop", "--src", "py", out=os.path.join(d, "w.folded"))
check("__main__:hot" in open(fo).read(), "folded window: no hot()")

# ---- output files: refuse to overwrite, temp file + rename ----
rc, o, e = tc("export", cast, "--format", "strace", "-o", st)
check(rc == 2 and "exists" in e and "--force" in e, "overwrite without --force: %d %r" % (rc, e))
check(sorted(os.listdir(d)) == sorted(x for x in os.listdir(d) if ".tmp." not in x), "temporary files left")
print("exports: callgrind_annotate, speedscope, chrome schema, strace round trip ok (%d samples, %d calls)" % (len(py), len(calls)))
