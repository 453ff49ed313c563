"""What the other players do with tracecast's files (the claims README.md
and docs/FORMAT.md make, checked with Debian's asciinema 2.2):

- asciinema 2.2 cannot open a .cast.gz (UnicodeDecodeError on byte 0x8b);
- it prints the plain .cast (with its s and p events) exactly as the file
  `convert --strip` makes;
- `convert --strip` of a real recording (the eventlet sample) leaves no s,
  p or t event and no "tracecast" header key, and keeps every other event
  (o, markers, x) and header key unchanged.
The web player's side (idle_time_limit) is tests/e2e/export_html_idle.mjs.
"""
import gzip
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
T = os.environ.get("TRACECAST", os.path.join(ROOT, "tracecast"))
fails = []


def check(ok, msg):
    if not ok:
        fails.append(msg)


def asciinema_cat(path):
    """asciinema 2.2 cat needs a terminal: run it under script(1)."""
    return subprocess.run(["script", "-qec", f"asciinema cat '{path}'", "/dev/null"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)


if not shutil.which("asciinema") or not shutil.which("script"):
    print("FAIL: asciinema or script missing (make deps installs them)")
    sys.exit(1)
tmp = tempfile.mkdtemp(prefix="tracecast-share.")
gz = sorted(glob.glob(os.path.join(ROOT, "samples/eventlet-wsgi/*.cast.gz")))[0]
plain = os.path.join(tmp, "rec.cast")
with open(plain, "wb") as f:
    f.write(gzip.open(gz).read())
stripped = os.path.join(tmp, "stripped.cast")
r = subprocess.run([T, "convert", "--strip", gz, stripped], capture_output=True)
check(r.returncode == 0, f"convert --strip: {r.stderr}")

r = asciinema_cat(gz)
check(r.returncode != 0 and b"UnicodeDecodeError" in r.stdout + r.stderr,
      "asciinema 2.2 opened a .cast.gz: update README.md and docs/FORMAT.md")
a, b = asciinema_cat(plain), asciinema_cat(stripped)
check(a.returncode == 0 and b.returncode == 0 and a.stdout == b.stdout and len(a.stdout) > 1000,
      "asciinema cat prints the .cast and its stripped copy differently")


def load(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    return json.loads(lines[0]), [json.loads(x) for x in lines[1:] if x]


h0, e0 = load(plain)
h1, e1 = load(stripped)
check("tracecast" in h0 and "tracecast" not in h1, "the tracecast key is not stripped")
h0.pop("tracecast")
check(h0 == h1, "--strip changed other header keys")
codes = {e[1] for e in e1}
check(not codes & {"s", "p", "t"}, f"--strip left {codes & {'s', 'p', 't'}}")
keep = [e for e in e0 if e[1] not in ("s", "p", "t")]
check(keep == e1, "--strip changed the other events")
check({"o", "m", "x"} <= codes, f"markers, output or x lost: {codes}")
shutil.rmtree(tmp)
if fails:
    for f in fails:
        print("FAIL: " + f)
    sys.exit(1)
print("share_players: ok")
