"""tracecast info on a synthetic recording with everything the corpus lacks:
tracecast's header key, markers, many codes (single- and multi-letter,
unknown), a hostile title and marker label (escape sequences must not reach
the terminal raw), a bad resize, a malformed line; stdin and gzip input;
usage errors. Expected values come from the generating script itself.
"""
import datetime
import gzip
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_castref import Ref, run, tracecast  # noqa: E402

T = tracecast()
tmp = tempfile.mkdtemp(prefix="tracecast-info.")
fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)


try:
    hdr = {"version": 2, "width": 100, "height": 30, "timestamp": 1795751140,
           "idle_time_limit": 1.5, "title": "evil \x1b]0;pwned\x07 \x1b[2J title",
           "command": "python3 app.py", "env": {"TERM": "xterm-256color", "SHELL": None},
           "theme": {"fg": "#ffffff", "bg": "#000000", "palette": ":".join(["#000000"] * 8)},
           "tracecast": {"version": 1, "start_unix_ns": 1795751140431071063, "clock": "monotonic"},
           "x-custom": True}
    evs = [[0.5, "o", "hello\r\n"], [1.0, "m", "exec python3"],
           [1.25, "s", "412 openat(AT_FDCWD, \"/x\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000011>"],
           [1.5, "r", "120x40"], [2.0, "m", "label \x1b[31mred\x1b[0m \u009b"],
           [2.5, "zz", "two-letter code"], [2.75, "q", "unknown one-letter"],
           [3.0, "r", "0x0"], [3.25, "o", "\u00e9\u6f22"], [4.125, "x", "0"]]
    path = os.path.join(tmp, "syn.cast")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(hdr) + "\n")
        for e in evs:
            f.write(json.dumps(e) + "\n")
    p = run([T, "info", "--json", path])
    check(p.returncode == 0, f"info exit {p.returncode}: {p.stderr!r}")
    rep = json.loads(p.stdout)
    want_counts = {"o": 2, "m": 2, "s": 1, "r": 1, "zz": 1, "q": 1, "x": 1}
    check(rep["event_counts"] == want_counts, f"counts {rep['event_counts']}")
    check(rep["events"] == 9 and rep["duration"] == 4.125, f"events/duration {rep['events']} {rep['duration']}")
    check(rep["resizes"] == [{"time": 1.5, "cols": 120, "rows": 40}], f"resizes {rep['resizes']}")
    check([m["label"] for m in rep["markers"]] == [evs[1][2], evs[4][2]], f"markers {rep['markers']}")
    check([m["time"] for m in rep["markers"]] == [1.0, 2.0], "marker times")
    h = rep["header"]
    date = datetime.datetime.fromtimestamp(1795751140, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    check(h["title"] == hdr["title"] and h["command"] == hdr["command"], "title/command")
    check(h["timestamp"] == 1795751140 and h["date"] == date, f"date {h['date']}")
    check(h["idle_time_limit"] == 1.5 and h["theme"] is True, "idle/theme")
    check(h["env"] == hdr["env"] and h["tracecast"] == hdr["tracecast"], "env/tracecast")
    check(h["other_keys"] == ["x-custom"], f"other keys {h['other_keys']}")
    check(rep["output_bytes"] == len("hello\r\n\u00e9\u6f22".encode()), "output bytes")
    v = rep["validation"]
    check(v["status"] == "valid" and v["warnings_total"] == 1 and v["warnings"][0]["line"] == 9,
          f"validation {v}")

    # an event whose time goes back: a warning with its line (players play
    # events in file order), still valid
    back = os.path.join(tmp, "back.cast")
    with open(back, "w", encoding="utf-8") as f:
        f.write(json.dumps({"version": 2, "width": 20, "height": 5}) + "\n")
        for e in ([0.5, "o", "a"], [0.2, "o", "b"], [0.9, "o", "c"]):
            f.write(json.dumps(e) + "\n")
    b = json.loads(run([T, "info", "--json", back]).stdout)["validation"]
    check(b["status"] == "valid" and b["warnings_total"] == 1 and b["warnings"][0]["line"] == 3 and
          "before an earlier event" in b["warnings"][0]["message"], f"time going back: {b}")

    # text report: everything named, no raw control character anywhere
    t = run([T, "info", path])
    out = t.stdout.decode()
    check(t.returncode == 0, "text exit")
    check(not any(c in out for c in "\x1b\x07\x9b"), f"raw control characters in: {out!r}")
    for s in ("asciicast v2", "100x30", "120x40", "exec python3", "\\u001b[31mred", "\\u009b",
              date, "python3 app.py", "x-custom", "\"start_unix_ns\"",
              "validation:  valid", "zz  1", "q  1"):
        check(s in out, f"text report lacks {s!r}:\n{out}")

    # stdin and gzip (gzip unknown on a pipe, known from a file)
    gz = os.path.join(tmp, "syn.cast.gz")
    with open(path, "rb") as f, gzip.open(gz, "wb") as g:
        g.write(f.read())
    p = run([T, "info", "--json", "-"], stdin=open(gz, "rb"))
    r2 = json.loads(p.stdout)
    check(p.returncode == 0 and r2["event_counts"] == want_counts, "info - (gzip on stdin)")
    r3 = json.loads(run([T, "info", "--json", gz]).stdout)
    check(r3["gzip"] is True and r3["event_counts"] == want_counts, "info of a .gz file")

    # a malformed line: exit 1, named with line and column, counts go on
    bad = os.path.join(tmp, "bad.cast")
    lines = open(path, encoding="utf-8").read().split("\n")
    lines.insert(3, '[1.1, "o"]')
    open(bad, "w", encoding="utf-8").write("\n".join(lines))
    p = run([T, "info", bad])
    check(p.returncode == 1 and f"{bad}:4:" in p.stdout.decode(), f"malformed: {p.returncode} {p.stdout!r}")
    check("invalid: 1 malformed line" in p.stdout.decode(), "malformed: status line")
    check(Ref(bad).errors == [4], "reference reader disagrees on the bad line")

    # usage and missing files
    check(run([T, "info"]).returncode == 2, "info without FILE: exit not 2")
    check(run([T, "info", path, path]).returncode == 2, "info with two files: exit not 2")
    check(run([T, "info", "--nope", path]).returncode == 2, "unknown option: exit not 2")
    m = run([T, "info", os.path.join(tmp, "missing.cast")])
    check(m.returncode == 1 and b"missing.cast" in m.stderr, "missing file")
    hp = run([T, "info", "--help"])
    check(hp.returncode == 0 and b"usage: tracecast info" in hp.stdout, "info --help")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("\n".join(fails), file=sys.stderr)
    sys.exit(1)
print("info: synthetic recording ok")
