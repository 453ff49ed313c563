# bash completion for tracecast                             -*- shell-script -*-
# Installed as share/bash-completion/completions/tracecast. Self-contained
# (does not need the bash-completion package's helpers). The options of a
# command are read from `tracecast CMD --help`, so they never go stale.

# The commands `tracecast --help` lists (cached), and help.
_tracecast_cmds()
{
	if [[ -z ${_tracecast_commands-} ]]; then
		_tracecast_commands="$("${COMP_WORDS[0]}" --help 2>/dev/null |
			awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' |
			tr '\n' ' ')help"
	fi
	printf '%s' "$_tracecast_commands"
}

# The options CMD's --help names, cached per command.
_tracecast_opts()
{
	local cmd=$1 var=_tracecast_opts_$1
	if [[ -z ${!var-} ]]; then
		printf -v "$var" '%s' "$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
			grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' |
			sed 's/^[^-]*//' | sort -u | tr '\n' ' ')"
	fi
	printf '%s' "${!var}"
}

# Recording files (*.cast, *.cast.gz, *.json) and folders.
_tracecast_recordings()
{
	local cur=$1 f
	local IFS=$'\n'
	for f in $(compgen -d -- "$cur"); do
		COMPREPLY+=("$f/")
	done
	for f in $(compgen -f -X '!*.@(cast|cast.gz|json)' -- "$cur"); do
		[[ -d $f ]] || COMPREPLY+=("$f")
	done
	compopt -o nospace -o filenames 2>/dev/null
}

_tracecast()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd="" i dashdash=0
	COMPREPLY=()
	shopt -s extglob

	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ -z $cmd && ${COMP_WORDS[i]} != -* ]]; then
			cmd=${COMP_WORDS[i]}
		elif [[ -n $cmd && ${COMP_WORDS[i]} == -- ]]; then
			dashdash=$i
		fi
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_tracecast_cmds) --help --version" -- "$cur"))
		return
	fi
	if [[ $cmd == help ]]; then
		local c
		for c in $(compgen -W "$(_tracecast_cmds)" -- "$cur"); do
			[[ $c == help ]] || COMPREPLY+=("$c")
		done
		return
	fi
	# rec ... -- COMMAND [ARG...]: a command, then its arguments (files)
	if ((dashdash)); then
		if ((COMP_CWORD == dashdash + 1)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi
		return
	fi

	# values of options
	case $cur in
	--profile=*)
		local val=${cur#--profile=} pre=""
		[[ $val == *,* ]] && pre=${val%,*},
		COMPREPLY=($(compgen -P "--profile=$pre" -W "proc proc:20 perf perf:99 python python:100" -- "${val##*,}"))
		compopt -o nospace 2>/dev/null
		return
		;;
	--strace=*)
		COMPREPLY=($(compgen -P "--strace=" -W "'-e trace=file' '-e trace=network' '-e trace=process'" -- "${cur#--strace=}"))
		return
		;;
	--output-format=*|--format=*)
		COMPREPLY=($(compgen -P "${cur%%=*}=" -W "asciicast-v2 asciicast-v3 raw txt text ansi folded" -- "${cur#*=}"))
		return
		;;
	esac
	case $prev in
	-f|--format|--output-format)
		case $cmd in
		rec|convert) COMPREPLY=($(compgen -W "asciicast-v2 asciicast-v3 raw txt" -- "$cur")) ;;
		dump) COMPREPLY=($(compgen -W "text ansi" -- "$cur")) ;;
		export) COMPREPLY=($(compgen -W "folded" -- "$cur")) ;;
		esac
		return
		;;
	--src)
		COMPREPLY=($(compgen -W "perf py" -- "$cur"))
		return
		;;
	--prefix-key)
		COMPREPLY=($(compgen -W "none 'C-\\' C-a C-b C-t" -- "$cur"))
		return
		;;
	--window-size|--size)
		COMPREPLY=($(compgen -W "80x24 100x30 120x40 160x50" -- "$cur"))
		return
		;;
	--strace-pid)
		COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur"))
		return
		;;
	-c|--command)
		COMPREPLY=($(compgen -c -- "$cur"))
		return
		;;
	-o|--stats)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return
		;;
	-t|--title|-i|--idle-time-limit|-e|--env|--capture-env|--cols|--rows|--flush-ms|\
	--reorder-ms|--redact|-s|--speed|--from|--to|--filter|--slow|--at|--between-markers)
		return # a value of the user's
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tracecast_opts "$cmd")" -- "$cur"))
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == --@(profile|strace) ]] &&
			COMPREPLY+=("${COMPREPLY[0]}=")
		return
	fi
	case $cmd in
	mark) return ;;
	*) _tracecast_recordings "$cur" ;;
	esac
}
complete -F _tracecast tracecast
