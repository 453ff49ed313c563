#!/bin/bash
# HTML export benchmark: `tracecast export --format html` time and page
# size, and the page's load time in Debian's chromium (navigation to
# tracecast.ready, then a seek to the middle), for the eventlet sample and
# a generated recording of 1,000,000 syscall lines (bench/gen_cast.c
# strace). RUNS (default 3) runs each, medians. Writes
# docs/bench/export_html.md. Run by `make bench`, or alone:
#   make bench BENCH_ONLY=export_html
set -u
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/build/tracecast}" "${BENCHBIN:=$PWD/build/bench}"
RUNS=${RUNS:-3}
OUT=bench/out
DOC=docs/bench/export_html.md
mkdir -p "$OUT" docs/bench
for b in "$TRACECAST" "$BENCHBIN/gen_cast" /usr/bin/time; do
	[ -x "$b" ] || { echo "bench/export_html.sh: $b missing (run through make bench)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/tracecast-bench-html.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

stamp=$(md5sum < bench/gen_cast.c | cut -c1-16)
if [ "$(cat "$OUT/.strace1m-stamp" 2>/dev/null)" != "$stamp" ] || ! [ -s "$OUT/strace1m.cast.gz" ]; then
	"$BENCHBIN/gen_cast" strace "$OUT/strace1m.cast.gz" 1000000 >/dev/null ||
		{ echo "bench/export_html.sh: gen_cast failed" >&2; exit 1; }
	echo "$stamp" > "$OUT/.strace1m-stamp"
fi
sample=$(ls samples/eventlet-wsgi/*.cast.gz | head -n 1)
printf '{"version":2,"width":80,"height":24}\n[0.1,"o","x"]\n' > "$tmp/tiny.cast"
"$TRACECAST" export "$tmp/tiny.cast" --format html -o "$tmp/tiny.html" 2>/dev/null || exit 1
viewer=$(stat -c %s "$tmp/tiny.html")

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rows=""
phases=""
for f in "$sample" "$OUT/strace1m.cast.gz"; do
	name=$(basename "$f")
	page=$tmp/$name.html
	: > "$tmp/t"; : > "$tmp/u"
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/one" "$TRACECAST" export "$f" --format html -o "$page" 2>"$tmp/err" ||
			{ cat "$tmp/err" >&2; exit 1; }
		read -r wall user sys rss < "$tmp/one"
		echo "$wall" >> "$tmp/t"
		echo "$user $sys" | awk '{ printf "%.2f\n", $1 + $2 }' >> "$tmp/u"
		echo "$rss" > "$tmp/rss"
	done
	wall=$(median < "$tmp/t"); cpu=$(median < "$tmp/u"); rss=$(cat "$tmp/rss")
	gz=$(stat -c %s "$f"); size=$(stat -c %s "$page")
	node bench/html_load.mjs "$page" "$RUNS" > "$tmp/load" 2> "$tmp/phases" || { cat "$tmp/phases" >&2; exit 1; }
	phases="$phases- \`$name\`: $(tail -n 1 "$tmp/phases" | sed 's/^html_load: //')"$'\n'
	ready=$(awk '{ print $1 }' "$tmp/load" | median); seek=$(awk '{ print $2 }' "$tmp/load" | median)
	rcpu=$(awk '{ print $3 }' "$tmp/load" | median)
	nsys=$(grep -o '[0-9]* syscalls' "$tmp/err" | cut -d' ' -f1)
	ratio=$(awk -v s="$size" -v v="$viewer" -v g="$gz" 'BEGIN { printf "%.2f", (s - v) / g }')
	rows="$rows| \`$name\` | $nsys | $gz | $size | **${ratio}x** | $cpu s CPU ($wall s wall), $((rss / 1024)) MB | $ready ms | $rcpu ms | $seek ms |"$'\n'
done
{
	echo "## HTML export (\`tracecast export FILE --format html\`)"
	echo
	echo "\`make bench BENCH_ONLY=export_html\` (bench/export_html.sh; RUNS=$RUNS, medians;"
	echo "load time: bench/html_load.mjs, headless Debian chromium via playwright-core,"
	echo "from navigation to \`tracecast.ready\`, then \`tracecast.seek(duration/2)\`;"
	echo "renderer CPU: the page's renderer process CPU time until ready, from DevTools'"
	echo "Performance.getMetrics ProcessTime, which the machine's load does not stretch)."
	echo "Load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (the"
	echo "machine is shared: wall times stretch with it; the export's CPU time does not)."
	echo "The fixed viewer (asciinema-player, its licence, tracecast's viewer) is"
	echo "$viewer bytes; \"data / .cast.gz\" is (page - viewer) / .cast.gz, bound 1.4x."
	echo "\`strace1m\` is \`gen_cast strace\`: 1,000,000 syscall lines, 5,005 output"
	echo "lines, 1,001 /proc samples."
	echo
	echo "| recording | syscalls | .cast.gz bytes | page bytes | data / .cast.gz | export | page ready (wall) | renderer CPU to ready | seek |"
	echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
	printf '%s' "$rows"
	echo
	echo "Where the load time goes (last run; ms since navigation: start = the"
	echo "viewer's script runs, inflated = DecompressionStream done, parsed = JSON,"
	echo "panels built, player loaded, ready):"
	echo
	printf '%s' "$phases"
	echo
	echo "Load time grows with the size of the page, so \`export\` warns above $(( $(sed -n 's/^#define EXPORT_HTML_WARN_BYTES (\([0-9]*\)u.*/\1/p' report/export_html.h) )) MiB"
	echo "(EXPORT_HTML_WARN_BYTES) and says how to cut with --from/--to or"
	echo "--between-markers."
} > "$DOC"
cat "$DOC"
