"""--profile=perf on a C program whose busy phase is in busy_loop(): that
function is in >= 50% of the busy phase's samples, with the callchain up
through run_phases and main (frame pointers); samples are stamped inside
the phase; no samples lost. Skips where perf_event_open is refused."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PROGS, check, read_cast, rec, samples, tmpdir, nondecreasing, perf_refused, skip  # noqa: E402

d = tmpdir()
out = os.path.join(d, "perf.cast")
rc, so, se = rec(out, [os.path.join(PROGS, "prof_perf_target"), "0.6"], profile="perf")
if perf_refused(se):
    skip("perf_event_open is refused here (%s)" % se.strip().splitlines()[-1])
check(rc == 0, "rec exit %d: %s" % (rc, se))
hdr, ev = read_cast(out)
check(hdr["tracecast"]["sources"]["profile"].get("perf_hz") == 99, "header: %r" % hdr["tracecast"])
bad = nondecreasing(ev)
check(bad is None, str(bad))
text_t = [(t, data) for t, code, data in ev if code == "o"]
t0 = next((t for t, x in text_t if "busy start" in x), None)
t1 = next((t for t, x in text_t if "busy end" in x), None)
check(t0 is not None and t1 is not None, "target output missing: %r" % text_t)
ps = samples(ev, "perf")
lost = sum(s.get("lost", 0) for t, s in ps)
stacks = [(t, s) for t, s in ps if "stack" in s]
busy = [s["stack"] for t, s in stacks if t0 <= t <= t1]
# 0.6 s of CPU at 99 Hz: about 59 samples
check(len(busy) >= 30, "only %d perf samples in the busy phase (%d in all)" % (len(busy), len(stacks)))
inside = sum(1 for st in busy if "busy_loop" in st.split(";"))
chained = sum(1 for st in busy if "main;run_phases;busy_loop" in st)
print("busy phase: %d samples, %d in busy_loop (%.0f%%), %d with main;run_phases;busy_loop; lost %d"
      % (len(busy), inside, 100.0 * inside / len(busy), chained, lost))
check(inside * 2 >= len(busy), "busy_loop in only %d of %d samples: %r" % (inside, len(busy), busy[:5]))
check(chained * 2 >= len(busy), "callchains do not reach main: %r" % busy[:5])
check(lost == 0, "%d samples lost" % lost)
root = stacks[0][1]["pid"]
check(all(s["pid"] == root for t, s in stacks), "samples from a foreign pid")
print("ok")
