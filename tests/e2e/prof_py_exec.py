"""--profile=python-outside across exec: a sampled Python process that
execs into another Python program (the same interpreter, other code) is
still sampled after the exec, under the new program's names, and no sample
taken after the exec shows a name of the program before it (the recorder
stats a process's executable only once a second while it reads it: an
exec must be caught by the walk failing, or by that stat). Twice: once
exec'ing the same script (same binary, same code layout), once another."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_prof import PY, check, read_cast, rec, stacks, tmpdir  # noqa: E402

d = tmpdir()
first = os.path.join(d, "first.py")
second = os.path.join(d, "second.py")
BUSY = '''import os, sys, time
def spin(secs):
    end = time.monotonic() + secs
    n = 0
    while time.monotonic() < end:
        n += sum(i * i for i in range(200))
    return n
'''
with open(first, "w") as f:
    f.write(BUSY + '''def before_exec_work():
    return spin(0.6)
if len(sys.argv) > 1 and sys.argv[1] == "again":
    def after_exec_same():
        return spin(0.8)
    after_exec_same()
    print("after", os.getpid(), flush=True)
    sys.exit(0)
before_exec_work()
print("exec", os.getpid(), flush=True)
os.execv(sys.executable, [sys.executable, sys.argv[1] if len(sys.argv) > 1 else __file__] +
         (["again"] if len(sys.argv) <= 1 else []))
''')
with open(second, "w") as f:
    f.write(BUSY + '''def after_exec_other():
    return spin(0.8)
after_exec_other()
print("after", os.getpid(), flush=True)
''')

for name, args in (("same", [PY, first]), ("other", [PY, first, second])):
    out = os.path.join(d, name + ".cast")
    rc, so, se = rec(out, args, profile="python-outside:100")
    check(rc == 0, "%s: rec exit %d: %s" % (name, rc, se))
    hdr, ev = read_cast(out)
    text = "".join(x for t, c, x in ev if c == "o")
    check("exec" in text and "after" in text, "%s: output %r" % (name, text))
    t_exec = next(t for t, c, x in ev if c == "o" and "exec" in x)
    t_after = next(t for t, c, x in ev if c == "o" and "after" in x)
    sts = stacks(ev, "py")
    before = [t for t, s in sts if "before_exec_work" in s["stack"]]
    want = "after_exec_same" if name == "same" else "after_exec_other"
    after = [t for t, s in sts if want in s["stack"]]
    check(len(before) >= 20, "%s: %d samples before the exec" % (name, len(before)))
    check(len(after) >= 30, "%s: %d samples of %s after the exec (want ~80)" % (name, len(after), want))
    # output is written by the recorder when read: give it 50 ms
    stale = [t for t in before if t > t_exec + 0.05]
    check(not stale, "%s: %d samples with the old program's name after the exec, at %r (exec %.3f)"
          % (name, len(stale), stale[:3], t_exec))
    print("%s: %d before, %d after (%s)" % (name, len(before), len(after), want))
print("ok")
