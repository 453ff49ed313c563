"""The client of the --strace sample: plain blocking sockets (no eventlet,
no timeouts, so it adds neither epoll nor poll calls of its own).

usage: client.py PORTFILE [REQUESTS]
Waits for PORTFILE, then runs two threads, each sending REQUESTS (default
10) GETs and one POST over one keep-alive connection.
"""
import http.client
import os
import sys
import threading
import time


def worker(port, n, name, out):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(n):
        conn.request("GET", "/")
        r = conn.getresponse()
        out.append("%s GET %d: %s" % (name, i, r.read().decode().strip()))
        time.sleep(0.05)
    body = ("payload from %s " % name).encode() * 64
    conn.request("POST", "/echo", body=body)
    r = conn.getresponse()
    ok = r.read() == body
    out.append("%s POST /echo %d bytes: %s" % (name, len(body), "ok" if ok else "MISMATCH"))
    conn.close()


def main():
    portfile = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    # up to 60 s: under strace on a loaded machine the server's start
    # (eventlet's imports) took 16 s
    for _ in range(2400):
        if os.path.exists(portfile):
            break
        time.sleep(0.025)
    port = int(open(portfile).read())
    out = []
    threads = [threading.Thread(target=worker, args=(port, n, "c%d" % i, out)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for line in sorted(out):
        print("client:", line)
    print("client: %d responses" % len(out))


if __name__ == "__main__":
    main()
