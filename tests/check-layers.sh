#!/bin/bash
# check-layers.sh ROOT BUILD: enforce the layers of README's "Source layout".
#   lib      may use: (libc, jansson, zlib)
#   recorder may use: lib
#   player   may use: lib
#   report   may use: lib, player (the screen, to render text)
#   cli      may use: everything
# 1. Symbols: every undefined symbol of BUILD/lib<layer>.a that one of our
#    archives defines must be defined in the layer itself or a layer it may
#    use (system libraries are not ours, so are not checked).
# 2. Includes: a file in lib/, recorder/, player/ or report/ includes only
#    public headers (include/tracecast/), headers of its own folder or
#    generated into BUILD/gen/, and, for report/, player/'s headers.
# Prints each violation as FILE-or-ARCHIVE: what; exit 1 if any.
set -u
root=${1:-.} build=${2:-build}
declare -A AR=([lib]=libtracecast.a [recorder]=librecorder.a [player]=libplayer.a [report]=libreport.a)
declare -A MAY=([lib]="lib" [recorder]="recorder lib" [player]="player lib" [report]="report player lib")
bad=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for l in "${!AR[@]}"; do
	a=$build/${AR[$l]}
	[ -f "$a" ] || { echo "check-layers: $a is missing (build it first)"; exit 2; }
	nm -g --defined-only "$a" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u >"$tmp/def.$l"
	nm -g --undefined-only "$a" 2>/dev/null | awk 'NF>=2 {print $NF}' | sort -u >"$tmp/undef.$l"
done
for l in "${!AR[@]}"; do
	for o in "${!AR[@]}"; do
		case " ${MAY[$l]} " in *" $o "*) continue ;; esac
		for sym in $(comm -12 "$tmp/undef.$l" "$tmp/def.$o"); do
			echo "check-layers: ${AR[$l]} uses $sym from ${AR[$o]} ($l may use: ${MAY[$l]})"
			bad=1
		done
	done
done

for l in lib recorder player report; do
	for f in "$root/$l"/*.[ch]; do
		[ -f "$f" ] || continue
		while IFS=: read -r n inc; do
			h=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$inc")
			[ -n "$h" ] || continue
			case "$h" in
			tracecast/*) [ -f "$root/include/$h" ] && continue ;;
			*/*) d=${h%%/*}
			     case " ${MAY[$l]} " in *" $d "*) [ -f "$root/$h" ] && continue ;; esac ;;
			*) [ -f "$root/$l/$h" ] && continue
			   [ -f "$build/gen/$h" ] && continue ;; # generated at build time
			esac
			echo "check-layers: ${f#"$root"/}:$n: includes \"$h\" ($l may use: ${MAY[$l]}, and public headers)"
			bad=1
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
	done
done
[ $bad -eq 0 ] && echo "check-layers: ok (lib, recorder, player, report, cli)"
exit $bad
