"""tracecast stats against the real strace -c: a C program with known
calls (N failing openat, M nanosleep of MS ms, a fork whose child sleeps
once) recorded with `rec --strace`; the table's calls and errors equal
`strace -c -w -f` on the same program, its times agree within 10%; --by,
--top, --errors, --json, 80 columns; a recording without syscalls exits 1."""
import json
import re
import subprocess
import sys
import os

sys.path.insert(0, os.path.dirname(__file__))
from lib_rec import TC, check, fail, need_pty, path, prog, rec  # noqa: E402

N, M, MS = 7, 4, 30
need_pty()
known = prog("stats_known")
cast = path("k.cast")
rec(["-q", "--strace", cast, "--", known, str(N), str(M), str(MS)], check_rc=0)

# strace -c -w -f on the same program (stdio away from any terminal);
# three runs, times compared with their median (the machine is shared)
def strace_c(i):
    log = path("strace.c.%d" % i)
    p = subprocess.run(["strace", "-f", "-c", "-w", "-o", log, known, str(N), str(M), str(MS)],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    check(p.returncode == 0, "strace -c failed: %s" % p.stderr)
    t = {}
    for line in open(log):
        f = line.split()
        if len(f) < 5 or not re.match(r"^\d+\.\d+$", f[0]) or f[-1] == "total":
            continue
        t[f[-1]] = (int(f[3]), int(f[4]) if len(f) == 6 else 0, float(f[1]))
    return t
runs = [strace_c(i) for i in range(3)]
ref = {}
for name, (calls, errors, _) in runs[0].items():
    for r in runs[1:]:
        check(r.get(name, (0, 0))[:2] == (calls, errors), "strace -c runs differ on %s" % name)
    ref[name] = (calls, errors, sorted(r[name][2] for r in runs)[1])
check(ref.get("openat", (0, 0))[1] == N, "strace -c saw %r openat" % (ref.get("openat"),))

def stats(*args, rc=0):
    p = subprocess.run([TC, "stats"] + list(args), capture_output=True, timeout=60)
    if p.returncode != rc:
        fail("stats %s: exit %d, expected %d: %s" % (" ".join(args), p.returncode, rc,
                                                     p.stderr.decode()))
    return p.stdout.decode(), p.stderr.decode()

out, _ = stats("--json", cast)
j = json.loads(out)
ours = {r["syscall"]: (r["calls"], r["errors"], r["seconds"]) for r in j["syscalls"]}
for name, (calls, errors, secs) in ref.items():
    check(name in ours, "strace -c counts %s, stats does not: %r" % (name, ours))
    check(ours[name][:2] == (calls, errors),
          "%s: stats %r, strace -c %r" % (name, ours[name][:2], (calls, errors)))
for name in ours:
    check(name in ref, "stats counts %s, strace -c does not" % name)
check(ours["nanosleep"][0] == M + 1 and ours["openat"][1] == N, "known calls: %r" % ours)
# times: the calls of known length (wait4's depends on how fast the child
# starts on a loaded machine, traced differently in the two runs)
for name in ("nanosleep",):
    a, b = ours[name][2], ref[name][2]
    check(abs(a - b) <= 0.10 * b, "%s: %.6f s vs strace -c -w %.6f s (over 10%%)" % (name, a, b))
check(abs(ours["nanosleep"][2] - (M + 1) * MS / 1000) < 0.10 * (M + 1) * MS / 1000,
      "nanosleep total %.6f s, expected about %.3f" % (ours["nanosleep"][2], (M + 1) * MS / 1000))
check(j["calls"] == sum(c for c, _, _ in ref.values()), "total calls differ")

# the human table: 80 columns, strace -c's columns, openat's errors
out, _ = stats("--top", "3", "--errors", cast)
for l in out.splitlines():
    check(len(l) <= 80, "line over 80 columns: %r" % l)
row = [l for l in out.splitlines() if l.endswith(" openat")]
check(row and row[0].split()[4:6] == [str(ref["openat"][0]), str(N)], "openat row: %r" % row)
check(re.search(r"^\s+%d\s+openat\s+ENOENT\s+\d+:\d\d\.\d{3}\s+AT_FDCWD, \"/nonexistent" % N,
                out, re.M), "errors section lacks openat ENOENT x%d:\n%s" % (N, out))
top = [l for l in out.split("slowest calls")[1].splitlines()[2:5]]
check(len(top) == 3 and all(("nanosleep" in l or "wait4" in l) for l in top),
      "slowest calls are not the sleeps: %r" % top)
# their start times are dump --at times that fall inside the recording
t0 = top[0].split()[0]
p = subprocess.run([TC, "dump", "--at", t0, cast], capture_output=True, timeout=60)
check(p.returncode == 0, "dump --at %s (a --top start time) failed" % t0)

# --by pid: the parent and the forked child, the child with one nanosleep
out, _ = stats("--json", "--by", "pid", cast)
g = json.loads(out)["groups"]
check(len(g) == 2, "--by pid: %d groups" % len(g))
child = [x for x in g if x["calls"] == 2]
check(child and [s["calls"] for s in child[0]["syscalls"] if s["syscall"] == "nanosleep"] == [1],
      "--by pid: no child with one nanosleep: %r" % g)
check(all(x["comm"] == "stats_known" for x in g), "--by pid: comm from execve: %r" % g)
out, _ = stats("--by", "comm", cast)
check("comm stats_known: %d calls" % j["calls"] in out, "--by comm:\n%s" % out)

# --sort name / calls
out, _ = stats("--json", "--sort", "name", cast)
names = [r["syscall"] for r in json.loads(out)["syscalls"]]
check(names == sorted(names), "--sort name: %r" % names)
out, _ = stats("--json", "--sort", "calls", cast)
calls = [r["calls"] for r in json.loads(out)["syscalls"]]
check(calls == sorted(calls, reverse=True), "--sort calls: %r" % calls)

# no syscalls: a recording without --strace
plain = path("plain.cast")
rec(["-q", plain, "--", "/bin/true"], check_rc=0)
out, err = stats(plain, rc=1)
check("no syscalls recorded (record with --strace)" in err, "no-syscalls message: %r" % err)
print("stats: equals strace -c -w -f (%d syscalls, %d calls)" % (len(ref), j["calls"]))
