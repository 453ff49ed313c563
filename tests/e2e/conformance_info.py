"""tracecast info over every file of the public corpus ($TC_CORPUS).

Valid files: exit 0, "valid", and the event counts, resizes, markers and
duration equal those of an independent reader (Python's json module,
tests/e2e/lib_castref.py). NEGATIVE files (SOURCES.md): exit non-zero and
the report names FILE:LINE: of the malformed line. A nonsense resize
("-1x0"): a warning naming its line, exit 0, not counted as a resize.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_castref import Ref, corpus_files, negatives, run, tracecast  # noqa: E402

T = tracecast()
corpus, names = corpus_files()
neg = negatives(corpus)
fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)


if len(names) < 30 or len(neg) < 5:
    sys.exit(f"corpus looks incomplete: {len(names)} files, {len(neg)} NEGATIVE")

n_valid = n_neg = n_dropped = 0
for name in names:
    path = os.path.join(corpus, name)
    ref = Ref(path)
    p = run([T, "info", "--json", path])
    txt = run([T, "info", path])
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        fails.append(f"{name}: --json output is not JSON: {p.stdout[:200]!r} {p.stderr[:200]!r}")
        continue
    check(txt.returncode == p.returncode, f"{name}: text and --json exit codes differ")
    check(rep["version"] == ref.version, f"{name}: version {rep['version']} != {ref.version}")
    check(rep["gzip"] == name.endswith(".gz"), f"{name}: gzip {rep['gzip']}")
    if name in neg:
        n_neg += 1
        check(ref.errors, f"{name}: the reference reader finds nothing wrong (fixture?)")
        check(p.returncode != 0, f"{name}: NEGATIVE file but info exit 0")
        check(rep["validation"]["status"] == "invalid", f"{name}: status {rep['validation']['status']}")
        out = txt.stdout.decode()
        if ref.version == 1:  # json gives no positions: any line
            check(f"{path}:" in out and rep["validation"]["errors"][0]["line"] > 0,
                  f"{name}: no FILE:LINE: in {out!r}")
        else:
            for line in ref.errors:
                check(f"{path}:{line}:" in out, f"{name}: {path}:{line}: not named in {out!r}")
        continue
    check(not ref.errors, f"{name}: reference reader finds malformed lines {ref.errors}")
    n_valid += 1
    check(p.returncode == 0, f"{name}: info exit {p.returncode}: {p.stderr!r}")
    check(rep["validation"]["status"] == "valid", f"{name}: status {rep['validation']}")
    check(rep["event_counts"] == ref.counts(), f"{name}: counts {rep['event_counts']} != {ref.counts()}")
    check(rep["events"] == len(ref.events), f"{name}: events {rep['events']} != {len(ref.events)}")
    check(rep["output_bytes"] == len(ref.output()), f"{name}: output bytes {rep['output_bytes']}")
    last = max((t for t, _, _ in ref.events), default=0)
    check(round(rep["duration"] * 1e6) == last, f"{name}: duration {rep['duration']} != {last} us")
    rz = [(t, d) for t, c, d in ref.events if c == "r"]
    got = [(round(r["time"] * 1e6), f"{r['cols']}x{r['rows']}") for r in rep["resizes"]]
    check(got == rz, f"{name}: resizes {got} != {rz}")
    mk = [(t, d) for t, c, d in ref.events if c == "m"]
    got = [(round(m["time"] * 1e6), m["label"]) for m in rep["markers"]]
    check(got == mk, f"{name}: markers {got} != {mk}")
    hdr = ref.header
    w = hdr.get("width", hdr.get("term", {}).get("cols"))
    check(rep["width"] == w, f"{name}: width {rep['width']} != {w}")
    check(rep["header"]["title"] == hdr.get("title"), f"{name}: title")
    if ref.dropped:
        n_dropped += 1
        warns = rep["validation"]["warnings"]
        check(any(x["line"] == ref.dropped[0] for x in warns),
              f"{name}: no warning for the resize on line {ref.dropped[0]}: {warns}")
        check(rep["resizes_total"] == 0 and "r" not in rep["event_counts"],
              f"{name}: nonsense resize counted: {rep['event_counts']}")

check(n_dropped >= 1, "no corpus file with a nonsense resize was seen")
print(f"{n_valid} valid, {n_neg} negative, {n_dropped} with a nonsense resize")
if fails:
    print("\n".join(fails), file=sys.stderr)
    sys.exit(1)
