"""One reaper for every child of the recorder (issue 11 item 4): a
--strace-pid tracer that exits during the session (its target exited) is
reaped when it exits, as the command is, not left a zombie until the end;
with SIGCHLD ignored by whoever started the recorder, the session still
ends with the command and the tracer is still reaped."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

ENV = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
ENV["TMPDIR"] = TMP


def children(pid):
    """[(pid, comm, state)] of pid's children."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = open("/proc/%s/stat" % d).read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        f = st[st.rindex(")") + 2:].split()
        if int(f[1]) == pid:
            out.append((int(d), comm, f[0]))
    return out


def cmdline(pid):
    """pid's argv ([] once it is gone)."""
    try:
        return open("/proc/%d/cmdline" % pid, "rb").read().decode().split("\0")
    except OSError:
        return []


def tracer_reaped(ignore_chld):
    target = subprocess.Popen(["python3", "-c", "import time; time.sleep(600)"])
    go = path("go%d" % ignore_chld)
    f = path("reap%d.cast" % ignore_chld)
    pre = None
    if ignore_chld:
        pre = lambda: signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # noqa: E731
    p = subprocess.Popen([TC, "rec", "-q", "--overwrite", "--strace-pid", str(target.pid), f,
                          "--", "sh", "-c", "while [ ! -e %s ]; do sleep 0.02; done" % go],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=ENV, preexec_fn=pre)
    try:
        tracers = []

        def started():
            # the tracer, not strace's probe (`strace ... -- true`)
            tracers[:] = [t for t, c, _ in children(p.pid) if c == "strace" and
                          str(target.pid) in cmdline(t)]
            return tracers or p.poll() is not None
        wait_for(started, 20, "the tracer to start")
        if not tracers:
            fail("rec ended: %r" % p.stderr.read()[-300:])
        tracer = tracers[0]
        target.kill()
        target.wait()
        # strace exits with its last tracee; the recorder must reap it now
        end = time.time() + 5
        state = None
        while time.time() < end:
            k = [s for t, c, s in children(p.pid) if t == tracer]
            state = k[0] if k else None
            if state is None:
                break
            time.sleep(0.05)
        if p.poll() is not None:
            fail("the session ended early (test is moot): %r" % p.stderr.read()[-300:])
        check(state is None, "the tracer %d is still there (state %s) 5 s after it exited: "
              "not reaped during the session" % (tracer, state))
    finally:
        open(go, "w").close()
        _, err = p.communicate(timeout=30)
        if target.poll() is None:
            target.kill()
            target.wait()
    check(p.returncode == 0, "rec: exit %d: %r" % (p.returncode, err[-300:]))
    read_cast(f)


if os.environ.get("REAP_ONLY") != "ign":
    tracer_reaped(False)
if os.environ.get("REAP_ONLY") != "dfl":
    tracer_reaped(True)
cleanup()
