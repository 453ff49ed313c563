"""--strace-pid under faults (issue 11 items 11 and 12):
- the recorder's messages come after the terminal is restored (a real pty:
  "\\r\\n" line ends, no staircase), here "left stopped; sent SIGCONT";
- a target that died during the session and whose pid was taken by another
  (stopped) process: that process is never sent SIGCONT (pidfd)."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
if not shutil.which("strace"):
    fail("strace is not installed (make deps installs it)")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
ENV["TMPDIR"] = TMP


def state(pid):
    try:
        for l in open("/proc/%d/status" % pid):
            if l.startswith("State:"):
                return l.split()[1]
    except OSError:
        return None


def staircase():
    target = subprocess.Popen(["sleep", "600"])
    try:
        f = path("stop.cast")
        rc, out = in_pty([TC, "rec", "-q", "--strace-pid", str(target.pid), f, "--",
                          "sh", "-c", "kill -STOP %d; for i in $(seq 200); do "
                          "grep -q '^State:.*[tT]' /proc/%d/status && break; sleep 0.05; "
                          "done; sleep 0.2" % (target.pid, target.pid)], env=ENV, timeout=30)
        check(rc == 0, "rec: exit %d: %r" % (rc, out[-400:]))
        check(b"was left stopped; sent SIGCONT" in out,
              "no 'left stopped' message (test is moot): %r" % out[-400:])
        check(b"sent SIGCONT\r\n" in out, "the message came while the terminal was raw "
              "(a bare \\n): %r" % out[-300:])
        check(state(target.pid) != "T", "the target is still stopped")
    finally:
        target.kill()
        target.wait()


def pid_reuse():
    victim = subprocess.Popen(["sleep", "600"])
    T = victim.pid
    go = path("go")
    f = path("reuse.cast")
    p = subprocess.Popen([TC, "rec", "-q", "--strace-pid", str(T), f, "--", "sh", "-c",
                          "while [ ! -e %s ]; do sleep 0.02; done" % go],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=ENV)
    impostor = None
    try:
        wait_for(lambda: os.path.exists(f) and os.path.getsize(f) > 0, 20, "the recording")
        victim.kill()
        victim.wait()
        # take pid T for a stopped process (root: ns_last_pid)
        for _ in range(500):
            with open("/proc/sys/kernel/ns_last_pid", "w") as nl:
                nl.write(str(T - 1))
            c = os.fork()
            if c == 0:
                if os.getpid() == T:
                    os.kill(T, signal.SIGSTOP)
                    time.sleep(30)
                os._exit(0)
            if c == T:
                impostor = c
                break
            os.waitpid(c, 0)
        check(impostor, "could not take pid %d again (test is moot)" % T)
        wait_for(lambda: state(T) == "T", 10, "the impostor to stop")
    finally:
        open(go, "w").close()
        _, err = p.communicate(timeout=30)
    try:
        check(p.returncode == 0, "rec: exit %d: %r" % (p.returncode, err[-300:]))
        check(state(T) == "T", "the process that took pid %d was sent SIGCONT (state %s)"
              % (T, state(T)))
        check(b"SIGCONT" not in err, "message: %r" % err)
    finally:
        os.kill(T, signal.SIGKILL)
        os.waitpid(T, 0)


only = os.environ.get("REC_FAULTS_ONLY")
if not only or only == "staircase":
    staircase()
if not only or only == "pid_reuse":
    pid_reuse()
cleanup()
