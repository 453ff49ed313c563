"""The perf warning path: with perf_event_open refused (EACCES from a
seccomp filter installed by tests/progs/seccomp_deny around the recorder,
as in a container), --profile=proc,perf prints ONE clear warning, records
the command anyway (its output and exit status), without perf in the
header and without perf samples, with the proc samples."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PROGS, check, read_cast, rec, samples, tmpdir  # noqa: E402

d = tmpdir()
out = os.path.join(d, "noperf.cast")
rc, so, se = rec(out, ["/bin/sh", "-c", "echo recorded-anyway; sleep 0.3; exit 3"],
                 profile="proc,perf", wrapper=[os.path.join(PROGS, "seccomp_deny"), "perf_event_open", "EACCES"])
if rc == 77:
    from lib_prof import skip
    skip("cannot install a seccomp filter here: " + se.strip())
warn = [l for l in se.splitlines() if "perf" in l]
print("stderr: %r" % se)
check(rc == 3, "rec exit %d (want the command's 3): %s" % (rc, se))
check(len(warn) == 1, "want exactly one perf warning line, got %r" % warn)
check("perf_event_open refused" in warn[0] and "recording without perf samples" in warn[0],
      "unclear warning: %r" % warn[0])
hdr, ev = read_cast(out)
prof = hdr["tracecast"]["sources"]["profile"]
check("perf_hz" not in prof and prof.get("proc_hz") == 20, "header: %r" % prof)
check("recorded-anyway" in "".join(x for t, c, x in ev if c == "o"), "output not recorded")
check(not samples(ev, "perf"), "perf samples despite the refusal")
check(len(samples(ev, "proc")) >= 3, "proc samples missing")
check(ev[-1][1] == "x" and ev[-1][2] == "3", "exit event: %r" % (ev[-1],))
print("ok")
