#!/bin/bash
# Run every cmocka unit-test binary given; print one closing line. A binary
# whose tests were skipped (cmocka "[  SKIPPED ]") is counted as skipped and
# its reason shown, never silently as passed.
pass=0; fail=0; skip=0; failed=""
for t in "$@"; do
	log=$(mktemp)
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ $rc -ne 0 ]; then
		fail=$((fail + 1)); failed="$failed $(basename "$t")"
	elif grep -q '^\[  SKIPPED \]' "$log"; then
		skip=$((skip + 1)); echo "unit: $(basename "$t") skipped:" $(grep '^\[  SKIPPED \] [a-z]' "$log" | sed 's/^\[  SKIPPED \] //')
	else
		pass=$((pass + 1))
	fi
	rm -f "$log"
done
[ -n "$failed" ] && echo "unit: failed:$failed"
echo "unit: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
