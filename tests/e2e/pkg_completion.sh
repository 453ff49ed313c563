#!/bin/bash
# Bash completion (issue 17): completions/tracecast.bash, sourced into a
# bash, registers _tracecast for tracecast (complete -p), and, driven the
# way bash drives it (COMP_WORDS, COMP_CWORD, then COMPREPLY), completes a
# command, `help CMD`, an option read from the command's --help, --profile=
# values (also after a comma), formats, a recording file (*.cast,
# *.cast.gz, folders; not other files), and after `--` a command name.
. "$(dirname "$0")/lib.sh"
ROOT=${TC_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
script=$ROOT/completions/tracecast.bash
[ -f "$script" ] || fail "$script missing"
mkdir -p "$TC_TMP/w/sub" "$TC_TMP/bin"
ln -s "$TRACECAST" "$TC_TMP/bin/tracecast"
touch "$TC_TMP/w/a.cast" "$TC_TMP/w/b.cast.gz" "$TC_TMP/w/notes.txt" "$TC_TMP/w/ab.txt"

# complete LINE: run the completion for LINE (the last word is completed;
# a trailing space starts a new word) in a fresh bash; prints COMPREPLY,
# one per line, sorted
complete_line() {
	(cd "$TC_TMP/w" && PATH="$TC_TMP/bin:$PATH" bash --norc --noprofile -c '
		source "$1" || exit 3
		complete -p tracecast | grep -q -- "-F _tracecast" || exit 4
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2; COMP_POINT=${#2}
		_tracecast tracecast "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$script" "$1")
}

expect() { # LINE WANT... : COMPREPLY is exactly WANT
	local line=$1; shift
	local got want
	got=$(complete_line "$line") || fail "completion of '$line' failed (exit $?)"
	want=$(printf '%s\n' "$@" | sort)
	[ "$got" = "$want" ] || fail "'$line': got [$(echo $got)], want [$(echo $want)]"
}
has() { # LINE WORD...: COMPREPLY holds every WORD
	local line=$1; shift
	local got
	got=$(complete_line "$line") || fail "completion of '$line' failed (exit $?)"
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || fail "'$line': $w not offered (got: $(echo $got))"
	done
}

expect "tracecast pl" play
expect "tracecast c" cat convert
has "tracecast " rec play cat info dump convert export mark help
expect "tracecast help du" dump
expect "tracecast help he"
has "tracecast rec --str" --strace --strace-pid
has "tracecast rec --window" --window-size
has "tracecast rec -" --capture-input --output-format --profile -a -c
expect "tracecast dump --ov" --overlay
expect "tracecast rec --profile=p" --profile=perf --profile=proc --profile=proc:20 --profile=perf:99 --profile=python --profile=python:100
has "tracecast rec --profile=proc,py" --profile=proc,python
expect "tracecast convert -f a" asciicast-v2 asciicast-v3
expect "tracecast dump --format " text ansi
expect "tracecast play " a.cast b.cast.gz sub/
expect "tracecast info a" a.cast
expect "tracecast rec --strace x.cast -- trueNOSUCH"
has "tracecast rec x.cast -- trac" tracecast
expect "tracecast mark "
echo ok
