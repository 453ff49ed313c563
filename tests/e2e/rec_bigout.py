"""No byte lost at exit: 20 MB of known text written as fast as possible;
the decoded payload equals it byte for byte (after the pty's ONLCR). The
bench (bench/rec.sh) does the same with 100 MB and compares asciinema."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
size = 20 * 1000 * 1000
f = path("big.cast")
rec(["-q", f, "--", prog("rec_gen"), str(size), "3"], check_rc=0, timeout=120)
expect = subprocess.run([prog("rec_gen"), str(size), "3"], capture_output=True).stdout
check(len(expect) == size, "rec_gen wrote %d bytes" % len(expect))
h, ev = read_cast(f)
got = output(ev).encode()
want = expect.replace(b"\n", b"\r\n")
if got != want:
    i = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]), min(len(got), len(want)))
    fail("payload differs: got %d bytes, want %d, first difference at %d" % (len(got), len(want), i))
check(ev[-1][1:] == ["x", "0"], "last event %r" % ev[-1])
p = subprocess.run([TC, "info", f], capture_output=True)
check(p.returncode == 0, "tracecast info: %r" % p.stdout[-300:])
cleanup()
