#!/bin/bash
# deb-check.sh DEB_DIR: the package built by `make deb` (DEB_DIR holds the
# .deb) installs with dpkg into a scratch root, its tracecast runs
# (--version, a short recording that plays back in `cat`, the python
# sampler found), its files are the expected ones (binary, sampler, man
# pages, completion), lintian reports no error, and dpkg removes it.
set -u
dir=${1:?usage: deb-check.sh DEB_DIR}
fail() { echo "deb-check: FAIL: $*" >&2; exit 1; }
shopt -s nullglob
debs=("$dir"/tracecast_*.deb)
[ ${#debs[@]} = 1 ] || fail "want one tracecast_*.deb in $dir, found ${#debs[@]}"
deb=${debs[0]}
root=$(mktemp -d /tmp/tracecast-deb.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"

# dependencies are the host's libraries: not in the scratch root's database
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$root/dpkg.log" 2>&1 ||
	fail "dpkg -i: $(cat "$root/dpkg.log")"
dpkg --root="$root" -s tracecast 2>/dev/null | grep -q '^Status: install ok installed' ||
	fail "dpkg does not list tracecast as installed"
tc=$root/usr/bin/tracecast
for f in usr/bin/tracecast usr/share/man/man1/tracecast.1.gz usr/share/man/man1/tracecast-rec.1.gz \
	usr/share/bash-completion/completions/tracecast usr/share/zsh/vendor-completions/_tracecast \
	usr/share/tracecast/python/sitecustomize.py usr/share/tracecast/python/tracecast_sampler.py; do
	[ -e "$root/$f" ] || fail "/$f is not in the package"
done
ls "$root"/usr/lib/tracecast/python/_tracecast_sampler*.so >/dev/null 2>&1 ||
	fail "the native python sampler is not in the package"
v=$("$tc" --version) || fail "the installed tracecast --version failed"
want=$(dpkg-deb -f "$deb" Version)
[ "$v" = "tracecast ${want%-*}" ] || fail "--version says '$v', the package is $want"
(cd "$root" && "$tc" rec -q deb.cast -- sh -c 'echo deb-check-ok' </dev/null >/dev/null 2>"$root/rec.err") ||
	fail "the installed tracecast cannot record: $(cat "$root/rec.err")"
"$tc" cat "$root/deb.cast" | grep -q deb-check-ok || fail "the recording lacks its output"
if command -v python3 >/dev/null; then
	(cd "$root" && env -u TRACECAST_PYTHONPATH "$tc" rec -q --profile=python py.cast -- python3 -c 'print(1)' \
		</dev/null >/dev/null 2>"$root/py.err") || fail "rec --profile=python: $(cat "$root/py.err")"
	grep -q '"python_hz"' "$root/py.cast" || fail "the installed python sampler was not found"
fi
MANPATH=$root/usr/share/man man tracecast-rec 2>/dev/null | grep -q -- --output-format ||
	fail "man tracecast-rec does not show the installed page"

lintian --fail-on error --no-tag-display-limit "$deb" >"$root/lintian.log" 2>&1 ||
	fail "lintian: $(cat "$root/lintian.log")"
grep -q '^E:' "$root/lintian.log" && fail "lintian errors: $(grep '^E:' "$root/lintian.log")"
dpkg --root="$root" --force-script-chrootless -r tracecast >"$root/dpkg.log" 2>&1 || fail "dpkg -r: $(cat "$root/dpkg.log")"
[ ! -e "$tc" ] || fail "dpkg -r left /usr/bin/tracecast"
echo "deb-check: ok: $(basename "$deb") installs, records, plays, lintian: $(grep -c '^W:' "$root/lintian.log") warnings, 0 errors"
