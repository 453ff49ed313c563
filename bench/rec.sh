#!/bin/bash
# bench/rec.sh: the recorder against the physical limit (bench/relay.c, a
# minimal forkpty relay) and its peers, on the same workloads in one run:
#   (a) cat of 100 MB of mixed text (tests/progs/rec_gen)
#   (b) a million 16-byte lines, one write() each (tests/progs/rec_lines)
# Tools: relay, tracecast rec --headless, asciinema rec, script, termrec.
# Each figure is the median of RUNS runs (default 3). Writes docs/bench/rec.md.
# Environment (from make bench): TRACECAST, BENCHBIN, PROGS.
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}" "${PROGS:=$PWD/build/progs}"
RUNS=${RUNS:-3}
SIZE=${REC_BENCH_BYTES:-100000000}
LINES=${REC_BENCH_LINES:-1000000}
OUT=docs/bench/rec.md
W=$(mktemp -d /tmp/tracecast-bench-rec.XXXXXX)
trap 'rm -rf "$W"' EXIT
for x in "$TRACECAST" "$BENCHBIN/relay" "$PROGS/rec_gen" "$PROGS/rec_lines"; do
	[ -x "$x" ] || { echo "bench/rec.sh: $x missing (make bench builds it)"; exit 1; }
done
"$PROGS/rec_gen" "$SIZE" 5 > "$W/data.txt"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
NL=$(tr -cd '\n' < "$W/data.txt" | wc -c)

# run TOOL WORKLOAD: one recording; appends "wall cpu rss_kb bytes" to $W/TOOL.WORKLOAD
run() {
	local tool=$1 wl=$2 cmd out="$W/out.$1" t="$W/time"
	case $wl in
	a) cmd="cat $W/data.txt" ;;
	b) cmd="$PROGS/rec_lines $LINES" ;;
	esac
	rm -f "$out" "$t"
	case $tool in
	relay)     /usr/bin/time -o "$t" -f "%e %U %S %M" "$BENCHBIN/relay" "$out" $cmd </dev/null >/dev/null ;;
	tracecast) /usr/bin/time -o "$t" -f "%e %U %S %M" "$TRACECAST" rec -q --headless "$out" -- $cmd </dev/null >/dev/null ;;
	script)    /usr/bin/time -o "$t" -f "%e %U %S %M" script -qc "$cmd" "$out" </dev/null >/dev/null ;;
	# asciinema and termrec need a terminal: run them under script, timing
	# only their own process tree.
	asciinema) script -qec "/usr/bin/time -o $t -f '%e %U %S %M' asciinema rec -q -c '$cmd' $out" /dev/null </dev/null >/dev/null ;;
	termrec)   script -qec "/usr/bin/time -o $t -f '%e %U %S %M' termrec -e '$cmd' $out" /dev/null </dev/null >/dev/null ;;
	esac
	[ -s "$t" ] || { echo "0 0 0 0" >> "$W/$tool.$wl"; return; }
	read -r e u s m < <(tail -n 1 "$t")
	echo "$e $(echo "$u + $s" | bc) $m $(stat -c %s "$out" 2>/dev/null || echo 0)" >> "$W/$tool.$wl"
	[ "$tool.$wl" = tracecast.a ] && cp "$out" "$W/tracecast-a.cast"
	[ "$tool.$wl" = asciinema.a ] && cp "$out" "$W/asciinema-a.cast"
	return 0
}

tools="relay tracecast asciinema script termrec"
for t in $tools; do command -v "$t" >/dev/null 2>&1 || [ "$t" = relay ] || [ "$t" = tracecast ] || echo "bench/rec.sh: $t not installed, skipped"; done
for i in $(seq "$RUNS"); do
	for wl in a b; do
		for t in $tools; do
			{ [ "$t" = relay ] || [ "$t" = tracecast ] || command -v "$t" >/dev/null 2>&1; } && run "$t" "$wl"
		done
	done
done

# median COLUMN FILE
median() { awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
payload_a=$((SIZE + NL))   # bytes the pty delivers (ONLCR adds \r per \n)
payload_b=$((LINES * 17))

# Bytes of decoded "o" payload in a cast file.
decoded() {
	python3 -c '
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    next(f)
    for line in f:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e[1] == "o":
            n += len(e[2].encode())
print(n)' "$1"
}
tc_dec=$(decoded "$W/tracecast-a.cast")
exact=no
python3 - "$W/tracecast-a.cast" "$W/data.txt" <<'PY' && exact=yes
import json, sys
got = []
with open(sys.argv[1], "rb") as f:
    next(f)
    for line in f:
        e = json.loads(line)
        if e[1] == "o":
            got.append(e[2])
want = open(sys.argv[2], "rb").read().replace(b"\n", b"\r\n")
sys.exit(0 if "".join(got).encode() == want else 1)
PY
as_dec=NA
[ -f "$W/asciinema-a.cast" ] && as_dec=$(decoded "$W/asciinema-a.cast")

{
	echo "## Recorder: tracecast rec vs the raw relay and its peers"
	echo
	echo "Workloads: (a) \`cat\` of $((SIZE / 1000000)) MB of mixed text (\`rec_gen $SIZE 5\`: ASCII words,"
	echo "UTF-8 letters, newlines), (b) $LINES lines of 16 bytes, one \`write()\` each (\`rec_lines $LINES\`)."
	echo "Median of $RUNS runs each, all in one run of \`bench/rec.sh\` ($(date -u +%F), $(nproc) cores;"
	echo "load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end: other work shares the machine)."
	echo "CPU = user + system seconds of the recorder and the command (\`/usr/bin/time\`,"
	echo "children included); RSS = peak resident set of the largest process of the tree;"
	echo "bytes/byte = file size per byte the pty delivered."
	echo
	echo "| workload | tool | wall s | MB/s | CPU s | peak RSS MiB | bytes/byte | wall / relay | CPU / relay |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for wl in a b; do
		pay=$payload_a; [ $wl = b ] && pay=$payload_b
		rw=$(median 1 "$W/relay.$wl"); rc=$(median 2 "$W/relay.$wl")
		for t in $tools; do
			[ -f "$W/$t.$wl" ] || continue
			w=$(median 1 "$W/$t.$wl"); c=$(median 2 "$W/$t.$wl"); m=$(median 3 "$W/$t.$wl"); b=$(median 4 "$W/$t.$wl")
			awk -v wl="$wl" -v t="$t" -v w="$w" -v c="$c" -v m="$m" -v b="$b" -v p="$pay" -v rw="$rw" -v rc="$rc" 'BEGIN {
				printf "| (%s) | %s | %.2f | %.1f | %.2f | %.1f | %.2f | %.2fx | %.2fx |\n",
				wl, t, w, (w > 0 ? p / w / 1e6 : 0), c, m / 1024, b / p, (rw > 0 ? w / rw : 0), (rc > 0 ? c / rc : 0) }'
		done
	done
	echo
	echo "Goals for \`tracecast rec\`: wall <= 1.15x and CPU <= 1.3x the relay's on (a) and (b),"
	echo "peak RSS < 8 MiB."
	echo
	echo "**No byte lost at exit** (workload (a), last run): the pty delivered $payload_a bytes;"
	echo "tracecast's recording decodes to $tc_dec bytes (byte-for-byte identical to the input"
	echo "after ONLCR: $exact); asciinema 2.2's to $as_dec bytes."
	echo
	echo "Commands (DATA = the rec_gen file, OUT = the recording):"
	echo
	echo '```text'
	echo "relay:     /usr/bin/time -f '%e %U %S %M' \$BENCHBIN/relay OUT cat DATA </dev/null >/dev/null"
	echo "tracecast: /usr/bin/time -f '%e %U %S %M' tracecast rec -q --headless OUT -- cat DATA </dev/null >/dev/null"
	echo "script:    /usr/bin/time -f '%e %U %S %M' script -qc 'cat DATA' OUT </dev/null >/dev/null"
	echo "asciinema: script -qec \"/usr/bin/time -f '%e %U %S %M' asciinema rec -q -c 'cat DATA' OUT\" /dev/null"
	echo "termrec:   script -qec \"/usr/bin/time -f '%e %U %S %M' termrec -e 'cat DATA' OUT\" /dev/null"
	echo "(b): the same with \$PROGS/rec_lines $LINES instead of cat DATA"
	echo '```'
	echo
	echo "asciinema and termrec need a terminal, so they run under \`script\`; only their own"
	echo "process tree is timed, but the outer \`script\` relaying their terminal output"
	echo "shares the machine's 2 cores with them."
} > "$OUT"
cat "$OUT"
