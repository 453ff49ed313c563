#!/bin/sh
# Run every cmocka unit-test binary given; print one closing line.
pass=0; fail=0; failed=""
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
[ -n "$failed" ] && echo "unit: failed:$failed"
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
