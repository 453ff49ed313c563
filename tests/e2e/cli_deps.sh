#!/bin/bash
# `make -s deps` with everything installed (CI runs the suite after `make
# deps`): prints nothing, exits 0, and never calls apt-get (a fake apt-get
# and sudo first in PATH record any call and fail; dpkg-query is the real
# one). Where a package of DEBS really is missing here, skip (make deps
# would rightly install it).
. "$(dirname "$0")/lib.sh"
ROOT=${TC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
need make
need dpkg-query
fake=$TC_TMP/bin
mkdir -p "$fake"
for t in apt-get apt sudo; do
	# records the call; `update` succeeds (so install is reached), all else fails
	printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n[ "$1" = update ] || [ "$2" = update ]\n' \
		"$t" "$TC_TMP" >"$fake/$t"
	chmod +x "$fake/$t"
done
cd "$ROOT" || fail "cd $ROOT"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES PATH="$fake:$PATH" \
	make -s deps >"$TC_TMP/out" 2>"$TC_TMP/err" </dev/null
rc=$?
if [ -e "$TC_TMP/calls" ]; then
	# apt-get was called: only right if a package is really missing
	debs=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -p -n deps 2>/dev/null |
		sed -n 's/^DEBS := //p' | head -1)
	[ -n "$debs" ] || fail "apt-get called ($(cat "$TC_TMP/calls")) and DEBS not found"
	missing=""
	for p in $debs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || fail "make deps called '$(head -1 "$TC_TMP/calls")' with every package installed"
	skip "not all of make deps' packages are installed here:$missing"
fi
[ $rc = 0 ] || fail "make -s deps: exit $rc: $(cat "$TC_TMP/out" "$TC_TMP/err")"
[ ! -s "$TC_TMP/out" ] || fail "make -s deps printed on stdout: $(cat "$TC_TMP/out")"
[ ! -s "$TC_TMP/err" ] || fail "make -s deps printed on stderr: $(cat "$TC_TMP/err")"

# The check is real: a package that is not installed makes it call apt-get.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES PATH="$fake:$PATH" \
	make -s deps DEBS="tracecast-no-such-package-42" >"$TC_TMP/out" 2>"$TC_TMP/err" </dev/null
rc=$?
[ $rc != 0 ] || fail "make deps with a missing package succeeded although apt-get failed"
grep -q 'apt-get.*install.*tracecast-no-such-package-42' "$TC_TMP/calls" ||
	fail "missing package: apt-get not called to install it: $(cat "$TC_TMP/calls" 2>/dev/null)"
grep -q 'tracecast-no-such-package-42' "$TC_TMP/out" || fail "no 'installing' line: $(cat "$TC_TMP/out")"
exit 0
