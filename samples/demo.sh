#!/bin/bash
# samples/demo.sh (make demo): record samples/session.sh (about 10 s: a
# config that is not there, a refused connection, a busy second, a marker
# at each step) headless, with --strace --profile when this build has them,
# print `tracecast info` of it, then replay it: in a terminal at normal
# speed, ending on the last frame with its panels (dump --overlay); without
# a terminal, the `dump --overlay` frames at its markers and at the end.
# The recording's path is $DEMO_CAST (default /tmp/tracecast-demo/demo.cast).
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

# (no automatic markers: the session's own four name its steps)
echo "demo: tracecast rec ${extra[*]} --no-auto-markers --headless --overwrite $DEMO_CAST -- samples/session.sh"
"$TC" rec "${extra[@]}" --no-auto-markers --headless --overwrite -t "tracecast demo" "$DEMO_CAST" \
	-- samples/session.sh </dev/null
echo
"$TC" info "$DEMO_CAST"
echo
echo "demo: recorded $DEMO_CAST (asciinema play $DEMO_CAST plays it too)"

# Replay: in a terminal, play it at normal speed, quitting at the end, and
# leave its last frame (screen, syscall panel, profile strip, timeline) on
# the terminal; elsewhere print the frames a 128x30 viewer sees at each
# marker and at the end.
if [ -t 1 ] && [ -t 0 ]; then
	echo "demo: tracecast play --quit-at-end $DEMO_CAST"
	"$TC" play --quit-at-end "$DEMO_CAST"
	"$TC" dump --overlay --format ansi --at end "$DEMO_CAST"
	echo "demo: that was the end of $DEMO_CAST; tracecast play $DEMO_CAST to explore it"
else
	at=$(python3 -c 'import json, sys
print("".join("%.6f," % e[0] for e in map(json.loads, open(sys.argv[1]).read().splitlines()[1:]) if e[1] == "m"))' "$DEMO_CAST")
	echo "demo: not a terminal: tracecast dump --overlay --size 128x30 --at ${at}end $DEMO_CAST"
	"$TC" dump --overlay --size 128x30 --at "${at}end" "$DEMO_CAST"
fi
