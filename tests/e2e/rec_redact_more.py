"""--redact keeps its promise (issue 18 items 11-13, issue 12 item 8):
output keeps its timing (each byte at the time it was read; only what
could start a match is held, at most the reorder window); a secret split
across reads 50 ms apart, or by escape sequences, is replaced; a kill -9
loses nothing older than the window and the flush interval; with --strace
the write/read data is its length only, strings escaped by strace
(octal UTF-8) are matched unescaped, and a string cut by -s loses the tail
that could start a secret."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()

# Issue 12 item 8: NOMATCH holds nothing that cannot start it.
f = path("timing.cast")
rec(["-q", "--redact", "NOMATCH", f, "-c", "echo one; sleep 1; echo two"], check_rc=0)
o = [e for e in read_cast(f)[1] if e[1] == "o"]
one = [e for e in o if "one" in e[2]]
two = [e for e in o if "two" in e[2]]
check(one and two and one[0] is not two[0], "one and two in one event: %r" % o)
gap = two[0][0] - one[0][0]
check(0.8 <= gap <= 2.0, "one and two %.3f s apart: %r" % (gap, o))

# A secret split across two reads 50 ms apart, and one split by SGR.
f = path("split.cast")
rec(["-q", "--redact", "hunter2", f, "-c",
     "printf 'pw: hun'; sleep 0.05; printf 'ter2\\n'; printf 'x hun\\033[0mter2 y\\n'"], check_rc=0)
h, ev = read_cast(f)
out = output(ev)
check("hun" not in out and out.count("[REDACTED]") == 2, "output %r" % out)
check(h["tracecast"]["redactions"] == 2, "count %r" % h["tracecast"])
d = subprocess.run([TC, "dump", f], capture_output=True, text=True).stdout
check("hunter2" not in d and "[REDACTED]" in d, "dump shows %r" % d)

# Item 12: a kill -9 three seconds after the output loses none of it (the
# held "hun" went out after the window).
f = path("kill9.cast")
e = {k: v for k, v in os.environ.items() if k not in ("TRACECAST", "TRACECAST_CTL", "TRACECAST_FILE")}
p = subprocess.Popen([TC, "rec", "-q", "--redact", "hunter2", f, "-c", "printf 'early hun'; sleep 30"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=e)
try:
    wait_for(lambda: os.path.exists(f) and b"early" in open(f, "rb").read(), 20, "early output in the file")
    t0 = time.time()
    # the held tail, a window (100 ms) plus a flush (100 ms) later
    wait_for(lambda: b"early hun" in open(f, "rb").read().replace(b'", "', b""), 3,
             "the held 'hun' in the file")
    time.sleep(max(0, 3 - (time.time() - t0)))
finally:
    p.send_signal(signal.SIGKILL)
    p.wait()
ev = read_cast(f, allow_cut=True)[1]
check(output(ev) == "early hun", "after kill -9: %r" % output(ev))

if not shutil.which("strace") or subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"],
                                                 stderr=subprocess.DEVNULL).returncode != 0:
    fail("strace cannot trace here (make deps installs it; ptrace must be allowed)")

# One byte per write(): the o event is redacted and the s events do not
# spell it (data buffers are their length only).
f = path("bytes.cast")
rec(["-q", "--strace", "--redact", "hunter2", f, "-c",
     "for c in h u n t e r 2; do printf $c; done; echo"], check_rc=0)
h, ev = read_cast(f)
s = [e[2] for e in ev if e[1] == "s"]
w = [x for x in s if re.search(r'\bwrite\(1, ', x)]
check(len(w) >= 7 and all('write(1, ""..., 1)' in x for x in w[:7]), "writes %r" % w[:8])
check("hunter2" not in output(ev) and "[REDACTED]" in output(ev), "output %r" % output(ev))
# --redact-keep-buffers: the data is kept (and matched)
f = path("keep.cast")
rec(["-q", "--strace", "--redact", "hunter2", "--redact-keep-buffers", f, "-c", "echo hunter2 ok"],
    check_rc=0)
s = [e[2] for e in read_cast(f)[1] if e[1] == "s"]
check(any('write(1, "[REDACTED] ok' in x for x in s), "kept buffer %r" % [x for x in s if "write(1" in x])

# strace escapes non-ASCII as octal: matched unescaped; a string cut by -s
# (write data, kept) loses the tail that could start the secret.
f = path("esc.cast")
rec(["-q", "--strace=-s 20", "--redact", "p\u00e4ssw\u00f6rd", "--redact", "hunter2",
     "--redact-keep-buffers", f, "-c",
     "cat /tmp/p\u00e4ssw\u00f6rd-x 2>/dev/null; echo xxxxxxxxxxxxxxxxhunter2; true"], check_rc=0)
s = [e[2] for e in read_cast(f)[1] if e[1] == "s"]
opens = [x for x in s if "/tmp/" in x and "open" in x]
check(any('"/tmp/[REDACTED]-x"' in x for x in opens), "escaped secret: %r" % opens)
check(not any("\\303\\244" in x for x in s), "leaked: %r" % opens)
w = [x for x in s if "write(1, " in x]
check(any('write(1, "xxxxxxxxxxxxxxxx[REDACTED]"..., 24)' in x for x in w), "cut string: %r" % w)
check(not any("xxxxh" in x for x in s), "prefix leaked: %r" % w)
cleanup()
