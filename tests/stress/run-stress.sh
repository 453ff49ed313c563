#!/bin/bash
# `make stress`: the recorder in hostile environments (issue 11), each
# scenario bounded (STRESS_SECONDS, default 300, for the whole run).
# TRACECAST (the binary under test) and PROGS come from make. Exit 0 when
# every scenario passed. STRESS_ONLY=name runs one.
cd "$(dirname "$0")/../.." || exit 1
: "${TRACECAST:=$PWD/tracecast}" "${PROGS:=$PWD/build/progs}"
export TRACECAST PROGS
budget=${STRESS_SECONDS:-300}
pass=0; fail=0; failed=""
start_all=$SECONDS
for t in tests/stress/stress_*.py; do
	name=$(basename "$t" .py)
	[ -n "${STRESS_ONLY:-}" ] && case "$name" in *$STRESS_ONLY*) ;; *) continue ;; esac
	left=$(( budget - (SECONDS - start_all) ))
	if [ "$left" -le 10 ]; then
		echo "FAIL $name: no time left of the ${budget}s budget"
		fail=$((fail + 1)); failed="$failed $name"; continue
	fi
	log=$(mktemp)
	s=$SECONDS
	timeout -k 5 "$left" python3 "$t" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $name ($((SECONDS - s))s)"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL $name (exit $rc, $((SECONDS - s))s)"; sed 's/^/    /' "$log" | tail -n 30
	fi
	rm -f "$log"
done
[ -n "$failed" ] && echo "stress: failed:$failed"
echo "stress: $pass passed, $fail failed ($((SECONDS - start_all))s)"
[ "$fail" -eq 0 ]
