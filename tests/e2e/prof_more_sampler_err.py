"""--profile=python, the sampler's error path (docs/profile.md: "any error
stops the sampler with one line on stderr"): with TRACECAST_CTL pointing to
a regular file, to a path that does not exist, to a socket nobody listens
on, and to a listener that hangs up at once (the recorder gone), the
script's output and exit status are those of the unprofiled run, its own
stderr is unchanged, and exactly one more line, `tracecast: python
sampler ...`, is on its stderr."""
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import IMPL, PY, check, check_impl, read_cast, rec, tmpdir  # noqa: E402

d = tmpdir()
script = os.path.join(d, "target.py")
with open(script, "w") as f:
    f.write('''import sys, time
def spin(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += sum(i for i in range(100))
    return n
print("begin", flush=True)
sys.stderr.write("own stderr line\\n")  # one write: print() writes the
sys.stderr.flush()                     # newline apart, and the sampler's
                                       # line may land between the two
spin(0.4)
time.sleep(0.1)
print("end", flush=True)
sys.exit(4)
''')


def run(name, profile, ctl=None):
    out = os.path.join(d, name + ".cast")
    err = os.path.join(d, name + ".err")
    pre = "TRACECAST_CTL='%s' " % ctl if ctl is not None else ""
    rc, so, se = rec(out, ["/bin/sh", "-c", "%sexec '%s' '%s' 2>'%s'" % (pre, PY, script, err)],
                     profile=profile)
    check("python sampler" not in se, "%s: the recorder printed %r" % (name, se))
    hdr, ev = read_cast(out)
    text = "".join(x for t, c, x in ev if c == "o")
    with open(err) as f:
        errl = f.read().splitlines()
    return rc, text, errl, ev


rc0, text0, err0, _ = run("plain", None)
check(rc0 == 4 and "begin" in text0 and "end" in text0, "plain run: exit %d %r" % (rc0, text0))
check(err0 == ["own stderr line"], "plain run stderr %r" % err0)

regular = os.path.join(d, "not-a-socket")
open(regular, "w").close()
dead = os.path.join(d, "dead.sock")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(dead)
s.close()                                   # the file stays, nobody listens
hang = os.path.join(d, "hangup.sock")
lsn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lsn.bind(hang)
lsn.listen(8)
accepted = []


def hang_up():
    while True:
        try:
            c, _ = lsn.accept()
        except OSError:
            return
        accepted.append(1)
        c.close()


threading.Thread(target=hang_up, daemon=True).start()

for name, ctl in (("regular", regular), ("missing", os.path.join(d, "no", "such")),
                  ("dead", dead), ("hangup", hang)):
    rc, text, errl, ev = run(name, "python", ctl)
    print("%s: rc %d stderr %r" % (name, rc, errl))
    check(rc == rc0, "%s: exit %d, unprofiled %d" % (name, rc, rc0))
    check(text == text0, "%s: output differs:\n%r\n%r" % (name, text, text0))
    extra = [l for l in errl if l not in err0]
    check([l for l in errl if l in err0] == err0, "%s: the script's own stderr changed: %r" % (name, errl))
    check(len(extra) == 1 and extra[0].startswith("tracecast: python sampler "),
          "%s: want exactly one sampler line on stderr, got %r" % (name, extra))
    check(not any(c == "p" for t, c, x in ev), "%s: samples arrived through a bad socket?" % name)
check(accepted, "the hang-up listener was never connected to")
lsn.close()
# and against the real recorder, the sampler asked for ran and stopped well
rc, text, errl, ev = run("good", "python")
check(rc == rc0 and text == text0 and errl == err0, "good: %d %r %r" % (rc, text, errl))
check(any(c == "p" for t, c, x in ev), "good: no samples")
check_impl("good (%s)" % IMPL)
print("ok")
