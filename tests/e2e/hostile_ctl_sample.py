#!/usr/bin/env python3
"""A session plants hostile samples through $TRACECAST_CTL (issue 18,
item 1): a program inside the recording sends proc samples with "cpu"
1e308, -1e308, 1e300 and "rss_kb" 2^62. The recorder keeps them (the
check is where numbers are read, so a file from anywhere is covered too),
and every reader survives them: dump --overlay at each sample (the strip
shows the sample's process and clamped values), play to the end in a pty,
info, stats and the exports. Before the fix, dump --overlay and play died
of SIGSEGV in overlay_profile.c (a bar index of INT_MIN)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import TC, check, fail, need_pty, path, read_cast, rec  # noqa: E402

CLIENT = r'''
import json, os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.environ["TRACECAST_CTL"])
for cpu in (0.5, 1e308, -1e308, 1e300):
    d = {"src": "proc", "procs": [{"pid": os.getpid(), "comm": "planted", "cpu": cpu,
         "rss_kb": 2 ** 62, "state": "R", "wchan": "-", "threads": 1}]}
    s.sendall(json.dumps({"code": "p", "data": json.dumps(d),
                          "time": time.monotonic_ns()}).encode() + b"\n")
    time.sleep(0.05)
s.close()
print("planted")
'''

need_pty()
f = path("planted.cast")
rec(["-q", "--headless", f, "--", "python3", "-c", CLIENT], check_rc=0)
hdr, ev = read_cast(f)
samples = [e for e in ev if e[1] == "p" and "planted" in e[2]]
check(len(samples) == 4, "the recording holds the 4 planted samples, got %d" % len(samples))
check(any("1e+308" in e[2] for e in samples), "the 1e308 sample is in the file as sent")


def run(argv, timeout=30):
    try:
        p = subprocess.run([TC] + argv, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("tracecast %s hung" % " ".join(argv))
    if p.returncode != 0:
        fail("tracecast %s: exit %d: %s" % (" ".join(argv), p.returncode,
                                            p.stderr.decode(errors="replace")[-300:]))
    return p.stdout.decode(errors="replace")


for e in samples:
    screen = run(["dump", f, "--overlay", "--size", "100x30", "--at", "%.6f" % e[0]])
    check("top: planted" in screen, "the strip names the planted process at %.3f" % e[0])
    cpu = re.search(r"^CPU .*?(\S+)%\s*$", screen, re.M)
    check(cpu and float(cpu.group(1)) <= 6553600, "CPU shown clamped at %.3f: %r"
          % (e[0], cpu.group(0) if cpu else screen[-400:]))
run(["info", f])
run(["info", "--json", f])
for fmt in ("folded", "callgrind", "speedscope", "chrome"):
    run(["export", "--format", fmt, f])

# play to the end in a pty (it needs a terminal), fast, quitting at the end
pid, fd = os.forkpty()
if pid == 0:
    os.execv(TC, [TC, "play", "-Q", "-s", "4", f])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
check(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0,
      "play ended by %s (status %d)" % ("signal %d" % os.WTERMSIG(st) if os.WIFSIGNALED(st) else "exit", st))
check(b"planted" in out, "play drew the planted process in its strip")
print("planted samples: recorded, and dump --overlay, play, info, exports survive them")
