#!/bin/bash
# strace benchmark (issue 4's goal, kept by issue 12): `tracecast rec
# --strace` costs at most 1.10x the CPU of plain `strace -f -o FILE` with
# the same strace options, on a syscall-heavy C loop (bench/strace_statloop.c:
# STATN stat calls, strace's top speed) and on the eventlet sample
# (samples/eventlet-wsgi/run.sh, untraced filter: every syscall).
# Per workload, RUNS (default 15) rounds; in each round every mode of MODES
# (default "raw bare rec rec+s"; "all" adds pipe and setsid) runs once, the
# order rotated from round to round:
#   raw      CMD alone, untraced: the floor
#   bare     strace FLAGS -o FILE -- CMD (FLAGS = the options tracecast
#            itself passes: -f -qq --absolute-timestamps=unix,ns
#            --syscall-times=ns)
#   pipe     strace FLAGS -o "|cat >/dev/null" -- CMD (strace writing a pipe,
#            as it writes the recorder's FIFO; the reader cat counted)
#   setsid   setsid -w strace FLAGS -o FILE -- CMD (a new session, as the
#            recorder's child is: the kernel's autogroup scheduling puts it
#            in a group of its own, which changes strace's speed on a loaded
#            machine)
#   rec      tracecast rec -- strace FLAGS -o FILE -- CMD (the recorder and
#            its pty, strace writing a file: isolates the --strace source)
#   rec+s    tracecast rec --strace -- CMD (strace writes into the
#            recorder's FIFO)
# Figures: CPU = user+system of the whole process tree (getrusage of the
# children: the command, strace and the recorder); the recorder's own CPU
# (its schedstat run time, read from the exited recorder before it is
# reaped, so nothing is missed; children excluded); medians, and the median
# of the per-round ratios rec+s / bare (each round's pair ran back to back)
# with their quartiles;
# the load average before and after. strace lines: FILE lines vs "s" events
# (none may be lost). OLD=/path/to/another/tracecast adds a mode old+s (that
# build's rec --strace) for an A/B of two builds. Writes docs/bench/strace.md.
# Alone:
#   make bench BENCH_ONLY=strace  (RUNS=N STATN=N WORK="statloop eventlet" MODES=all)
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}"
RUNS=${RUNS:-15} STATN=${STATN:-60000} WORK=${WORK:-statloop eventlet}
MODES=${MODES:-raw bare rec rec+s}
DOC=${DOC:-docs/bench/strace.md}
for b in "$TRACECAST" "$BENCHBIN/strace_statloop"; do
	[ -x "$b" ] || { echo "bench/strace.sh: $b missing (run through make bench)" >&2; exit 1; }
done
command -v strace >/dev/null || { echo "bench/strace.sh: strace missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/tracecast-bench-strace.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$DOC")"

python3 - "$TRACECAST" "$BENCHBIN/strace_statloop" "$STATN" "$RUNS" "$tmp" "$DOC" "$WORK" "${OLD:-}" "$MODES" <<'EOF'
import json, os, resource, statistics, subprocess, sys, time

tc, statloop, statn, runs, tmp, doc, want = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7].split()
FLAGS = ["-f", "-qq", "--absolute-timestamps=unix,ns", "--syscall-times=ns"]
old = sys.argv[8]
ALL = ("raw", "bare", "pipe", "setsid", "rec", "rec+s", "old+s")
want_modes = set(sys.argv[9].split() if sys.argv[9] != "all" else ALL[:-1]) | {"bare", "rec+s"}
if old:
    want_modes.add("old+s")
MODES = tuple(m for m in ALL if m in want_modes)

def loadavg():
    return open("/proc/loadavg").read().split()[0]

def run(argv, env=None):
    """wall, tree CPU, own CPU of the top process (s). The top process is
    waited for with WNOWAIT first: its schedstat (ns on a CPU, itself
    only) is read while it is a zombie, then it is reaped."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    wall = time.monotonic() - t0
    try:
        with open("/proc/%d/schedstat" % p.pid) as f:
            own = int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        own = float("nan")
    p.wait()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("bench/strace.sh: %r exited %d" % (argv, p.returncode))
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu, own

def file_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)

def cast_lines(path):
    n = 0
    with open(path, encoding="utf-8") as f:
        next(f)
        for l in f:
            if json.loads(l)[1] == "s":
                n += 1
    return n

here = os.getcwd()
work = []
if "statloop" in want:
    work.append(("statloop", [statloop, str(statn)], None))
if "eventlet" in want:
    if subprocess.run(["/usr/bin/python3", "-c", "import eventlet"], capture_output=True).returncode == 0:
        env = dict(os.environ, EVENTLET_HUB="epolls", REQUESTS="10")
        work.append(("eventlet", [os.path.join(here, "samples/eventlet-wsgi/run.sh")], env))
    else:
        print("bench/strace.sh: python3-eventlet missing: eventlet workload skipped", file=sys.stderr)

def modes(cmd):
    f = os.path.join(tmp, "trace.txt")
    c = os.path.join(tmp, "out.cast")
    return {
        "raw": (cmd, None, None),
        "bare": (["strace"] + FLAGS + ["-o", f, "--"] + cmd, f, None),
        "pipe": (["strace"] + FLAGS + ["-o", "|cat >/dev/null", "--"] + cmd, None, None),
        "setsid": (["setsid", "-w", "strace"] + FLAGS + ["-o", f, "--"] + cmd, f, None),
        "rec": ([tc, "rec", "-q", "--overwrite", c, "--", "strace"] + FLAGS + ["-o", f, "--"] + cmd, f, None),
        "rec+s": ([tc, "rec", "-q", "--overwrite", "--strace", c, "--"] + cmd, None, c),
        "old+s": ([old, "rec", "-q", "--overwrite", "--strace", c, "--"] + cmd, None, c),
    }

res = {}
load = {}
for name, cmd, env in work:
    load[name] = [loadavg()]
    m = modes(cmd)
    for r in range(runs):
        for k in range(len(MODES)):
            mode = MODES[(r + k) % len(MODES)]
            argv, f, c = m[mode]
            wall, cpu, own = run(argv, env)
            lines = file_lines(f) if f else cast_lines(c) if c else -1
            res.setdefault((name, mode), []).append((wall, cpu, own, lines))
            print("bench/strace.sh: %s %s run %d: wall %.2fs cpu %.2fs own %.3fs lines %d load %s"
                  % (name, mode, r + 1, wall, cpu, own, lines, loadavg()), file=sys.stderr)
    load[name].append(loadavg())

def med(name, mode, i):
    return statistics.median(x[i] for x in res[(name, mode)])


out = []
out.append("## strace (`tracecast rec --strace`)\n")
out.append("Produced by `bench/strace.sh` (RUNS=%d, STATN=%d, MODES=\"%s\"), %s, %d cores. Per workload %d rounds; "
           "each round runs every mode once, the order rotated from round to round; medians. "
           "CPU = user+system of the whole process tree (the command, strace and the recorder: "
           "getrusage of the children). Recorder CPU = the recorder process alone (its "
           "schedstat run time, read when it has exited and before it is reaped; children "
           "excluded).\n" % (runs, statn, " ".join(MODES), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                             os.cpu_count(), runs))
out.append("Commands (FLAGS = `%s`, the options `tracecast rec --strace` itself passes):\n" % " ".join(FLAGS))
DESC = {
    "raw": "`CMD` alone, untraced (the floor)",
    "bare": "`strace FLAGS -o FILE -- CMD`",
    "pipe": "`strace FLAGS -o '|cat >/dev/null' -- CMD` (strace writing a pipe read by cat, cat included)",
    "setsid": "`setsid -w strace FLAGS -o FILE -- CMD` (a new session like the recorder's child)",
    "rec": "`tracecast rec -q OUT.cast -- strace FLAGS -o FILE -- CMD` (the recorder without its strace source)",
    "rec+s": "`tracecast rec -q --strace OUT.cast -- CMD` (strace writes into the recorder's FIFO)",
    "old+s": "`OLD rec -q --strace OUT.cast -- CMD`, OLD = %s (another build, for an A/B)" % old,
}
for m in MODES:
    out.append("- %s: %s" % (m, DESC[m]))
out.append("- CMD: statloop = `strace_statloop %d` (bench/strace_statloop.c); eventlet = "
           "`EVENTLET_HUB=epolls REQUESTS=10 samples/eventlet-wsgi/run.sh` (every syscall)\n" % statn)
out.append("| workload | mode | wall s | CPU s | recorder CPU s | strace lines |")
out.append("| --- | --- | ---: | ---: | ---: | ---: |")
for name, _, _ in work:
    for mode in MODES:
        w, c, o, n = med(name, mode, 0), med(name, mode, 1), med(name, mode, 2), med(name, mode, 3)
        out.append("| %s | %s | %.2f | %.2f | %s | %s |" % (
            name, mode, w, c, "%.3f" % o if mode.startswith(("rec", "old")) else "-",
            "%d" % n if n >= 0 else "-"))
out.append("")
def pairs(name, a, b, i=1):
    """median and quartiles of the per-round ratios a / b of field i"""
    r = sorted(x[i] / y[i] for x, y in zip(res[(name, a)], res[(name, b)]))
    q = statistics.quantiles(r, n=4) if len(r) > 1 else [r[0], r[0], r[0]]
    return "%.2fx (%.2f-%.2f)" % (statistics.median(r), q[0], q[2])

others = [m for m in ("pipe", "setsid", "rec", "old+s") if m in MODES]
out.append("Ratios: the median of the %d per-round ratios (each round's runs are back to back), "
           "in brackets their quartiles (half the rounds fall inside).\n" % runs)
out.append("| workload | **rec+s / bare CPU** | rec+s / bare CPU, ratio of medians | %s"
           "bare / raw CPU | recorder's share of rec+s CPU | recorder CPU per line | lines lost | "
           "load average (before, after) |" % "".join("rec+s / %s CPU | " % m for m in others))
out.append("| --- | ---: | ---: | %s---: | ---: | ---: | ---: | --- |" % ("---: | " * len(others)))
for name, _, _ in work:
    c = {m: med(name, m, 1) for m in MODES}
    share = statistics.median(x[2] / x[1] * 100 for x in res[(name, "rec+s")])
    per_line = statistics.median(x[2] / x[3] * 1e6 for x in res[(name, "rec+s")] if x[3])
    # lost: against strace -o FILE in the same pty session ("rec"):
    # outside a pty the program's own syscalls differ (isatty, ...)
    if "rec" not in MODES:
        lost_s = "- (needs mode rec)"
    elif name == "statloop":
        # deterministic: every run must give the same count in both
        counts = {x[3] for m in ("rec", "rec+s") for x in res[(name, m)]}
        lost_s = "0 (every run: %s lines)" % counts.pop() if len(counts) == 1 \
            else "COUNTS DIFFER: %s" % sorted(counts)
    else:
        d = med(name, "rec+s", 3) - med(name, "rec", 3)
        lost_s = "n/a (%+d lines vs rec, medians: counts vary with timing)" % d
    out.append("| %s | **%s** | %.2fx | %s%s | %.1f%% | %.2f us | %s | %s, %s |" % (
        name, pairs(name, "rec+s", "bare"), c["rec+s"] / c["bare"],
        "".join("%s | " % pairs(name, "rec+s", m) for m in others),
        "%.2fx" % (c["bare"] / c["raw"]) if c.get("raw") else "-",
        share, per_line, lost_s, load[name][0], load[name][1]))
out.append("")
if old:
    out.append("A/B of two builds: recorder CPU, rec+s / old+s (medians): %s.\n" % (
        ", ".join("%s %.3f s / %.3f s" % (n, med(n, "rec+s", 2), med(n, "old+s", 2)) for n, _, _ in work)))
verdict = []
for name, _, _ in work:
    m = statistics.median(x[1] / y[1] for x, y in zip(res[(name, "rec+s")], res[(name, "bare")]))
    verdict.append("%s %.2fx: %s" % (name, m, "met" if m <= 1.10 else "NOT met"))
out.append("Goal (issue 4, kept by issue 12): rec+s at most 1.10x the CPU of bare strace "
           "(median of the round ratios), on both workloads; no line lost. This run: %s.\n"
           % "; ".join(verdict))
with open(doc, "w") as f:
    f.write("\n".join(out) + "\n")
print("\n".join(out))
EOF
