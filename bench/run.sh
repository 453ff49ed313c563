#!/bin/bash
# make bench: run every bench/*.sh (each writes docs/bench/NAME.md), then
# gather the sections into docs/BENCHMARKS.md.
set -u
cd "$(dirname "$0")/.." || exit 1
mkdir -p docs/bench bench/out
only=${BENCH_ONLY:-}
rc=0
for b in bench/*.sh; do
	case "$(basename "$b")" in run.sh) continue ;; esac
	[ -n "$only" ] && case "$b" in *$only*) ;; *) continue ;; esac
	echo "bench: $b"
	bash "$b" || { echo "bench: $b failed"; rc=1; }
done
{
	echo "# tracecast benchmarks"
	echo
	echo "Produced by \`make bench\` (bench/run.sh runs each bench/*.sh; each section"
	echo "names the commands that made its figures). Machine: $(nproc) cores, shared and"
	echo "noisy, so figures are ratios measured in one run, medians of several runs."
	echo
	for f in docs/bench/*.md; do [ -f "$f" ] && { cat "$f"; echo; }; done
} > docs/BENCHMARKS.md
exit $rc
