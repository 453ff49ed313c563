#!/bin/sh
# samples/session.sh: a short session for `make demo` (samples/demo.sh
# records it): colours, a file that is not there (an ENOENT in the syscall
# panel), a marker through the control socket, a little CPU work.
printf '\033[1;34m== tracecast demo session ==\033[0m\n'
printf 'terminal: %s, recorded: %s\n' "${TERM:-?}" "${TRACECAST:+yes}"
ls -l /etc/hostname /etc/no-such-file 2>&1
"${TRACECAST_BIN:-tracecast}" mark "checked the files"
printf '\033[32mcounting\033[0m'
i=0
while [ $i -lt 20 ]; do
	printf '.'
	i=$((i + 1))
	sleep 0.05
done
printf '\n'
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" -c 'print(sum(i * i for i in range(300000)))' 2>/dev/null || echo "(no python3)"
"${TRACECAST_BIN:-tracecast}" mark "done"
printf '\033[1;34m== end ==\033[0m\n'
