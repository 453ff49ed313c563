"""Recordings cut off (a recorder killed with kill -9): a plain file cut
mid-line at several places, and a gzip file cut mid-stream. `info` exits
0 and reports "truncated at byte N"; `cat` prints the output of every
whole line (the prefix), with one warning, exit 0; `info` of the whole
file says "valid".
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_castref import Ref, raw_bytes, run, tracecast  # noqa: E402

T = tracecast()
corpus = os.environ["TC_CORPUS"]
tmp = tempfile.mkdtemp(prefix="tracecast-trunc.")
fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)


def expect_truncated(path, label, full_output):
    ref = Ref(path, truncated_ok=True)
    i = run([T, "info", "--json", path])
    t = run([T, "info", path])
    c = run([T, "cat", path])
    try:
        rep = json.loads(i.stdout)
    except ValueError:
        fails.append(f"{label}: info --json output {i.stdout[:200]!r} {i.stderr!r}")
        return
    v = rep["validation"]
    check(i.returncode == 0 and t.returncode == 0, f"{label}: info exit {i.returncode}/{t.returncode}")
    check(v["status"] == "truncated" and v["truncated"] and not v["errors"], f"{label}: {v}")
    check(b"truncated at byte %d" % v["truncated_at"] in t.stdout,
          f"{label}: text report lacks 'truncated at byte N': {t.stdout[-300:]!r}")
    check(rep["events"] == len(ref.events), f"{label}: {rep['events']} events, whole lines hold {len(ref.events)}")
    check(c.returncode == 0, f"{label}: cat exit {c.returncode}")
    check(c.stdout == ref.output(), f"{label}: cat printed {len(c.stdout)} bytes, whole lines hold {len(ref.output())}")
    check(full_output.startswith(c.stdout) and len(c.stdout) > 0, f"{label}: cat output is not a prefix")
    check(c.stderr.decode().count("warning") == 1, f"{label}: cat stderr {c.stderr!r}")
    return v["truncated_at"]


try:
    # plain v2, cut inside lines at several places
    src = os.path.join(corpus, "asciinema_asciinema-server_welcome.cast")
    data = open(src, "rb").read()
    full = Ref(src).output()
    v = json.loads(run([T, "info", "--json", src]).stdout)["validation"]
    check(v["status"] == "valid" and not v["truncated"], f"whole file: {v}")
    for frac in (0.1, 0.5, 0.97):
        nl = data.index(b"\n", int(len(data) * frac))
        for extra in (2, 9):  # one byte into the next line, and deeper
            at = nl + extra
            cut = os.path.join(tmp, f"cut{at}.cast")
            open(cut, "wb").write(data[:at])
            n = expect_truncated(cut, f"plain cut at {at}", full)
            check(n is None or n == at, f"plain cut at {at}: reported byte {n}")
    # v3 cut (intervals summed up to the cut)
    src3 = os.path.join(corpus, "asciinema_agg_demo.cast")
    d3 = open(src3, "rb").read()
    at = d3.index(b"\n", len(d3) // 3) + 20
    open(os.path.join(tmp, "cut3.cast"), "wb").write(d3[:at])
    expect_truncated(os.path.join(tmp, "cut3.cast"), "v3 cut", Ref(src3).output())

    # gzip, cut mid-stream
    gz = os.path.join(corpus, "jdum_asciinema-scene_long.cast.gz")
    graw = open(gz, "rb").read()
    gfull = Ref(gz).output()
    for frac in (0.3, 0.8):
        cut = os.path.join(tmp, f"cut{frac}.cast.gz")
        open(cut, "wb").write(graw[:int(len(graw) * frac)])
        check(len(raw_bytes(cut, truncated_ok=True)) > 0, "gzip cut: python inflates nothing")
        expect_truncated(cut, f"gzip cut at {frac}", gfull)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("\n".join(fails), file=sys.stderr)
    sys.exit(1)
print("truncated plain, v3 and gzip recordings: ok")
