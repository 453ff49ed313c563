#!/bin/bash
# zsh completion (issue 17): completions/_tracecast, found through fpath by
# compinit, completes in a real interactive zsh (driven through zsh/zpty:
# the line typed, TAB, then the completed line printed back) a command,
# `help CMD`, an option read from the command's --help, a --profile= value,
# a format, and a recording file (a.cast, not b.txt).
. "$(dirname "$0")/lib.sh"
ROOT=${TC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v zsh >/dev/null || fail "zsh is not installed (make deps installs it)"
mkdir -p "$TC_TMP/fn" "$TC_TMP/bin" "$TC_TMP/w"
cp "$ROOT/completions/_tracecast" "$TC_TMP/fn/"
ln -s "$TRACECAST" "$TC_TMP/bin/tracecast"
touch "$TC_TMP/w/a.cast" "$TC_TMP/w/b.txt"
cat >"$TC_TMP/drive.zsh" <<'ZSH'
zmodload zsh/zpty
zpty -b z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); PATH=$2:\$PATH; autoload -U compinit; compinit -u -D; cd $3; print RE''ADY"
zpty -r -m z line '*READY*'
shift 3
for l in "$@"; do
	# type the line, TAB, then wrap the buffer in a print (the quotes keep
	# the echo of what is typed from matching the printed result)
	zpty -w -n z "$l"$'\t'$'\C-a''print -r -- ST""ART '$'\C-e'' E""ND'$'\n'
	zpty -r -m z out '*START *END*'
	out=${out##*START }
	print -r -- "${out%% END*}"
done
zpty -d z
ZSH
got=$(cd "$TC_TMP/w" && timeout 60 zsh -f "$TC_TMP/drive.zsh" "$TC_TMP/fn" "$TC_TMP/bin" "$TC_TMP/w" \
	"tracecast pl" "tracecast help du" "tracecast rec --str" "tracecast rec --window" \
	"tracecast rec --profile=pr" "tracecast dump --format a" "tracecast play ") ||
	fail "zsh completion did not run (exit $?): $got"
want="tracecast play
tracecast help dump
tracecast rec --strace
tracecast rec --window-size
tracecast rec --profile=proc
tracecast dump --format ansi
tracecast play a.cast"
[ "$got" = "$want" ] || fail "zsh completion: got
$got
want
$want"
echo ok
