#!/bin/sh
# The recorded command of the sample: the server in the background, the
# client against it, then the server stopped (SIGTERM: a background job of
# a non-interactive sh ignores SIGINT). EVENTLET_HUB picks the hub;
# REQUESTS the GETs per client thread (default 10).
here=$(cd "$(dirname "$0")" && pwd)
portfile=$(mktemp -u /tmp/tracecast-eventlet-port.XXXXXX)
/usr/bin/python3 "$here/server.py" "$portfile" &
srv=$!
/usr/bin/python3 "$here/client.py" "$portfile" "${REQUESTS:-10}"
rc=$?
kill -TERM "$srv"
wait "$srv"
rm -f "$portfile"
exit $rc
