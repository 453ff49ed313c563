#!/bin/sh
# Make the two checked-in recordings of this sample: the same server and
# client (run.sh) under `tracecast rec --strace`, once with eventlet's epoll
# hub and once with its poll hub.
#
# usage: samples/eventlet-wsgi/record.sh [OUTDIR]
#   OUTDIR    where epolls.cast.gz and poll.cast.gz go (default: here)
#   TRACECAST the binary (default: ./tracecast at the top of the tree)
#   REQUESTS  GETs per client thread (default 10)
#   TRACE     the syscalls kept (default: network, process, signal, the
#             event-loop calls, write and sleeps; Python's ~20,000 import
#             calls, stat/mmap/read of .py files, would make the files 10x
#             bigger). TRACE=all keeps everything.
# Needs strace and Debian's python3-eventlet (make deps).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
tc=${TRACECAST:-$here/../../tracecast}
trace=${TRACE:-%network,%process,%signal,epoll_create1,epoll_ctl,epoll_wait,poll,ppoll,select,pselect6,write,clock_nanosleep}
for hub in epolls poll; do
	EVENTLET_HUB=$hub "$tc" rec -q --overwrite --strace="-e trace=$trace" --cols 100 --rows 30 \
		--env SHELL,TERM,EVENTLET_HUB \
		--title "eventlet WSGI server and client, EVENTLET_HUB=$hub" \
		"$out/$hub.cast.gz" -- "$here/run.sh" </dev/null >/dev/null
done
