"""tracecast cat against Debian's asciinema 2.2 `cat` over the corpus.

asciinema 2.2 needs a terminal (it opens /dev/tty and sets it raw), so it
runs under script(1) with its stdout redirected to a file: the file then
holds exactly the bytes it wrote. For every v1/v2 file that asciinema
prints successfully, `tracecast cat` must print the same bytes. Negative
files: cat warns with FILE:LINE:, prints the readable events and exits 0;
with --strict it exits 1. Several files in one call concatenate.
"""
import os
import shlex
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_castref import Ref, corpus_files, negatives, run, skip, tracecast  # noqa: E402

T = tracecast()
if not shutil.which("asciinema"):
    skip("asciinema is not installed (make deps installs it)")
if not shutil.which("script"):
    skip("script (bsdutils) is not installed (make deps installs it)")

corpus, names = corpus_files()
neg = negatives(corpus)
tmp = tempfile.mkdtemp(prefix="tracecast-cat.")
fails = []
env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")


def check(cond, msg):
    if not cond:
        fails.append(msg)


def asciinema_cat(i, path):
    out = os.path.join(tmp, f"a{i}")
    cmd = f"asciinema cat {shlex.quote(path)} > {shlex.quote(out)}"
    p = run(["script", "-qec", cmd, "/dev/null"], stdin=open(os.devnull), env=env)
    data = open(out, "rb").read() if os.path.exists(out) else b""
    return p.returncode, data


try:
    todo = []
    for i, name in enumerate(names):
        path = os.path.join(corpus, name)
        ref = Ref(path)
        if ref.version in (1, 2) and not name.endswith(".gz"):
            todo.append((i, name, path))
    with ThreadPoolExecutor(max_workers=4) as ex:
        results = list(ex.map(lambda a: asciinema_cat(a[0], a[2]), todo))
    compared = 0
    for (i, name, path), (rc, want) in zip(todo, results):
        if rc != 0:
            continue  # asciinema cannot read it (listed in SOURCES.md)
        compared += 1
        p = run([T, "cat", path])
        check(p.returncode == 0, f"{name}: cat exit {p.returncode}: {p.stderr!r}")
        check(p.stdout == want, f"{name}: {len(p.stdout)} bytes differ from asciinema's {len(want)}")
    check(compared >= 15, f"only {compared} files compared with asciinema")

    # negative files: warn, go on; --strict stops with exit 1
    for name in sorted(neg):
        path = os.path.join(corpus, name)
        ref = Ref(path)
        p = run([T, "cat", path])
        err = p.stderr.decode()
        check(p.returncode == 0, f"{name}: cat exit {p.returncode}")
        check(f"{path}:" in err and "tracecast cat:" in err, f"{name}: no FILE:LINE: warning in {err!r}")
        for line in (ref.errors if ref.version != 1 else []):
            check(f"{path}:{line}:" in err, f"{name}: line {line} not named in {err!r}")
        if ref.version != 1:
            check(p.stdout == ref.output(), f"{name}: output {p.stdout!r} != {ref.output()!r}")
        s = run([T, "cat", "--strict", path])
        check(s.returncode == 1, f"{name}: cat --strict exit {s.returncode}")
        check(f"{path}:" in s.stderr.decode(), f"{name}: --strict names no place")

    # several files concatenate; "-" reads stdin
    a = os.path.join(corpus, "asciinema_asciinema_demo.cast")
    b = os.path.join(corpus, "asciinema_asciinema_demo.json")
    p = run([T, "cat", a, "-", b], stdin=open(a, "rb"))
    check(p.returncode == 0 and p.stdout == Ref(a).output() * 2 + Ref(b).output(),
          "cat of several files is not their concatenation")
    # gzip input prints the same as its decompressed text
    g = os.path.join(corpus, "jdum_asciinema-scene_long.cast.gz")
    p = run([T, "cat", g])
    check(p.returncode == 0 and p.stdout == Ref(g).output(), "gzip cat output differs")
    # a missing file: exit 1, the others still printed
    p = run([T, "cat", os.path.join(tmp, "missing.cast"), a])
    check(p.returncode == 1 and p.stdout == Ref(a).output(), "missing file: exit/out wrong")
    check(run([T, "cat"]).returncode == 2, "cat without FILE: exit not 2")
    check(run([T, "cat", "--bogus", a]).returncode == 2, "unknown option: exit not 2")
    h = run([T, "cat", "--help"])
    check(h.returncode == 0 and b"usage: tracecast cat" in h.stdout, "cat --help")
    print(f"{compared} files equal to asciinema cat, {len(neg)} negative files checked")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
if fails:
    print("\n".join(fails), file=sys.stderr)
    sys.exit(1)
