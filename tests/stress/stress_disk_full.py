"""A full disk (a small tmpfs mounted here; root only): the recording
stops with exit 74 and reads; no room for the header: exit 1 and nothing
left; --overwrite never loses the old recording."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_stress import *  # noqa: E402,F403

if os.geteuid() != 0:
    fail("make stress mounts a tmpfs: run it as root (CI does)")
mnt = path("small")
os.makedirs(mnt)
p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=192k", "tcstress", mnt],
                   capture_output=True)
check(p.returncode == 0, "mount tmpfs: %r" % p.stderr)
try:
    for size in (100000, 400000, 2000000):
        f = os.path.join(mnt, "full%d.cast" % size)
        p = run([TC, "rec", "-q", f, "--", "sh", "-c", "yes | head -c %d" % size], timeout=60)
        check(p.returncode in (0, 74), "size %d: exit %d: %r" % (size, p.returncode, p.stderr[-200:]))
        if size > 300000:
            check(p.returncode == 74, "size %d did not fill the disk?" % size)
            check(b"recording stopped" in p.stderr, "message: %r" % p.stderr[-200:])
        reads(f)
        os.unlink(f)
    # keep an old recording, then fill the disk: --overwrite keeps the old one
    old = os.path.join(mnt, "old.cast")
    run([TC, "rec", "-q", old, "--", "echo", "old"])
    before = open(old, "rb").read()
    filler = os.path.join(mnt, "filler")
    subprocess.run(["sh", "-c", "cat /dev/zero > '%s'" % filler], capture_output=True)
    p = run([TC, "rec", "-q", "--overwrite", old, "--", "echo", "new"], timeout=30)
    check(p.returncode in (1, 74), "overwrite on a full disk: exit %d" % p.returncode)
    check(open(old, "rb").read() == before, "the old recording was lost on a full disk")
    f = os.path.join(mnt, "new.cast")
    p = run([TC, "rec", "-q", f, "--", "echo", "x"], timeout=30)
    check(p.returncode == 1, "no room for the header: exit %d" % p.returncode)
    check(not os.path.exists(f), "an empty recording was left")
    left = [x for x in os.listdir(mnt) if x.startswith(".")]
    check(not left, "temporary files left: %r" % left)
finally:
    subprocess.run(["umount", "-l", mnt])
cleanup()
