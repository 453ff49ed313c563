#!/bin/bash
# Seeking backward gives the screen of sequential playback: for several
# recordings and times, `dump --at end,T` (one player, seeking back from
# the end) prints for T exactly what `dump --at T` (a fresh player going
# forward) prints; and a list visited out of order matches each time alone.
. "$(dirname "$0")/lib.sh"
F=$TC_ROOT/tests/fixtures/player
split_frames() { # FILE PREFIX: one file per frame (frames split by a form-feed line)
	awk -v p="$2" 'BEGIN { n = 0 } /^\f$/ { n++; next } { print > (p n) }' "$1"
}
differs=0
check() { # RECORDING T...
	local rec=$1; shift
	local i=0
	rm -f "$TC_TMP"/alone.*
	for t in "$@"; do
		# (each time alone is dumped once and kept for the list below:
		# under ASan a dump of the large corpus files takes seconds)
		"$TRACECAST" dump --at "end,$t" "$rec" > "$TC_TMP/both" 2>/dev/null || fail "$rec: dump --at end,$t failed"
		"$TRACECAST" dump --at "$t" "$rec" > "$TC_TMP/alone.$i" 2>/dev/null || fail "$rec: dump --at $t failed"
		rm -f "$TC_TMP"/f.*
		split_frames "$TC_TMP/both" "$TC_TMP/f."
		[ -f "$TC_TMP/f.1" ] || fail "$rec: --at end,$t printed one frame"
		cmp -s "$TC_TMP/f.1" "$TC_TMP/alone.$i" || { diff "$TC_TMP/alone.$i" "$TC_TMP/f.1" | head -20; fail "$(basename "$rec"): screen at $t after seeking back from the end differs"; }
		cmp -s "$TC_TMP/f.0" "$TC_TMP/alone.$i" || differs=$((differs + 1))
		i=$((i + 1))
	done
	# several times out of order in one run
	local list
	list=$(IFS=,; echo "$*")
	"$TRACECAST" dump --at "$list" "$rec" > "$TC_TMP/many" 2>/dev/null || fail "$rec: dump --at $list failed"
	rm -f "$TC_TMP"/m.*
	split_frames "$TC_TMP/many" "$TC_TMP/m."
	i=0
	for t in "$@"; do
		cmp -s "$TC_TMP/m.$i" "$TC_TMP/alone.$i" || fail "$(basename "$rec"): frame $i of --at $list differs from --at $t"
		i=$((i + 1))
	done
}
[ -d "$TC_CORPUS" ] || fail "no corpus at $TC_CORPUS (tests/corpus is part of the project)"
check "$TC_CORPUS/asciinema_asciinema-server_welcome.cast" 5 30.5 60 1:30 0
check "$TC_CORPUS/asciinema_agg_demo.cast" 3 10 20.25 33
check "$TC_CORPUS/jdum_asciinema-scene_long.cast.gz" 2 12.5
check "$TC_CORPUS/asciinema_asciinema-player_resizing.cast" 0.5 1 1.5
check "$TC_CORPUS/asciinema_asciinema_demo.json" 1 3 5
check "$F/altscreen.cast" 0.55 1 1.55
check "$F/resize.cast" 0.3 0.7 1.05
check "$F/strace_enoent.cast" 1.5 0.2
[ "$differs" -ge 10 ] || fail "only $differs of the times showed a screen different from the end: the test would not notice a seek that does nothing"
echo "seek: all equal ($differs times differ from the end screen)"
