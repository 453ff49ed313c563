"""--redact covers the header too: a secret on the command line is not left
in the header's title, command or tracecast.sources.strace.argv, nor in the
s and o events; the header's count includes the header's replacements."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
if not shutil.which("strace"):
    skip("strace is not installed (make deps installs it)")
if subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"],
                  stderr=subprocess.DEVNULL).returncode != 0:
    skip("strace cannot trace here (ptrace refused)")

f = path("red.cast")
rec(["-q", "--strace", "--redact", "secret[0-9]+", "-t", "title secret789", f, "--",
     "sh", "-c", "cat /nonexistent-secret123; echo secret456"], check_rc=0)
raw = open(f, "rb").read()
for s in (b"secret123", b"secret456", b"secret789"):
    check(s not in raw, "%s recorded: %r" % (s, [l for l in raw.split(b"\n") if s in l][:3]))
h, ev = read_cast(f)
check(h["title"] == "title [REDACTED]", "title %r" % h.get("title"))
check(h["command"] == "sh -c cat /nonexistent-[REDACTED]; echo [REDACTED]",
      "command %r" % h.get("command"))
argv = h["tracecast"]["sources"]["strace"]["argv"]
check(argv[-3:] == ["sh", "-c", "cat /nonexistent-[REDACTED]; echo [REDACTED]"],
      "strace argv %r" % argv)
s = [e[2] for e in ev if e[1] == "s"]
check(any("[REDACTED]" in x for x in s), "no redacted s event: %r" % s[:5])
check(any('"/nonexistent-[REDACTED]"' in x and "ENOENT" in x for x in s),
      "no redacted failing open: %r" % s)
o = output(ev)
check("[REDACTED]" in o and "secret" not in o, "output %r" % o)
# the count covers the events and the header (title, command, strace argv)
n = sum(e[2].count("[REDACTED]") for e in ev if e[1] in ("o", "s", "m"))
n += open(f).readline().count("[REDACTED]")
check(h["tracecast"]["redactions"] == n, "count %r, %d in the events"
      % (h["tracecast"]["redactions"], n))
interop(f)
cleanup()
