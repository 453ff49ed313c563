"""A full disk (a 64 KiB tmpfs): the command runs to its end, the recorder
says `tracecast rec: recording stopped at N s: No space left on device`, exits
74, and what was written before the error reads intact."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
disk = path("disk")
os.mkdir(disk)
r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk], capture_output=True)
if r.returncode != 0:
    skip("cannot mount a small tmpfs here (needs root): %s" % r.stderr.decode(errors="replace").strip())
try:
    f = os.path.join(disk, "full.cast")
    done = path("done")
    gen = prog("rec_gen")
    rc, _, err = rec([f, "-c", "'%s' 400000 7; sleep 0.2; '%s' 100000 8; echo finished > '%s'"
                      % (gen, gen, done)])
    check(rc == 74, "exit %d, expected 74; stderr %r" % (rc, err))
    check("tracecast rec: recording stopped at " in err and ": No space left on device" in err,
          "message: %r" % err)
    check(os.path.exists(done), "the command did not complete")
    h, ev = read_cast(f, allow_cut=True)
    expect = subprocess.run([gen, "400000", "7"], capture_output=True).stdout.replace(b"\n", b"\r\n")
    got = output(ev).encode()
    check(len(got) > 10000 and expect.startswith(got), "kept output is not a prefix (%d bytes)" % len(got))
    p = subprocess.run([TC, "info", f], capture_output=True)
    check(p.returncode == 0, "tracecast info: %r" % p.stdout[-300:])
finally:
    subprocess.run(["umount", disk])
cleanup()
