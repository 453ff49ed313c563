#!/bin/sh
# samples/session.sh: the ~10 s session `make demo` records (samples/demo.sh)
# to show what tracecast is for: a program that starts slowly and fails.
# It looks for its config where there is none (ENOENT in the syscall
# panel), connects to a port nobody listens on (ECONNREFUSED), then burns
# one busy second of CPU (the profile strip); markers name each step.
mark() { "${TRACECAST_BIN:-tracecast}" mark "$@"; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3
step() { printf '\033[1m%s\033[0m' "$1"; i=0; while [ $i -lt "$2" ]; do printf '.'; sleep 0.1; i=$((i + 1)); done; }

printf '\033[1;34m== tracecast demo: why is the app slow, and why does it fail? ==\033[0m\n'
printf 'terminal: %s, recorded: %s\n\n' "${TERM:-?}" "${TRACECAST:+yes}"
step 'loading the config ' 15
for f in "$HOME/.demo-app.conf" /etc/demo-app.conf /etc/demo-app/app.conf; do
	if [ -r "$f" ]; then printf ' %s\n' "$f"; break; fi
done
printf ' \033[33mnone found, using defaults\033[0m\n'
mark "config not found"
sleep 0.5
step 'connecting to the database ' 15
if "$py" -c 'import socket
s = socket.socket()
s.connect(("127.0.0.1", 9))' 2>/dev/null; then
	printf ' connected\n'
else
	printf ' \033[31mconnection refused\033[0m\n'
fi
mark "connect refused"
sleep 0.5
printf '\033[1mwarming the cache\033[0m (one busy second)\n'
"$py" -c 'import time
end = time.monotonic() + 1.2
n = 0
while time.monotonic() < end:
    n += sum(i * i for i in range(2000))
print("cache warmed (%d rounds)" % (n // 1333333332833333333 + 1))' 2>/dev/null || echo "(no python3)"
mark "busy second"
sleep 0.5
step 'retrying the database ' 12
printf ' \033[31mgiving up\033[0m\n'
mark "done"
sleep 1.5
printf '\n\033[1;34m== end ==\033[0m ([ and ] jump between the markers in tracecast play)\n'
