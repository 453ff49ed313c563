"""--profile (proc) on the burner: CPU in the busy second, none in the idle
one, 200 MB of RSS growth after the "mem" marker, the forked child as its
own process that vanishes once reaped; all at the right times relative to
the burner's markers."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PROGS, check, fail, read_cast, rec, samples, tmpdir, nondecreasing  # noqa: E402

d = tmpdir()
out = os.path.join(d, "burner.cast")
rc, so, se = rec(out, [os.path.join(PROGS, "prof_burner")], profile="proc")
check(rc == 0, "rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
check(hdr["tracecast"]["sources"]["profile"]["proc_hz"] == 20, "header proc_hz: %r" % hdr["tracecast"])
bad = nondecreasing(ev)
check(bad is None, str(bad))

marks = {data: t for t, code, data in ev if code == "m"}
for m in ("busy", "idle", "mem", "end"):
    check(m in marks, "marker %r missing (markers: %r)" % (m, marks))
text = "".join(data for t, code, data in ev if code == "o")
mg = re.search(r"busy cpu ([0-9.]+)", text)
mc = re.search(r"child ([0-9]+)", text)
check(mg and mc, "burner output incomplete: %r" % text)
got, child = float(mg.group(1)), int(mc.group(1))

ps = samples(ev, "proc")
check(len(ps) >= 40, "only %d proc samples in a 3 s run at 20 Hz" % len(ps))
root = ps[0][1]["procs"][0]["pid"]


def procs_of(pid, t0, t1):
    """Samples of pid strictly inside (t0, t1) (the first tick after a
    phase change straddles it and is left out)."""
    r = []
    for t, s in ps:
        if t0 + 0.06 < t <= t1:
            for p in s["procs"]:
                if p["pid"] == pid:
                    r.append((t, p))
    return r


busy = procs_of(root, marks["busy"], marks["idle"])
idle = procs_of(root, marks["idle"], marks["mem"])
check(len(busy) >= 12 and len(idle) >= 12, "too few samples: busy %d idle %d" % (len(busy), len(idle)))


def mean_cpu(samps):
    """CPU fraction over the samples' intervals (each weighted by its length)."""
    tot = dur = 0.0
    for (ta, pa), (tb, pb) in zip(samps, samps[1:]):
        tot += pb["cpu"] * (tb - ta)
        dur += tb - ta
    return tot / dur


busy_cpu = mean_cpu(busy)
idle_cpu = mean_cpu(idle)
print("busy second: sampled cpu %.2f (burner measured %.2f itself); idle: %.2f" % (busy_cpu, got, idle_cpu))
# The sampler must agree with what the burner measured for itself; and on a
# machine that gave the burner its core, the goal >= 0.7 holds.
check(abs(busy_cpu - got) <= 0.15, "sampled busy cpu %.2f vs burner's own %.2f" % (busy_cpu, got))
if got >= 0.8:
    check(busy_cpu >= 0.7, "busy cpu %.2f < 0.7" % busy_cpu)
else:
    print("note: loaded machine, the burner got only %.2f of a core: checked agreement, not >= 0.7" % got)
check(idle_cpu <= 0.1, "idle cpu %.2f > 0.1" % idle_cpu)
check(all(p["state"] in "SR" for t, p in idle), "idle states: %r" % [p["state"] for t, p in idle])
check(sum(p["state"] == "S" for t, p in idle) >= len(idle) - 1, "burner not sleeping while idle")

before = [p["rss_kb"] for t, p in procs_of(root, marks["busy"], marks["mem"])]
after = [p["rss_kb"] for t, p in procs_of(root, marks["mem"] + 0.0, 1e9) if t >= marks["end"] - 0.3]
check(before and after, "no samples around the mem phase")
growth = (max(after) - max(before)) / 1024.0
print("rss growth %.0f MB" % growth)
check(growth >= 150, "RSS growth %.0f MB < 150 MB" % growth)
check(max(before) < 100 * 1024, "RSS already %d kB before the mem phase" % max(before))

# the forked child: its own process (ppid = burner) during the idle phase,
# gone after it was reaped (before the "mem" marker)
seen = procs_of(child, marks["idle"] - 0.06, marks["mem"])
check(seen, "forked child %d never sampled" % child)
check(all(p["ppid"] == root for t, p in seen), "child's ppid is not the burner")
check(any(p["state"] in "RS" for t, p in seen), "child never alive in samples")
late = [t for t, s in ps if t > marks["mem"] for p in s["procs"] if p["pid"] == child]
check(not late, "child still sampled after it was reaped: %r" % late[:3])
for t, s in ps:
    for p in s["procs"]:
        for k in ("pid", "ppid", "comm", "cpu", "rss_kb", "state", "wchan", "threads", "read_kb", "write_kb"):
            if k not in p:
                fail("field %r missing in %r" % (k, p))
print("ok")
