"""What a --strace-pid tracer writes to its stderr never reaches the
terminal while it is raw (issue 11): it is captured through a pipe and
printed as the recorder's notes once the terminal is restored.

- strace --tips prints a box of text when the tracer exits, which is at the
  end of the session, while the terminal is raw: through a real pty no line
  may end with a bare "\\n" (the staircase), and the tip comes as notes
  ("tracecast: --strace-pid PID: ..."). (--strace=ARGS also traces the
  command: that strace runs inside the pty, and its tip is the session's
  output, recorded, written through the pty's line discipline.)
- an attach refused (the target is already traced by another strace):
  strace's own message comes as a note, before the recorder's explanation."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
if not shutil.which("strace"):
    fail("strace is not installed (make deps installs it)")
if b"--tips" not in subprocess.run(["strace", "-h"], capture_output=True).stdout:
    fail("this strace has no --tips (strace >= 6.1 has)")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
ENV["TMPDIR"] = TMP


def tips():
    target = subprocess.Popen(["sleep", "600"])
    try:
        f = path("tips.cast")
        rc, out = in_pty([TC, "rec", "-q", "--strace-pid", str(target.pid), "--strace=--tips",
                          f, "--", "sh", "-c", "sleep 0.3"], env=ENV)
        check(rc == 0, "rec: exit %d: %r" % (rc, out[-400:]))
        tag = b"tracecast: --strace-pid %d: " % target.pid
        bare = [i for i in range(len(out)) if out[i:i + 1] == b"\n" and out[i - 1:i] != b"\r"]
        check(not bare, "%d lines reached the terminal with a bare \\n (written while it "
              "was raw): %r" % (len(bare), out[max(0, bare[0] - 200):bare[0] + 100]
                                if bare else b""))
        check(out.count(tag) >= 3, "strace's tip is not in the notes (test is moot?): %r"
              % out[-600:])
    finally:
        target.kill()
        target.wait()


def refused():
    target = subprocess.Popen(["sleep", "600"])
    other = subprocess.Popen(["strace", "-qq", "-o", "/dev/null", "-p", str(target.pid)],
                             stderr=subprocess.DEVNULL)
    try:
        def traced():
            for l in open("/proc/%d/status" % target.pid):
                if l.startswith("TracerPid:"):
                    return int(l.split()[1]) == other.pid
            return False
        wait_for(traced, 20, "the other strace to attach")
        rc, out, err = rec(["-q", "--strace-pid", str(target.pid), path("refused.cast"), "--",
                            "true"])
        check(rc != 0, "rec: exit 0 though the attach was refused: %s" % err)
        lines = err.splitlines()
        tag = "tracecast: --strace-pid %d: " % target.pid
        ours = [i for i, l in enumerate(lines) if "could not attach" in l]
        theirs = [i for i, l in enumerate(lines) if l.startswith(tag) and
                  "strace: attach: ptrace" in l]
        check(ours and theirs, "strace's message is not a note: %r" % lines)
        check(max(theirs) < ours[0], "strace's words come after ours: %r" % lines)
        check(all(l.startswith("tracecast") for l in lines if l.strip()),
              "a line that is not one of the recorder's notes: %r" % lines)
    finally:
        other.kill()
        other.wait()
        target.kill()
        target.wait()


only = os.environ.get("REC_FAULTS_ONLY")
if not only or only == "tips":
    tips()
if not only or only == "refused":
    refused()
cleanup()
