"""`make install PREFIX=...` (and with DESTDIR) installs bin/tracecast (the
binary under test: BUILD is the folder of $TRACECAST, and make is told not
to remake it), share/tracecast/python and the native module in
lib/tracecast/python (a file of the architecture); the INSTALLED binary, run from
another folder with TRACECAST_PYTHONPATH unset, records --profile=python of
a small script and its stacks hold the script's functions (so it found its
sampler in ../share/tracecast/python), taken by the native sampler module
installed beside it."""
import filecmp
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

TC = os.environ.get("TRACECAST") or sys.exit("TRACECAST not set (run through make check)")
ROOT = os.environ.get("TC_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
PY = "/usr/bin/python3"
TMP = tempfile.mkdtemp(prefix="tracecast-install-")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(1)


def skip(msg):
    print("skipped: " + msg, file=sys.stderr)
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(77)


def check(cond, msg):
    if not cond:
        fail(msg)


if not shutil.which("make"):
    skip("make is not installed")
if not os.access(PY, os.X_OK):
    skip("%s is missing (make deps installs python3)" % PY)

build = os.path.dirname(os.path.abspath(TC))
check(os.path.basename(TC) == "tracecast", "TRACECAST %s is not BUILD/tracecast" % TC)
env = {k: v for k, v in os.environ.items()
       if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "TRACECAST_PYTHONPATH")
       and not k.startswith("TRACECAST")}

script = os.path.join(TMP, "work.py")
with open(script, "w") as f:
    f.write('''import time
def grind_install_check(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += sum(i * i for i in range(300))
    return n
def top_install_check():
    return grind_install_check(0.7)
top_install_check()
print("script done", flush=True)
''')


def install(prefix, destdir=None):
    # -o BIN: never remake the binary under test (under `make asan` a remake
    # with this make's default flags would replace the ASan build).
    argv = ["make", "-s", "BUILD=" + build, "-o", os.path.join(build, "tracecast"),
            "install", "PREFIX=" + prefix]
    if destdir:
        argv.append("DESTDIR=" + destdir)
    p = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, stdin=subprocess.DEVNULL,
                       timeout=120)
    check(p.returncode == 0, "%s: exit %d: %s" % (" ".join(argv), p.returncode,
                                                  (p.stdout + p.stderr).decode(errors="replace")))
    root = (destdir or "") + prefix
    binp = os.path.join(root, "bin/tracecast")
    check(os.path.isfile(binp) and os.stat(binp).st_mode & 0o777 == 0o755,
          "%s missing or not mode 755" % binp)
    check(filecmp.cmp(binp, TC, shallow=False), "%s is not the binary under test %s" % (binp, TC))
    for name in ("sitecustomize.py", "tracecast_sampler.py"):
        f = os.path.join(root, "share/tracecast/python", name)
        check(os.path.isfile(f) and filecmp.cmp(f, os.path.join(ROOT, "recorder/python", name), shallow=False),
              "%s not installed (or differs from recorder/python)" % f)
    so = glob.glob(os.path.join(root, "lib/tracecast/python/_tracecast_sampler*.so"))
    check(len(so) == 1, "the native sampler module is not installed: %r (is python3-dev"
          " installed? make deps)" % so)
    return binp


def record(binp, name):
    out = os.path.join(TMP, name + ".cast")
    elsewhere = os.path.join(TMP, "elsewhere")
    os.makedirs(elsewhere, exist_ok=True)
    stats = os.path.join(TMP, name + ".stats")
    p = subprocess.run([binp, "rec", "--headless", "-q", "--profile=python-inside", out, "--", PY, script],
                       cwd=elsewhere, env=dict(env, TRACECAST_PY_STATS=stats),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 0, "%s rec: exit %d: %s" % (binp, p.returncode, err))
    check("sampler" not in err, "%s: sampler complained: %s" % (binp, err))
    with open(out) as f:
        lines = f.read().splitlines()
    hdr = json.loads(lines[0])
    check(hdr["tracecast"]["sources"]["profile"].get("python_hz") == 100,
          "%s: no python source in the header: %r" % (name, hdr.get("tracecast")))
    stacks = []
    text = ""
    for l in lines[1:]:
        t, code, data = json.loads(l)
        if code == "o":
            text += data
        if code == "p":
            d = json.loads(data)
            if d.get("src") == "py" and "stack" in d:  # not a lost-rounds record
                stacks.append(d["stack"])
    check("script done" in text, "%s: the script's output is missing: %r" % (name, text))
    hit = [s for s in stacks if "__main__:top_install_check;__main__:grind_install_check" in s]
    print("%s: %d py samples, %d in the script's functions" % (name, len(stacks), len(hit)))
    check(len(hit) >= 3, "%s: the script's functions are not in the stacks: %r" % (name, stacks[:5]))
    impl = open(stats).read().split()
    check(len(impl) == 5 and impl[2] == "native", "%s: sampler stats %r, want the native one" % (name, impl))


pre = os.path.join(TMP, "prefix")
record(install(pre), "prefix")
dest = os.path.join(TMP, "dest")
there = os.path.exists("/opt/tc-test-install/bin/tracecast")
record(install("/opt/tc-test-install", destdir=dest), "destdir")
check(os.path.exists("/opt/tc-test-install/bin/tracecast") == there, "DESTDIR ignored")
shutil.rmtree(TMP, ignore_errors=True)
print("ok")
