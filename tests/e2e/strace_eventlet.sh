#!/bin/bash
# samples/eventlet-wsgi: the two checked-in recordings, and a fresh one made
# by its record.sh, show eventlet's hub in their syscalls: epoll_wait with
# EVENTLET_HUB=epolls; poll and no epoll_wait/epoll_ctl with EVENTLET_HUB=poll.
. "$(dirname "$0")/lib.sh"
need strace
need python3
S=$TC_ROOT/samples/eventlet-wsgi

check() { # DIR: both recordings in DIR
	python3 - "$1" <<'PY'
import gzip, json, re, sys
d = sys.argv[1]
errs = []
for hub in ("epolls", "poll"):
    path = "%s/%s.cast.gz" % (d, hub)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    hdr = json.loads(lines[0])
    ev = [json.loads(l) for l in lines[1:] if l.strip()]
    s = [e[2] for e in ev if e[1] == "s"]
    out = "".join(e[2] for e in ev if e[1] == "o")
    def n(rx):
        return sum(1 for x in s if re.search(rx, x))
    ep = n(r"^\d+ +(epoll_wait\(|<\.\.\. epoll_wait resumed>)")
    # (epoll_create1 is there with any hub: Python's selectors module
    # creates an epoll at import to see that it works)
    epany = n(r"^\d+ +(<\.\.\. )?epoll_(wait|ctl|pwait)")
    po = n(r"^\d+ +(poll\(|<\.\.\. poll resumed>)")
    where = "%s: " % path
    if hdr.get("env", {}).get("EVENTLET_HUB") != hub:
        errs.append(where + "header env EVENTLET_HUB is not %s" % hub)
    if "server: hub eventlet.hubs.%s" % hub not in out:
        errs.append(where + "the server did not report the %s hub" % hub)
    if not re.search(r"client: \d+ responses", out):
        errs.append(where + "the client did not finish")
    if hub == "epolls" and ep == 0:
        errs.append(where + "no epoll_wait")
    if hub == "poll" and (po == 0 or epany):
        errs.append(where + "poll=%d epoll_*=%d (want poll > 0, no epoll_wait/ctl)" % (po, epany))
    t = [e[0] for e in ev]
    if any(t[i] < t[i - 1] for i in range(1, len(t))):
        errs.append(where + "times decrease")
    print("%s: %d s lines, epoll_wait %d, poll %d" % (path, len(s), ep, po))
for e in errs:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

check "$S" || fail "the checked-in recordings"
/usr/bin/python3 -c 'import eventlet' 2>/dev/null ||
	skip "Debian's python3-eventlet is not installed (make deps): fresh recording not made"
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
REQUESTS=3 TRACECAST=$TRACECAST "$S/record.sh" "$TC_TMP" || fail "record.sh failed"
check "$TC_TMP" || fail "the fresh recordings"
