#!/bin/bash
# Run every end-to-end test (tests/e2e/*.sh, *.py): exit 0 pass, 77 skip
# (the test says why on stderr), anything else fails. One closing line.
# TRACECAST (the binary) and PROGS (helper programs) come from make.
cd "$(dirname "$0")/.." || exit 1
: "${TRACECAST:=$PWD/tracecast}" "${PROGS:=$PWD/build/progs}"
export TRACECAST PROGS
export TC_ROOT=$PWD TC_CORPUS=${TC_CORPUS:-$PWD/tests/corpus}
pass=0; fail=0; skip=0; failed=""
only=${E2E_ONLY:-}
for t in tests/e2e/*.sh tests/e2e/*.py tests/e2e/*.mjs; do
	[ -f "$t" ] || continue
	case "$(basename "$t")" in lib*) continue ;; esac
	[ -n "$only" ] && case "$t" in *$only*) ;; *) continue ;; esac
	log=$(mktemp)
	start=${EPOCHREALTIME/./}
	case "$t" in
	*.py) python3 "$t" >"$log" 2>&1 ;;
	*.mjs) node "$t" >"$log" 2>&1 ;;
	*) bash "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	end=${EPOCHREALTIME/./}; secs=$(( (end - start) / 100000 )); secs="$((secs / 10)).$((secs % 10))"
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $t (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $t: $(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed="$failed $t"; echo "FAIL $t (exit $rc, ${secs}s)"; sed 's/^/    /' "$log" | tail -n 40 ;;
	esac
	rm -f "$log"
done
[ -n "$failed" ] && echo "e2e: failed:$failed"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
