"""kill -9 of the recorder, then `tracecast info --json` (issue 2/3: a cut
last line is one warning and "truncated", exit 0): the file as the killed
recorder left it gives the consistent verdict (cut last line: exactly one
warning, truncated, truncated_at = the file's size; ends at a newline: no
warning, not truncated, status valid), and so does the same file cut by
the test in the middle of its last event line (one warning naming the
number of bytes ignored) and at the end of a whole line, or just before
its newline (none). The event counts reported are those of the whole
lines."""
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
f = path("k.cast")
env = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
env["TMPDIR"] = TMP  # the control socket's folder outlives a kill -9: cleanup() removes it
ticker = "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.01; done"
p = subprocess.Popen([TC, "rec", "-q", "--flush-ms", "50", f, "--", "sh", "-c", ticker],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def ticks():
    try:
        return open(f, "rb").read().count(b"tick ")
    except OSError:
        return 0


wait_for(lambda: ticks() >= 20, 30, "20 ticks in the recording")
os.kill(p.pid, signal.SIGKILL)
p.wait()
check(p.returncode == -signal.SIGKILL, "recorder exit %r" % p.returncode)
data = open(f, "rb").read()


def info(fname):
    r = subprocess.run([TC, "info", "--json", fname], capture_output=True)
    check(r.returncode == 0, "info --json %s: exit %d: %s" % (fname, r.returncode, r.stderr[-300:]))
    return json.loads(r.stdout)


def verdict(fname, blob, label):
    """Check info's verdict on blob (written to fname) against its bytes."""
    with open(fname, "wb") as o:
        o.write(blob)
    j = info(fname)
    v = j["validation"]
    whole = blob[:blob.rfind(b"\n") + 1]
    tail = blob[len(whole):]
    nev = len([l for l in whole.split(b"\n")[1:] if l.strip()])
    try:                    # a complete event missing only its newline is no cut
        json.loads(tail)
        nev, tail = nev + 1, b""
    except ValueError:
        pass
    check(j["events"] == nev, "%s: info counts %d events, the file has %d whole event lines"
          % (label, j["events"], nev))
    check(v["errors_total"] == 0 and not v["errors"], "%s: errors %r" % (label, v["errors"]))
    if tail:
        check(v["warnings_total"] == 1 and len(v["warnings"]) == 1,
              "%s: cut last line: want exactly one warning, got %r" % (label, v["warnings"]))
        check(v["truncated"] is True and v["status"] == "truncated",
              "%s: cut last line not reported truncated: %r" % (label, v))
        check(v["truncated_at"] == len(blob), "%s: truncated_at %r, file size %d"
              % (label, v["truncated_at"], len(blob)))
        check("(%d bytes of it ignored)" % len(tail) in v["warnings"][0]["message"],
              "%s: warning %r, %d bytes cut" % (label, v["warnings"][0]["message"], len(tail)))
        check(v["warnings"][0]["line"] == whole.count(b"\n") + 1,
              "%s: warning at line %r, the cut line is %d" % (label, v["warnings"][0]["line"],
                                                              whole.count(b"\n") + 1))
    else:
        check(v["warnings_total"] == 0 and not v["warnings"],
              "%s: whole lines only: want no warning, got %r" % (label, v["warnings"]))
        check(v["truncated"] is False and v["status"] == "valid",
              "%s: whole lines reported %r" % (label, v))
    print("%s: %d bytes, %d events, cut tail %d bytes: %s" % (label, len(blob), nev, len(tail),
                                                              v["status"]))


# 1. the file as the killed recorder left it (whatever its end)
j = info(f)
verdict(path("asleft.cast"), data, "as left by kill -9")
check(j["event_counts"].get("x") is None, "an x event after kill -9?")

# 2. cut by the test: in the middle of the last whole event line, at several
#    places, and exactly after a newline
whole = data[:data.rfind(b"\n") + 1]
start = whole.rfind(b"\n", 0, len(whole) - 1) + 1       # the last whole line
last = whole[start:]
check(last.startswith(b"[") and len(last) > 8, "last line %r" % last)
for cut in (1, len(last) // 2, len(last) - 2, len(last) - 1):
    verdict(path("cut%d.cast" % cut), whole[:start + cut], "cut %d bytes into the last line" % cut)
verdict(path("whole.cast"), whole[:start], "cut after a newline")
cleanup()
