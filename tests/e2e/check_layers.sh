#!/bin/bash
# make check-layers must fail on a call and on an include across layers
# (the player calling the recorder's reorder window, as play_ctl.c once
# called recorder/term.c), and pass on the tree as it is.
. "$(dirname "$0")/lib.sh"
root=$TC_ROOT
build=$(dirname "$(dirname "$TRACECAST")")/$(basename "$(dirname "$TRACECAST")")
[ -f "$build/libplayer.a" ] || fail "no $build/libplayer.a (run through make check)"

"$root/tests/check-layers.sh" "$root" "$build" >"$TC_TMP/ok.out" 2>&1 ||
	fail "check-layers fails on the tree: $(cat "$TC_TMP/ok.out")"

# 1. A call: a player object that calls reorder_new() (recorder).
mkdir -p "$TC_TMP/b"
cp "$build"/lib*.a "$TC_TMP/b/"
cat >"$TC_TMP/bad_call.c" <<'C'
#include "recorder/reorder.h"
void *play_bad_edge(void);
void *play_bad_edge(void) { return (void *)reorder_new; }
C
cc -I"$root" -I"$root/include" $(pkg-config --cflags jansson) -c -o "$TC_TMP/bad_call.o" "$TC_TMP/bad_call.c" || fail "cannot compile the bad object"
ar rs "$TC_TMP/b/libplayer.a" "$TC_TMP/bad_call.o" 2>/dev/null
if "$root/tests/check-layers.sh" "$root" "$TC_TMP/b" >"$TC_TMP/call.out" 2>&1; then
	fail "check-layers passed a player -> recorder call"
fi
grep -q "libplayer.a uses reorder_new from librecorder.a" "$TC_TMP/call.out" ||
	fail "check-layers did not name the bad call: $(cat "$TC_TMP/call.out")"

# 2. An include: a copy of the source tree where player/ includes a
#    recorder header, and recorder/ a cli one.
mkdir -p "$TC_TMP/src"
(cd "$root" && cp -r include lib recorder player report cli "$TC_TMP/src/")
sed -i '1i #include "recorder/ctl.h"' "$TC_TMP/src/player/screen.c"
sed -i '1i #include "cli/commands.h"' "$TC_TMP/src/recorder/reorder.c"
if "$root/tests/check-layers.sh" "$TC_TMP/src" "$build" >"$TC_TMP/inc.out" 2>&1; then
	fail "check-layers passed a wrong include"
fi
grep -q 'player/screen.c:1: includes "recorder/ctl.h"' "$TC_TMP/inc.out" || fail "missed player -> recorder include: $(cat "$TC_TMP/inc.out")"
grep -q 'recorder/reorder.c:1: includes "cli/commands.h"' "$TC_TMP/inc.out" || fail "missed recorder -> cli include: $(cat "$TC_TMP/inc.out")"
echo "check-layers: passes the tree, fails a wrong call and two wrong includes"
