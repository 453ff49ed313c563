"""tracecast convert: round trips, v1 -> v2 playing in asciinema, gzip
output, --strip, truncated and malformed input, overwrite refusal, usage.

Every comparison goes through the independent reader (lib_castref.py).
"""
import gzip
import json
import os
import shlex
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_castref import Ref, corpus_files, negatives, run, tracecast  # noqa: E402

T = tracecast()
corpus, names = corpus_files()
neg = negatives(corpus)
tmp = tempfile.mkdtemp(prefix="tracecast-convert.")
fails = []


def check(cond, msg):
    if not cond:
        fails.append(msg)


def conv(*args, **kw):
    return run([T, "convert", *args], **kw)


def flat_header(ref):
    """Header keys in v2 terms (v3 term.* mapped), nulls dropped."""
    h = dict(ref.header)
    h.pop("version", None)
    term = dict(h.pop("term", {}) or {})
    if "cols" in term:
        h["width"], h["height"] = term.pop("cols"), term.pop("rows")
    if "theme" in term:
        h["theme"] = term.pop("theme")
    if term:
        h["term"] = term
    return {k: v for k, v in h.items() if v is not None}


def path_of(name):
    return os.path.join(corpus, name)


try:
    # 1. round trips v2 -> v3 -> v2 and v3 -> v2 -> v3: events to the
    #    microsecond, header keys
    n_rt = 0
    for name in names:
        ref = Ref(path_of(name))
        if name in neg or ref.version == 1 or ref.dropped:
            continue
        other = 3 if ref.version == 2 else 2
        mid, back = os.path.join(tmp, f"{name}.mid"), os.path.join(tmp, f"{name}.back")
        p1 = conv("-f", f"v{other}", path_of(name), mid)
        p2 = conv("-f", f"v{ref.version}", mid, back)
        check(p1.returncode == 0 and p2.returncode == 0,
              f"{name}: convert exits {p1.returncode} {p2.returncode}: {p1.stderr!r} {p2.stderr!r}")
        if p1.returncode or p2.returncode:
            continue
        m, b = Ref(mid), Ref(back)
        check(m.version == other and b.version == ref.version, f"{name}: versions {m.version} {b.version}")
        check(m.events == ref.events, f"{name}: events differ after -> v{other}")
        check(b.events == ref.events, f"{name}: events differ after the round trip")
        check(flat_header(m) == flat_header(ref), f"{name}: header {flat_header(m)} != {flat_header(ref)}")
        check(b.header == {k: v for k, v in ref.header.items() if v is not None},
              f"{name}: round-trip header {b.header} != {ref.header}")
        n_rt += 1
    check(n_rt >= 25, f"only {n_rt} round trips")

    # 2. v1 -> v2: header mapped, and it plays in asciinema cat as the v1 did
    have_asciinema = shutil.which("asciinema") and shutil.which("script")
    n_v1 = 0
    for name in names:
        ref = Ref(path_of(name))
        if ref.version != 1 or name in neg:
            continue
        out = os.path.join(tmp, name + ".v2.cast")
        p = conv(path_of(name), out)
        check(p.returncode == 0, f"{name}: v1 convert exit {p.returncode} {p.stderr!r}")
        v2 = Ref(out)
        check(v2.version == 2 and v2.events == ref.events, f"{name}: v1 -> v2 events differ")
        for k in ("width", "height", "title", "command", "env", "timestamp", "idle_time_limit"):
            if ref.header.get(k) is not None:
                check(v2.header.get(k) == ref.header[k], f"{name}: v1 key {k} not kept")
        if have_asciinema:
            outs = []
            for f in (path_of(name), out):
                o = os.path.join(tmp, "asc.out")
                r = run(["script", "-qec", f"asciinema cat {shlex.quote(f)} > {o}", "/dev/null"],
                        stdin=open(os.devnull))
                outs.append((r.returncode, open(o, "rb").read()))
            check(outs[0] == outs[1] and outs[0][0] == 0,
                  f"{name}: asciinema cat of the v2 differs from the v1: {outs[0][0]} {outs[1][0]}")
        n_v1 += 1
    check(n_v1 >= 5, f"only {n_v1} v1 files converted")
    if not have_asciinema:
        print("note: asciinema missing, v1 -> v2 playback not compared", file=sys.stderr)

    # 3. .gz output reads back (by python's gzip and by tracecast)
    src = path_of("asciinema_asciinema-server_welcome.cast")
    gz = os.path.join(tmp, "welcome.cast.gz")
    p = conv("-f", "v3", src, gz)
    raw = open(gz, "rb").read()
    check(p.returncode == 0 and raw[:2] == b"\x1f\x8b", "gz output is not gzip")
    check(Ref(gz).events == Ref(src).events, "gz output events differ")
    check(json.loads(gzip.decompress(raw).split(b"\n")[0])["version"] == 3, "gz v3 header")
    i = run([T, "info", "--json", gz])
    check(i.returncode == 0 and json.loads(i.stdout)["gzip"] is True, "info of the gz output")
    # "-" writes to stdout, never compressed
    p = conv(src, "-")
    check(p.returncode == 0 and p.stdout.startswith(b'{"version":') and
          p.stdout.count(b"\n") == len(Ref(src).events) + 1, "convert to stdout")

    # 4. --strip: s, p and t events and the "tracecast" key go; the rest stays
    syn = os.path.join(tmp, "syn.cast")
    hdr = {"version": 2, "width": 80, "height": 24, "timestamp": 1795751140,
           "tracecast": {"version": 1, "start_unix_ns": 1795751140431071063, "clock": "monotonic"},
           "env": {"TERM": "xterm"}, "x-extra": [1, 2]}
    evs = [[0.1, "o", "hi\r\n"], [0.2, "s", "412 write(1, \"hi\", 2) = 2 <0.000010>"],
           [0.25, "p", "{\"src\":\"proc\",\"procs\":[]}"], [0.3, "m", "exec python3"],
           [0.4, "z", "unknown code"], [0.5, "ss", "two letters"], [0.6, "r", "100x30"],
           [0.65, "t", "{\"redactions\":3}"], [0.7, "x", "0"]]
    with open(syn, "w") as f:
        f.write(json.dumps(hdr) + "\n" + "".join(json.dumps(e) + "\n" for e in evs))
    full, strip = os.path.join(tmp, "full.cast"), os.path.join(tmp, "strip.cast")
    check(conv(syn, full).returncode == 0 and conv("--strip", syn, strip).returncode == 0, "strip run")
    rf, rs = Ref(full), Ref(strip)
    check([c for _, c, _ in rf.events] == [e[1] for e in evs], "without --strip every code passes")
    check([c for _, c, _ in rs.events] == ["o", "m", "z", "ss", "r", "x"], f"--strip codes {rs.events}")
    check("tracecast" in rf.header and "tracecast" not in rs.header, "--strip header key")
    check(rs.header.get("x-extra") == [1, 2] and rs.header.get("env") == {"TERM": "xterm"},
          "--strip lost other keys")

    # 5. truncated input converts what is there, with one warning, exit 0
    cut = os.path.join(tmp, "cut.cast")
    data = open(path_of("asciinema_asciinema_demo.cast"), "rb").read()
    at = data.index(b"\n", len(data) // 2) + 10  # mid-line
    open(cut, "wb").write(data[:at])
    out = os.path.join(tmp, "cut.out.cast")
    p = conv(cut, out)
    check(p.returncode == 0, f"truncated input: exit {p.returncode} {p.stderr!r}")
    check(p.stderr.decode().count("warning") == 1, f"truncated input: warnings {p.stderr!r}")
    rc = Ref(cut)
    check(rc.cut and Ref(out).events == rc.events and len(rc.events) > 5, "truncated input: events")

    # 6. malformed lines: named, skipped, exit 1, output has the rest
    broken = path_of("asciinema_asciinema-server_2-broken.cast")
    out = os.path.join(tmp, "broken.out.cast")
    p = conv(broken, out)
    rb = Ref(broken)
    check(p.returncode == 1 and f"{broken}:{rb.errors[0]}:" in p.stderr.decode(),
          f"malformed input: exit {p.returncode} {p.stderr!r}")
    check(Ref(out).events == rb.events, "malformed input: the readable events were not kept")

    # 7. OUT exists: refused (exit 1, untouched) unless --overwrite
    before = open(out, "rb").read()
    p = conv(src, out)
    check(p.returncode == 1 and b"--overwrite" in p.stderr and open(out, "rb").read() == before,
          "existing OUT was not refused")
    p = conv("--overwrite", src, out)
    check(p.returncode == 0 and Ref(out).events == Ref(src).events, "--overwrite")
    p = conv("--overwrite", out, out)  # in place
    check(p.returncode == 0 and Ref(out).events == Ref(src).events, "in-place --overwrite")
    check(not [f for f in os.listdir(tmp) if ".tmp-" in f], "temporary files left behind")

    # 8. usage
    check(conv().returncode == 2, "no args: exit not 2")
    check(conv(src).returncode == 2, "one arg: exit not 2")
    check(conv("-f", "v9", src, os.path.join(tmp, "x.cast")).returncode == 2, "-f v9: exit not 2")
    check(not os.path.exists(os.path.join(tmp, "x.cast")), "-f v9 wrote a file")
    check(conv(os.path.join(tmp, "missing"), os.path.join(tmp, "y.cast")).returncode == 1,
          "missing IN: exit not 1")
    h = conv("--help")
    check(h.returncode == 0 and b"usage: tracecast convert" in h.stdout, "convert --help")
    print(f"{n_rt} round trips, {n_v1} v1 conversions")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("\n".join(fails), file=sys.stderr)
    sys.exit(1)
