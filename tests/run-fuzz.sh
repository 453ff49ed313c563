#!/bin/sh
# Run each libFuzzer target for SECONDS, seeded from the corpus, the seeds
# and the hostile fixtures. Everything it writes (new corpus, crash files,
# logs) goes into build-fuzz/. SECONDS 0 (make fuzz-check): each target
# runs every seed once and stops, a regression check that cannot time out
# on a loaded machine (60 s per input).
secs=$1; shift
if [ "$secs" = 0 ]; then limit="-runs=0 -timeout=60"; else limit="-max_total_time=$secs -timeout=10"; fi
root=$(cd "$(dirname "$0")/.." && pwd)
rc=0
for f in "$@"; do
	name=$(basename "$f")
	work="$root/build-fuzz/corpus-$name"
	mkdir -p "$work"
	seeds="$root/tests/fuzz/seeds"
	if [ "$secs" = 0 ]; then echo "fuzz: $name over the seeds"; else echo "fuzz: $name for ${secs}s"; fi
	# crash files and new inputs go into build-fuzz/, never the repository
	"$f" $limit -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$root/build-fuzz/$name-" \
		"$work" "$root/tests/corpus" "$seeds" "$root/tests/fixtures/hostile" >"$work.log" 2>&1
	st=$?
	# A sanitizer report is a failure even if the process exited 0
	# (UBSan "runtime error", ASan/libFuzzer "ERROR: ...").
	if [ $st -ne 0 ] || grep -qE 'runtime error|ERROR: ' "$work.log"; then
		rc=1
		echo "fuzz: $name FAILED (exit $st); log: $work.log"
		tail -n 60 "$work.log"
	fi
	grep -E 'stat::number_of_executed_units|Done' "$work.log" | head -n 2
done
exit $rc
