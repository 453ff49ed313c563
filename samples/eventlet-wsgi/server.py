"""A small eventlet WSGI server for the --strace sample.

usage: server.py PORTFILE
Listens on 127.0.0.1 (a free port, written to PORTFILE once listening) and
serves / (a greeting with a request counter) and /echo (the POST body back).
The hub is eventlet's choice of EVENTLET_HUB (epolls, poll, selects). Ends on
SIGINT or SIGTERM.
"""
import os
import signal
import sys

import eventlet
from eventlet import wsgi

COUNT = [0]


def app(environ, start_response):
    COUNT[0] += 1
    if environ["PATH_INFO"] == "/echo":
        n = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(n)
    else:
        eventlet.sleep(0.01)  # a cooperative pause: the hub waits
        body = b"hello #%d from %s\n" % (COUNT[0], eventlet.hubs.get_hub().__module__.encode())
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]


def main():
    portfile = sys.argv[1]
    sock = eventlet.listen(("127.0.0.1", 0))
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    os.rename(tmp, portfile)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print("server: hub %s" % eventlet.hubs.get_hub().__module__, flush=True)
    try:
        wsgi.server(sock, app, log=sys.stdout,
                    log_format="server: %(request_line)s %(status_code)s")
    except (KeyboardInterrupt, SystemExit):
        pass
    print("server: %d requests" % COUNT[0], flush=True)


if __name__ == "__main__":
    main()
