#!/bin/sh
# Record samples/stats/demo.cast, the recording docs/usage-stats.md and
# docs/usage-export.md show (and tests/e2e/docs_examples.py runs): demo.py
# under --strace (a few syscalls, to keep the file small) and the proc and
# python profilers. TRACECAST: the binary (default ../../tracecast).
set -eu
cd "$(dirname "$0")"
TRACECAST=${TRACECAST:-$(cd ../.. && pwd)/tracecast}
TRACECAST_PYTHONPATH=$(cd ../.. && pwd)/recorder/python
export TRACECAST_PYTHONPATH
env -u TRACECAST "$TRACECAST" rec -q --headless --overwrite \
	--strace='-e trace=openat,clock_nanosleep,wait4,clone,clone3,execve,exit_group' \
	--profile=proc,python demo.cast -- /usr/bin/python3 demo.py < /dev/null
