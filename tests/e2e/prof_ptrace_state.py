"""--profile=proc records a process in a ptrace stop with the kernel's state
"t" (it was "?"), and `tracecast info` counts that time apart, labelled as
the cost of tracing (issue 12, point 6). tests/progs/ptrace_stop holds its
child in a ptrace stop for 800 ms."""
import json
import re
import subprocess

from lib_rec import TC, check, fail, need_pty, path, prog, read_cast, rec

need_pty()
f = path("t.cast")
rec(["--profile=proc", f, "--", prog("ptrace_stop"), "800"], check_rc=0)
hdr, evs = read_cast(f)
out = "".join(e[2] for e in evs if e[1] == "o")
m = re.search(r"stopped (\d+)", out)
check(m and "done" in out, "ptrace_stop did not run: %r" % out)
child = int(m.group(1))
states = [p["state"] for e in evs if e[1] == "p"
          for p in json.loads(e[2]).get("procs", []) if p["pid"] == child]
check(len(states) >= 5, "the stopped child is in %d samples" % len(states))
check("?" not in states, "state '?' recorded: %r" % states)
check(states.count("t") >= len(states) - 2, "the stopped child is not in state t: %r" % states)

text = subprocess.run([TC, "info", f], capture_output=True, text=True).stdout
check("R/S/D/Z/T/t/other" in text and "cost of tracing" in text,
      "info does not label the tracer's stops:\n" + text)
j = json.loads(subprocess.run([TC, "info", "--json", f], capture_output=True, text=True).stdout)
procs = [p for p in j["profile"]["processes"] if p["pid"] == child]
check(procs, "the child is not in info --json")
st = procs[0]["states"]
check(st.get("t", 0) > 0.5 and st.get("other", 1) == 0 and st.get("T", 1) == 0,
      "info --json states of the stopped child: %r" % st)
print("ok")
