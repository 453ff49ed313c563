"""The outside sampler does not walk a thread that has not run since its
stack was taken (recorder/pyout_source.c: its schedstat CPU time and run
count unchanged, asleep then) and gives its last stack again. This checks
that a thread that runs only for a few microseconds between long sleeps
still gets its new stack at once:

two threads alternate between two sleeping functions each (A/B every
120 ms, C/D every 170 ms: each switch is a few microseconds of CPU), the
main thread waits in join() all along. Per thread, the sampled leaf
functions, consecutive repeats folded, must be exactly the program's
own alternation (a stale stack would show a phase too long and drop the
next one), and no phase may have more samples than its length allows;
the main thread's stack is the same in every sample."""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, check, read_cast, rec, stacks, tmpdir  # noqa: E402

d = tmpdir()
prog = os.path.join(d, "switch.py")
with open(prog, "w") as f:
    f.write('''import threading, time
def phase_a(s): time.sleep(s)
def phase_b(s): time.sleep(s)
def phase_c(s): time.sleep(s)
def phase_d(s): time.sleep(s)
def alternate(fns, period, n, out, longest):
    for i in range(n):
        out.append(fns[i % 2].__name__)
        t0 = time.monotonic()
        fns[i % 2](period)
        longest[0] = max(longest[0], time.monotonic() - t0)
seq1, seq2, long1, long2 = [], [], [0.0], [0.0]
t1 = threading.Thread(target=alternate, args=((phase_a, phase_b), 0.12, 12, seq1, long1))
t2 = threading.Thread(target=alternate, args=((phase_c, phase_d), 0.17, 9, seq2, long2))
t1.start(); t2.start()
t1.join(); t2.join()
print("tids %d %d" % (t1.native_id, t2.native_id))
print("seq1 " + " ".join(seq1))
print("seq2 " + " ".join(seq2))
print("longest %.6f %.6f" % (long1[0], long2[0]))
''')

cast = os.path.join(d, "switch.cast")
rc, out, err = rec(cast, [PY, prog], profile="python-outside:100")
check(rc == 0, "rec failed (%d): %s" % (rc, err))
hdr, ev = read_cast(cast)
check(hdr["tracecast"]["sources"]["profile"].get("python_sampler") == "outside",
      "the outside sampler did not run: %s" % hdr["tracecast"]["sources"]["profile"])
text = "".join(x for t, c, x in ev if c == "o")
lines = dict(l.split(" ", 1) for l in text.replace("\r", "").splitlines() if " " in l)
check("tids" in lines and "seq1" in lines, "no program output: %r" % text)
tid1, tid2 = (int(x) for x in lines["tids"].split())
want = {tid1: lines["seq1"].split(), tid2: lines["seq2"].split()}
check("longest" in lines, "no phase lengths in the output: %r" % text)
longest = dict(zip((tid1, tid2), (float(x) for x in lines["longest"].split())))

by_tid = collections.defaultdict(list)
for t, s in stacks(ev, "py"):
    by_tid[s["tid"]].append(s)
for tid, seq in want.items():
    leaves = [s["stack"].split(";")[-1].split(":")[-1] for s in by_tid[tid]]
    leaves = [x for x in leaves if x.startswith("phase_")]
    runs = []
    for x in leaves:
        if runs and runs[-1][0] == x:
            runs[-1][1] += 1
        else:
            runs.append([x, 1])
    got = [r[0] for r in runs]
    # the first phase may start before the first round reads the thread
    # and the last may end before the next: compare the middle exactly
    check(got[1:-1] == seq[1:-1] or got == seq or got[1:] == seq[1:] or got[:-1] == seq[:-1],
          "tid %d: sampled phases %s, the program's %s" % (tid, got, seq))
    # a stale stack would stretch a phase into the next one: no phase may
    # have more samples than the program's longest phase (its sleep as
    # measured around it: a loaded machine wakes it late) at 100 Hz and a
    # round either side (rounds lost to load make phases shorter)
    cap = int(longest[tid] * 100) + 2
    long_ = [r for r in runs if r[1] > cap]
    check(not long_, "tid %d: phases longer than %d samples (a stale stack?): %s" % (tid, cap, runs))
    # asleep, the phases are idle; a round may catch a thread woken and
    # waiting for a CPU (state R) at a switch, on a loaded machine often
    phase = [s for s in by_tid[tid] if "phase_" in s["stack"]]
    busy = [s for s in phase if not s.get("idle")]
    check(len(busy) <= max(3, len(phase) // 10),
          "tid %d: %d of %d sleeping-phase samples on a CPU" % (tid, len(busy), len(phase)))

main = [s for tid, ss in by_tid.items() if tid not in want for s in ss]
check(len(main) >= 50, "the main thread has %d samples" % len(main))
main_stacks = collections.Counter(s["stack"] for s in main)
top, n = main_stacks.most_common(1)[0]
check(n >= 0.9 * len(main) and "join" in top,
      "the waiting main thread's stacks vary: %s" % main_stacks.most_common(4))
print("ok: %s" % {tid: len(v) for tid, v in by_tid.items()})
