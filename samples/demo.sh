#!/bin/bash
# samples/demo.sh (make demo): record samples/session.sh headless into a
# recording, with --strace --profile when this build has them, and print
# `tracecast info` of it. The recording's path is $DEMO_CAST (default
# /tmp/tracecast-demo/demo.cast); later steps (replay) use the same file.
set -eu
cd "$(dirname "$0")/.."
TC=${TRACECAST:-}
[ -n "$TC" ] || for c in ./tracecast build/tracecast; do [ -x "$c" ] && { TC=$PWD/${c#./}; break; }; done
[ -n "$TC" ] || { echo "demo: no tracecast binary (run make first)" >&2; exit 1; }
DEMO_CAST=${DEMO_CAST:-/tmp/tracecast-demo/demo.cast}
mkdir -p "$(dirname "$DEMO_CAST")"
export TRACECAST_BIN=$TC

# Use the syscall and profile sources when this build has them.
extra=()
probe=$(mktemp -d /tmp/tracecast-demo-probe.XXXXXX)
if "$TC" rec -q --strace --profile "$probe/p.cast" -- true </dev/null >/dev/null 2>"$probe/err"; then
	extra=(--strace --profile)
else
	echo "demo: recording without --strace --profile: $(head -n 1 "$probe/err")"
fi
rm -rf "$probe"

echo "demo: tracecast rec ${extra[*]} --headless --overwrite $DEMO_CAST -- samples/session.sh"
"$TC" rec "${extra[@]}" --headless --overwrite -t "tracecast demo" "$DEMO_CAST" -- samples/session.sh </dev/null
echo
"$TC" info "$DEMO_CAST"
echo
echo "demo: recorded $DEMO_CAST (asciinema play $DEMO_CAST plays it too)"

# Replay: in a terminal, play it at double speed, quitting at the end;
# elsewhere print the frames a 128x30 viewer sees at each marker and at the end.
if [ -t 1 ] && [ -t 0 ]; then
	echo "demo: tracecast play --speed 2 --quit-at-end $DEMO_CAST"
	"$TC" play --speed 2 --quit-at-end "$DEMO_CAST"
else
	at=$(python3 -c 'import json, sys
print("".join("%.6f," % e[0] for e in map(json.loads, open(sys.argv[1]).read().splitlines()[1:]) if e[1] == "m"))' "$DEMO_CAST")
	echo "demo: not a terminal: tracecast dump --overlay --size 128x30 --at ${at}end $DEMO_CAST"
	"$TC" dump --overlay --size 128x30 --at "${at}end" "$DEMO_CAST"
fi
