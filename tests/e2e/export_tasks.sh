#!/bin/bash
# Which process a thread's events belong to, in the chrome export and in
# stats --by pid, when the recording does not say it in order: a child's
# first calls end before its parent's clone returns (each line is stamped
# at its end), and a window starts after the clone. Every event of a thread
# carries one pid (speedscope and Perfetto show one track per pid/tid).
. "$(dirname "$0")/lib.sh"
F=$TC_ROOT/tests/fixtures/report/child_first.cast
pids() { # FILE.json -> "tid:pid,pid ..." for the syscall events
	python3 -c "
import json, sys
tr = json.load(open(sys.argv[1]))
m = {}
for e in tr:
    if e.get('cat', '').startswith('syscall'):
        m.setdefault(e['tid'], set()).add(e['pid'])
print(' '.join('%d:%s' % (t, ','.join(map(str, sorted(p)))) for t, p in sorted(m.items())))
names = {e['pid']: e['args']['name'] for e in tr if e['ph'] == 'M' and e['name'] == 'process_name'}
print(' '.join('%d=%s' % kv for kv in sorted(names.items())))" "$1"
}
"$TRACECAST" export "$F" --format chrome -o "$TC_TMP/all.json" || fail "export failed"
got=$(pids "$TC_TMP/all.json")
[ "$(echo "$got" | head -1)" = "100:100 101:100 102:102" ] ||
	fail "chrome: the thread 101 and the process 102 each under one pid (their first calls end before the clone returns): $got"
[ "$(echo "$got" | tail -1)" = "0=terminal 100=server 102=helper" ] || fail "chrome: process names: $got"
# a window after the clones: the threads keep their process, the names
# come from the samples and the exec before it
"$TRACECAST" export "$F" --format chrome --from 0.55 -o "$TC_TMP/win.json" || fail "export --from failed"
got=$(pids "$TC_TMP/win.json")
[ "$(echo "$got" | head -1)" = "101:100 102:102" ] || fail "chrome --from 0.55: $got"
[ "$(echo "$got" | tail -1)" = "0=terminal 100=server 102=helper" ] || fail "chrome --from 0.55: process names: $got"
# the same file through a pipe (one pass): still one pid per thread for a window
cat "$F" | "$TRACECAST" export - --format chrome --from 0.55 -o "$TC_TMP/pipe.json" || fail "export from a pipe failed"
[ "$(pids "$TC_TMP/pipe.json" | head -1)" = "101:100 102:102" ] || fail "chrome from a pipe --from 0.55: $(pids "$TC_TMP/pipe.json")"
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
got=$("$TRACECAST" stats --json --by pid --from 0.55 "$F" | j '" ".join("%d=%s" % (g["pid"], g["comm"]) for g in sorted(d["groups"], key=lambda g: g["pid"]))')
[ "$got" = "100=server 102=helper" ] || fail "stats --by pid --from 0.55: $got"
echo "threads under their process in chrome and stats, windows and child-first lines: ok"
