"""rec --strace stamps an "s" event when its call ended (issue 12, point 1):
a 300 ms poll between getppid() and getuid() (and one of 1 s), recorded
with --strace --profile=proc (whose samples fill the timeline meanwhile, as
the other processes of a real session do), is recorded with its real span
[t - DURATION, t] within 5 ms (against the program's own CLOCK_REALTIME
measure through the header's start_unix_ns, and against the neighbouring
calls), the header says "s_time": "end", and rec reports no clamped events
(before, the poll's line came 300 ms after its entry stamp, later than the
100 ms reorder window, and was clamped)."""
import re
import shutil
import subprocess

from lib_rec import TC, check, fail, need_pty, path, prog, read_cast, rec, skip

need_pty()
if not shutil.which("strace"):
    skip("strace is not installed (make deps installs it)")
if subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"]).returncode != 0:
    skip("strace cannot trace here (ptrace refused)")

P = prog("strace_poll")
DUR = re.compile(r"<(\d+\.\d+)>\s*$")


def span(ev, base):
    """[start, end] of an s event (seconds), as strace_line_span reads it."""
    m = DUR.search(ev[2])
    d = float(m.group(1)) if m else 0.0
    if "<unfinished ...>" in ev[2]:
        d = 0.0
    return (ev[0] - d, ev[0]) if base == "end" else (ev[0], ev[0] + d)


for ms in (300, 1000):
    f = path("span%d.cast" % ms)
    rc, out, err = rec(["--strace", "--profile=proc", f, "--", P, str(ms)], check_rc=0)
    check("clamped" not in err, "rec clamped events: %s" % err.strip())
    hdr, evs = read_cast(f)
    base = hdr["tracecast"].get("s_time", "start")
    check(base == "end", "header tracecast.s_time is %r, not \"end\"" % base)
    m = re.search(r"poll (\d+) (\d+)", "".join(e[2] for e in evs if e[1] == "o"))
    check(m, "the program's measure is not in the output")
    t0 = (int(m.group(1)) - hdr["tracecast"]["start_unix_ns"]) / 1e9
    t1 = (int(m.group(2)) - hdr["tracecast"]["start_unix_ns"]) / 1e9
    s = [e for e in evs if e[1] == "s"]
    polls = [i for i, e in enumerate(s) if re.match(r"\d+\s+poll\(NULL, 0, %d" % ms, e[2])]
    check(len(polls) == 1, "not one poll line: %r" % [s[i][2] for i in polls])
    i = polls[0]
    check("<unfinished" not in s[i][2], "the poll was split: %r" % s[i][2])
    ps, pe = span(s[i], base)
    before = [e for e in s[:i] if re.match(r"\d+\s+getppid\(", e[2])]
    after = [e for e in s[i + 1:] if re.match(r"\d+\s+getuid\(", e[2])]
    check(before and after, "marked calls missing around the poll")
    b_end = span(before[-1], base)[1]
    a_start = span(after[0], base)[0]
    check(any(e[1] == "p" and t0 < e[0] < t1 for e in evs),
          "no proc sample during the poll: the test would not show a clamp")
    errs = []
    if abs(ps - t0) > 0.005 or abs(pe - t1) > 0.005:
        errs.append("poll span [%.6f, %.6f], measured [%.6f, %.6f]" % (ps, pe, t0, t1))
    if abs(ps - b_end) > 0.005:
        errs.append("poll starts %.6f, getppid ended %.6f" % (ps, b_end))
    if abs(pe - a_start) > 0.005:
        errs.append("poll ends %.6f, getuid started %.6f" % (pe, a_start))
    if errs:
        fail("%d ms poll: %s" % (ms, "; ".join(errs)))
    # the player reads the same span: dump's panel shows the poll at its end
    d = subprocess.run([TC, "dump", "--overlay", "--size", "140x16", "--at",
                        "%.6f" % (pe - 0.002), f], capture_output=True, text=True)
    check(d.returncode == 0, "dump failed: %s" % d.stderr)
    check("poll(NULL, 0, %d) =" % ms not in d.stdout,
          "dump shows the poll's result before the call ended:\n" + d.stdout)
    check("poll(NULL, 0, %d) in flight" % ms in d.stdout,
          "dump does not show the poll in flight inside its span:\n" + d.stdout)
    d = subprocess.run([TC, "dump", "--overlay", "--size", "140x16", "--at",
                        "%.6f" % (pe + 0.001), f], capture_output=True, text=True)
    check("poll(NULL, 0, %d)" % ms in d.stdout,
          "dump does not show the poll once it ended:\n" + d.stdout)
print("ok")
