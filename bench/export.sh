#!/bin/bash
# export/stats benchmark: memory does not grow with the recording. A
# recording of N (default 3,000,000) syscalls made by `bench/gen_cast
# syscalls` (8 threads, py stack samples every 50 calls, proc samples every
# 1000, output every 200, markers), and one a tenth of its size; per
# format, peak RSS (GNU time %M) and CPU time of
#   tracecast export FILE --format F > /dev/null
#   tracecast stats FILE --top 20 --errors > /dev/null
# and, as the floor of reading the file, `tracecast cat FILE > /dev/null`.
# Medians of RUNS (default 3) runs. Goal: peak RSS under 64 MB for every
# export at 3,000,000 syscalls, and about the same at a tenth of the size.
# Writes docs/bench/export.md. Alone: make bench BENCH_ONLY=export
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}"
RUNS=${RUNS:-3} N=${N:-3000000}
DOC=docs/bench/export.md
for b in "$TRACECAST" "$BENCHBIN/gen_cast"; do
	[ -x "$b" ] || { echo "bench/export.sh: $b missing (run through make bench)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/export.sh: GNU time missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/tracecast-bench-export.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$BENCHBIN/gen_cast" syscalls "$tmp/big.cast" "$N" > /dev/null || exit 1
"$BENCHBIN/gen_cast" syscalls "$tmp/small.cast" "$((N / 10))" > /dev/null || exit 1
mkdir -p docs/bench
python3 - "$TRACECAST" "$tmp" "$RUNS" "$N" "$DOC" <<'PY'
import os, statistics, subprocess, sys
tc, tmp, runs, n, doc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
cmds = [("cat (floor)", ["cat"])] + [("export " + f, ["export", "--format", f])
        for f in ("folded", "callgrind", "speedscope", "chrome", "strace")] + \
       [("stats", ["stats", "--top", "20", "--errors"])]
def run(args, path):
    tf = os.path.join(tmp, "time")
    with open(os.devnull, "w") as null:
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S %e", "-o", tf, tc, args[0], path] + args[1:],
                           stdout=null, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("bench/export.sh: %s failed: %s" % (args, p.stderr.decode()))
    m, u, s, e = open(tf).read().split()[-4:]
    return int(m) / 1024.0, float(u) + float(s), float(e)
res = {}
for size in ("small", "big"):
    path = os.path.join(tmp, size + ".cast")
    for r in range(runs):
        for name, args in cmds:  # interleaved
            res.setdefault((size, name), []).append(run(args, path))
sz = {s: os.path.getsize(os.path.join(tmp, s + ".cast")) for s in ("small", "big")}
out = ["## Export and stats: memory does not grow with the recording (bench/export.sh)", "",
       "Recordings made by `bench/gen_cast syscalls FILE N`: %s syscalls (%s bytes) and %s "
       "(%s bytes), with py stack samples every 50 calls (64 distinct stacks), proc samples "
       "every 1000, output every 200 and a marker every 100,000. Command per row: "
       "`tracecast export FILE --format F > /dev/null`, `tracecast stats FILE --top 20 --errors "
       "> /dev/null`, and `tracecast cat FILE > /dev/null` as the floor of reading the file. "
       "Medians of %d interleaved runs (GNU time); CPU is user + sys. Made by "
       "`make bench BENCH_ONLY=export`." % (format(n // 10, ","), format(sz["small"], ","),
                                            format(n, ","), format(sz["big"], ","), runs), "",
       "| command | peak RSS, %s calls | peak RSS, %s calls | ratio | CPU s, %s calls | CPU vs cat | goal (< 64 MB at %s) |"
       % (format(n // 10, ","), format(n, ","), format(n, ","), format(n, ",")),
       "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
floor = statistics.median(c for _, c, _ in res[("big", "cat (floor)")])
worst = 0
for name, _ in cmds:
    s = statistics.median(m for m, _, _ in res[("small", name)])
    b = max(m for m, _, _ in res[("big", name)])
    c = statistics.median(c for _, c, _ in res[("big", name)])
    if name != "cat (floor)":
        worst = max(worst, b)
    out.append("| `%s` | %.1f MB | %.1f MB | %.2fx | %.2f | %.1fx | %s |" % (
        name, s, b, b / s, c, c / floor if floor else 0,
        "-" if name == "cat (floor)" else ("met" if b < 64 else "**not met**")))
out += ["", "Peak RSS is the largest of the runs at the big size; ratio = big / small: "
        "1.0x means memory does not grow with the recording.", ""]
open(doc, "w").write("\n".join(out))
print("\n".join(out))
sys.exit(0 if worst < 64 else 1)
PY
