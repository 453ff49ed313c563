"""The control socket: `tracecast mark` inside a session adds an m event,
outside one says so and exits 2; malformed lines, a refused "o" code and
an overlong line are dropped and counted, and the recorder goes on. With
a reorder window (here --profile=python-inside), a client of stamped lines (a
sampler) is read in batches: every line arrives with its own time, none
clamped, and a mark sent meanwhile from another client arrives too."""
import json
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()

# Outside a session.
env = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
p = subprocess.run([TC, "mark", "x"], capture_output=True, env=env)
check(p.returncode == 2 and b"not inside a recorded session" in p.stderr,
      "mark outside: exit %d %r" % (p.returncode, p.stderr))

# Inside: the marker lands between the outputs around it.
f = path("mark.cast")
# (the command waits until "before" is in the file, flushed every 100 ms,
# before the mark, and until the marker is, before "after": a marker and
# output pending at once are recorded in the order the recorder reads them)
until_in = "for i in $(seq 400); do grep -qF '%s' '%s' && break; sleep 0.05; done"
rec(["-q", f, "-c", "echo before; %s; '%s' mark 'step one'; %s; echo after"
     % (until_in % ('"o", "before', f), TC, until_in % ('"m", "step one"', f))], check_rc=0)
h, ev = read_cast(f)
codes = [(e[1], e[2]) for e in ev]
check(("m", "step one") in codes, "no marker: %r" % codes)
i = codes.index(("m", "step one"))
check("before" in output(ev[:i]) and "after" in output(ev[i:]), "marker out of place: %r" % codes)
interop(f)

# The socket's folder is private; garbage is dropped and counted.
client = r'''
import json, os, socket, stat, time
path = os.environ["TRACECAST_CTL"]
d = os.path.dirname(path)
print("mode", oct(stat.S_IMODE(os.stat(d).st_mode)), "dir", d, "end")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
now = time.monotonic_ns()
s.sendall(b"not json\n{\"code\":\"o\",\"data\":\"fake output\"}\n[1,2]\n"
          b"{\"code\":\"m\"}\n{\"code\":\"m\",\"data\":5}\n{\"code\":\"m\",\"data\":\"x\",\"time\":\"1\"}\n"
          b"\xff\xfe\n\n" + b"y" * 70000 + b"\n")
s.sendall(json.dumps({"code": "m", "data": "good \u00e9"}).encode() + b"\n")
s.sendall(json.dumps({"code": "p", "data": "{\"src\":\"test\"}", "time": now}).encode() + b"\n")
s.sendall(b'{"code":"m","data":"no newline at the end"}')
s.close()
s2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s2.connect(path)
s2.sendall(b'{"code":"m","data":"second client"}\n')
s2.close()
print("client done")
'''
f = path("ctl.cast")
rc, _, err = rec([f, "--", "python3", "-c", client], check_rc=0)
h, ev = read_cast(f)
out = output(ev)
check("mode 0o700" in out and "client done" in out, "client output: %r" % out)
marks = [e[2] for e in ev if e[1] == "m"]
check(marks == ["good \u00e9", "no newline at the end", "second client"], "markers: %r" % marks)
check([e[2] for e in ev if e[1] == "p"] == ['{"src":"test"}'], "p event: %r" % ev)
check("fake output" not in out, "an o event from the socket was accepted")
check("8 malformed control lines dropped" in err, "drop count not reported: %r" % err)
check(ev[-1][1] == "x" and ev[-1][2] == "0", "recorder did not finish normally: %r" % ev[-1])
sockdir = out.split(" dir ")[1].split(" end")[0]
check(sockdir.startswith("/") and not os.path.exists(sockdir), "socket folder left: %r" % sockdir)
interop(f)

# Batch mode (docs/FORMAT.md, "Changes and precisions" 6): 12 sends, 40 ms
# apart, of 4 lines stamped 10 ms apart each, as the python sampler sends;
# a mark from a second client after the 6th. --profile=python-inside puts the
# 100 ms window on (and our sampler runs in the client too: its samples
# are left aside).
sampler = r'''
import json, os, socket, time
path = os.environ["TRACECAST_CTL"]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
sent = []
time.sleep(0.1)   # the first stamps (30 ms back) after the recording's start
for k in range(12):
    t0 = time.monotonic_ns()
    lines = []
    for j in range(4):
        t = t0 - (3 - j) * 10000000
        sent.append(t)
        lines.append(json.dumps({"code": "p", "data": json.dumps({"src": "test", "n": len(sent),
                                                                  "s": "a\\b\u00e9\"\t"}),
                                 "time": t}))
    s.sendall(("\n".join(lines) + "\n").encode())
    if k == 5:
        m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        m.connect(path)
        m.sendall(b'{"code":"m","data":"meanwhile"}\n')
        m.close()
    time.sleep(0.04)
s.close()
print("gaps", ",".join(str(b - a) for a, b in zip(sent, sent[1:])), "end")
'''
f = path("batch.cast")
rc, _, err = rec([f, "--profile=python-inside", "--", "python3", "-c", sampler], check_rc=0)
h, ev = read_cast(f)
check("late events clamped" not in err, "batch: samples clamped: %r" % err)
ps = [(e[0], json.loads(e[2])) for e in ev if e[1] == "p"]
ps = [(t, d) for t, d in ps if d["src"] == "test"]  # (not our sampler's)
check(all(d["s"] == "a\\b\u00e9\"\t" for t, d in ps), "batch: data changed: %r" % ps[:2])
ps = [(t, d["n"]) for t, d in ps]
check([n for t, n in ps] == list(range(1, 49)), "batch: samples %r" % ps)
gaps = [int(g) for g in output(ev).split("gaps ")[1].split(" end")[0].split(",")]
# each recorded gap is the sent one, to the microsecond (no clamping)
for (ta, _), (tb, _), g in zip(ps, ps[1:], gaps):
    check(abs((tb - ta) - g / 1e9) <= 2e-6, "batch: gap %.6f, sent %d ns" % (tb - ta, g))
check([e[2] for e in ev if e[1] == "m"] == ["meanwhile"], "batch: marks %r" % ev)
interop(f)
cleanup()
