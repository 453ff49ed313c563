#!/bin/bash
# Manual pages (issue 17): man/tracecast.1 and one man/tracecast-CMD.1 per
# command in `tracecast --help`; each renders with `man --warnings -l`
# without a warning, and every option that `tracecast CMD --help` names
# (-x, --long-name) appears in CMD's rendered page.
. "$(dirname "$0")/lib.sh"
ROOT=${TC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v man >/dev/null || fail "man is not installed (man-db; make deps)"
export LC_ALL=C.UTF-8 MANWIDTH=100

render() { # page -> plain text (hyphen variants as '-') in $TC_TMP/page.txt
	man --warnings -l "$1" 2>"$TC_TMP/warn" | col -b | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' >"$TC_TMP/page.txt"
	[ ! -s "$TC_TMP/warn" ] || fail "$1: man --warnings: $(cat "$TC_TMP/warn")"
	grep -q "NAME" "$TC_TMP/page.txt" || fail "$1 did not render"
}

cmds=$("$TRACECAST" --help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ -n "$cmds" ] || fail "no commands in tracecast --help"
render "$ROOT/man/tracecast.1"
for c in $cmds; do
	grep -q "^ *$c\b" "$TC_TMP/page.txt" || fail "tracecast.1 does not list the command $c"
done
for o in --help --version; do
	grep -qe "$o" "$TC_TMP/page.txt" || fail "tracecast.1 lacks $o"
done

n=0
for c in $cmds; do
	page=$ROOT/man/tracecast-$c.1
	[ -f "$page" ] || fail "no manual page $page for the command $c"
	render "$page"
	"$TRACECAST" "$c" --help >"$TC_TMP/help" || fail "$c --help failed"
	opts=$(grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' "$TC_TMP/help" | sed 's/^[^-]*//' | sort -u)
	[ -n "$opts" ] || fail "$c --help names no option"
	for o in $opts; do
		grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$TC_TMP/page.txt" ||
			fail "tracecast-$c.1 lacks $o (named in '$c --help')"
		n=$((n + 1))
	done
done
echo "ok: $n options found in their pages"
