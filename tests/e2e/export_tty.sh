#!/bin/bash
# export on a terminal: recorded text (a frame name or a syscall line may
# hold ESC and C1 sequences) is shown as cat -v shows it, unless --raw; to a
# file or a pipe it is written as is. (Issue 18 item 10, export's part.)
. "$(dirname "$0")/lib.sh"
need script
F=$TC_ROOT/tests/fixtures/report/escapes.cast
for fmt in folded callgrind strace; do
	script -qec "'$TRACECAST' export '$F' --format $fmt" /dev/null < /dev/null > "$TC_TMP/tty" 2>&1 || fail "$fmt: export on a pty failed"
	if grep -q $'\e' "$TC_TMP/tty"; then fail "$fmt: ESC reached the terminal: $(cat -v "$TC_TMP/tty")"; fi
	if grep -q $'\xc2\x9b' "$TC_TMP/tty"; then fail "$fmt: C1 CSI reached the terminal"; fi
	case $fmt in
	strace) grep -qF 'write(1, "^[[2J", 4)' "$TC_TMP/tty" || fail "strace: ESC not shown as ^[: $(cat -v "$TC_TMP/tty")" ;;
	*) grep -qF 'evil^[[31mred^G' "$TC_TMP/tty" || fail "$fmt: ESC/BEL not shown as ^[/^G: $(cat -v "$TC_TMP/tty")"
	   grep -qF 'c1M-BM-^[31m' "$TC_TMP/tty" || fail "$fmt: C1 not shown as M-BM-^[: $(cat -v "$TC_TMP/tty")" ;;
	esac
	# --raw on the terminal, and a pipe: the bytes as recorded
	script -qec "'$TRACECAST' export '$F' --format $fmt --raw" /dev/null < /dev/null > "$TC_TMP/raw" 2>&1
	grep -q $'\e' "$TC_TMP/raw" || fail "$fmt --raw: no ESC"
	"$TRACECAST" export "$F" --format $fmt > "$TC_TMP/pipe" || fail "$fmt: export to a pipe failed"
	grep -q $'\e' "$TC_TMP/pipe" || fail "$fmt: a pipe got escaped text"
	"$TRACECAST" export "$F" --format $fmt -o "$TC_TMP/file.$fmt" || fail "$fmt -o failed"
	grep -q $'\e' "$TC_TMP/file.$fmt" || fail "$fmt: a file got escaped text"
done
# a file's output never escapes, even when started from a terminal
script -qec "'$TRACECAST' export '$F' --format folded -o '$TC_TMP/fromtty.folded'" /dev/null < /dev/null > /dev/null 2>&1
grep -q $'\e' "$TC_TMP/fromtty.folded" || fail "-o from a terminal: escaped"
echo "export on a terminal: escaped as cat -v; --raw, pipes and files as is"
