#!/bin/bash
# make install / make uninstall (issue 17): `make install DESTDIR=D
# PREFIX=P` puts the binary under test, the Python sampler, every manual
# page of man/ and the bash and zsh completion under D/P; the installed
# page renders through `man` with MANPATH pointing there, the installed
# bash completion completes a command; the installed binary runs from
# there. `make uninstall` with the same DESTDIR/PREFIX leaves no file.
. "$(dirname "$0")/lib.sh"
ROOT=${TC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
need make
build=$(dirname "$TRACECAST")
[ "$(basename "$TRACECAST")" = tracecast ] || fail "TRACECAST $TRACECAST is not BUILD/tracecast"
unset MAKEFLAGS MFLAGS MAKELEVEL
D=$TC_TMP/dest P=/opt/tc-pkg-test
# -o: never remake the binary under test (an ASan build stays one)
mk() { make -s -C "$ROOT" BUILD="$build" -o "$TRACECAST" DESTDIR="$D" PREFIX="$P" "$@" </dev/null >"$TC_TMP/make.log" 2>&1 ||
	fail "make $*: $(cat "$TC_TMP/make.log")"; }

mk install
R=$D$P
cmp -s "$R/bin/tracecast" "$TRACECAST" || fail "bin/tracecast is not the binary under test"
[ "$(stat -c %a "$R/bin/tracecast")" = 755 ] || fail "bin/tracecast mode $(stat -c %a "$R/bin/tracecast")"
for f in sitecustomize.py tracecast_sampler.py; do
	cmp -s "$R/share/tracecast/python/$f" "$ROOT/recorder/python/$f" || fail "share/tracecast/python/$f not installed"
done
ls "$R"/lib/tracecast/python/_tracecast_sampler*.so >/dev/null 2>&1 || fail "native sampler not in lib/tracecast/python"
n=0
for page in "$ROOT"/man/*.1; do
	cmp -s "$R/share/man/man1/$(basename "$page")" "$page" || fail "man page $(basename "$page") not installed"
	n=$((n + 1))
done
[ $n -ge 9 ] || fail "only $n man pages in man/"
MANPATH=$R/share/man MANWIDTH=80 man tracecast-rec 2>/dev/null | grep -q -- "--window-size" ||
	fail "man tracecast-rec does not find the installed page"
cmp -s "$R/share/bash-completion/completions/tracecast" "$ROOT/completions/tracecast.bash" || fail "bash completion not installed"
cmp -s "$R/share/zsh/site-functions/_tracecast" "$ROOT/completions/_tracecast" || fail "zsh completion not installed"
got=$(PATH="$R/bin:$PATH" bash --norc --noprofile -c '
	source "$1"; COMP_WORDS=(tracecast exp); COMP_CWORD=1; _tracecast; echo "${COMPREPLY[*]}"' _ \
	"$R/share/bash-completion/completions/tracecast")
[ "$got" = export ] || fail "installed bash completion of 'tracecast exp': '$got'"
"$R/bin/tracecast" --version | grep -q '^tracecast ' || fail "installed binary does not run"
(cd "$TC_TMP" && "$R/bin/tracecast" rec -q x.cast -- echo installed-ok </dev/null >/dev/null 2>&1) ||
	fail "installed binary cannot record"
grep -q installed-ok "$TC_TMP/x.cast" || fail "installed binary's recording lacks the output"

mk uninstall
left=$(find "$D" -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -e "$R/share/tracecast" ] && [ ! -e "$R/lib/tracecast" ] || fail "make uninstall left share/ or lib/tracecast"
echo "ok: $n man pages, completions, binary, sampler installed and removed"
