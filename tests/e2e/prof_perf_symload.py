"""--profile=perf must not stop the relay while it reads a big library's
symbols (issue 11 item 7): a program maps a library with 200,000 function
symbols (made here; reading its tables takes 0.2-0.5 s) and runs in it,
while its main thread prints a CLOCK_MONOTONIC stamp every 10 ms. The test
reads the recorder's terminal, a real pty, and measures how late each line
arrives: no line may come more than STALL_MS late, in one of ATTEMPTS
recordings at least (the old recorder read the tables inside its loop, and
in every recording the lines waited for them; a loaded machine delays a
line now and then, not every time).

Also: the samples taken while the tables loaded are named (tc_big_spin,
not "[big.so]"), in time (not clamped: the summary reports no late event),
and the recording's times never decrease."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

STALL_MS = float(os.environ.get("TC_STALL_MS", "50"))
ATTEMPTS = 6
NSYMS = 200000

need_pty()
if subprocess.run([TC, "rec", "--headless", "-q", "--profile=perf", path("probe.cast"), "--",
                   "true"], capture_output=True).stderr.find(b"perf_event_open refused") >= 0:
    skip("perf_event_open is refused here")

# The library: NSYMS small local functions with long names, and one
# exported function that spins (with a frame pointer) for n iterations.
asm = path("big.s")
with open(asm, "w") as f:
    w = f.write
    w(".text\n")
    for i in range(NSYMS):
        n = "tc_big_component_%07d_of_a_library_with_a_long_symbol_name" % ((i * 7919) % NSYMS)
        w(".type %s,@function\n%s:\n\tret\n.size %s,1\n" % (n, n, n))
    w(".globl tc_big_spin\n.type tc_big_spin,@function\ntc_big_spin:\n\tpush %rbp\n"
      "\tmov %rsp,%rbp\n1:\tdec %rdi\n\tjnz 1b\n\tpop %rbp\n\tret\n"
      ".size tc_big_spin,.-tc_big_spin\n.section .note.GNU-stack,\"\",@progbits\n")
lib = path("big.so")
subprocess.run(["cc", "-shared", "-o", lib, asm], check=True)
os.unlink(asm)

# The program: a thread spins in the library for SPIN s; the main thread
# prints "T <stamp>" every 10 ms for 3 s.
target = path("target.py")
with open(target, "w") as f:
    f.write(r'''
import ctypes, sys, threading, time
lib = ctypes.CDLL(sys.argv[1])
def spin():
    end = time.monotonic() + 0.6
    while time.monotonic() < end:
        lib.tc_big_spin(ctypes.c_long(3000000))
time.sleep(0.3)
print("spin start %d" % time.monotonic_ns(), flush=True)
th = threading.Thread(target=spin)
th.start()
t = time.monotonic()
for i in range(300):
    sys.stdout.write("T %d\n" % time.monotonic_ns())
    sys.stdout.flush()
    t += 0.01
    time.sleep(max(0.0, t - time.monotonic()))
th.join()
print("spin end", flush=True)
''')

ENV = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}


def record(attempt):
    """One recording through a real pty: (latencies, its terminal text,
    the recording's path, exit status)."""
    out_cast = path("perf%d.cast" % attempt)
    lat = []   # (ms late, stamp)
    buf = [b""]

    def stamp_lines(d):
        now = time.monotonic_ns()
        buf[0] += d
        while b"\n" in buf[0]:
            line, buf[0] = buf[0].split(b"\n", 1)
            line = line.strip()
            if line.startswith(b"T "):
                try:
                    lat.append(((now - int(line[2:])) / 1e6, int(line[2:])))
                except ValueError:
                    continue
    rc, out = in_pty([TC, "rec", "--profile=perf:499", out_cast, "--", "python3", target, lib],
                     env=ENV, on_data=stamp_lines)
    return lat, out.decode("utf-8", "replace"), out_cast, rc


# The old recorder's stall is systematic (every recording waits for the
# whole table load, 90-250 ms here), a loaded machine's delays are not
# (one line 100-250 ms late now and then while 4 builds run; a single
# recording stalled in 3 of 8 there, so 6 tries fail by chance about 1 run
# in 300): a stall in each of ATTEMPTS recordings fails, one clean
# recording passes.
worsts = []
for attempt in range(ATTEMPTS):
    lat, text, out_cast, rc = record(attempt)
    check(rc == 0, "rec: exit %s: %r" % (rc, text[-500:]))
    check(len(lat) >= 250, "only %d stamped lines came through: %r" % (len(lat), text[-300:]))
    worsts.append(max(lat)[0])
    if worsts[-1] < STALL_MS:
        break
hdr, ev = read_cast(out_cast)
stacks = [(t, json.loads(d)) for t, c, d in ev if c == "p"]
stacks = [(t, s["stack"]) for t, s in stacks if s.get("src") == "perf" and "stack" in s]
named = [t for t, st in stacks if "tc_big_spin" in st.split(";")]
unnamed = [t for t, st in stacks if "[big.so]" in st.split(";")]
worst = max(lat)
lat_sorted = sorted(x for x, _ in lat)
print("lines %d, latency median %.1f ms, p99 %.1f ms, worst %.1f ms; samples in "
      "tc_big_spin %d, as [big.so] %d" % (len(lat), lat_sorted[len(lat) // 2],
                                         lat_sorted[int(len(lat) * 0.99)], worst[0],
                                         len(named), len(unnamed)))
check(len(named) >= 20, "only %d samples named tc_big_spin (%d [big.so]): the test is moot"
      % (len(named), len(unnamed)))
check(worst[0] < STALL_MS, "a line came late in each of %d recordings, the least by %.0f "
      "ms, %r (the relay stopped while perf read the library's symbols?)"
      % (len(worsts), min(worsts), ["%.0f" % w for w in worsts]))
check(not unnamed, "%d samples were written before the symbols were there" % len(unnamed))
check("late events clamped" not in text, "samples came late: %r" % text[-300:])
check(max(named) - min(named) > 0.3, "the samples' times are bunched (clamped?): %r"
      % named[:5])
print("ok")
cleanup()
