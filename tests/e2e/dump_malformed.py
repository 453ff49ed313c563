#!/usr/bin/env python3
"""dump re-reads recordings at offsets (issue 16): a malformed line is still
warned about once with its place, and --strict still stops at it (exit 1),
for plain and gzip files and for stdin."""
import gzip
import os
import subprocess
import sys
import tempfile

TRACECAST = os.environ["TRACECAST"]
CAST = ('{"version": 2, "width": 20, "height": 3}\n[0.5, "o", "hi"]\nnot json\n'
        '[1.0, "s", "1 close(3) = 0"]\n[1.5, "o", " there"]\n')


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    d = tempfile.mkdtemp(prefix="tc-dumpbad.")
    plain, gz = os.path.join(d, "b.cast"), os.path.join(d, "b.cast.gz")
    with open(plain, "w") as f:
        f.write(CAST)
    with gzip.open(gz, "wt") as f:
        f.write(CAST)
    for path, stdin in ((plain, None), (gz, None), ("-", CAST)):
        for extra in ([], ["--at", "end,0.6,end"], ["--overlay", "--size", "60x8"]):
            if path == "-" and extra:
                continue  # stdin: one time, no panels (it cannot be read twice)
            r = subprocess.run([TRACECAST, "dump"] + extra + [path], capture_output=True, text=True,
                               input=stdin)
            if r.returncode != 0 or "hi there" not in r.stdout:
                fail("dump %s %s: exit %d %r" % (extra, path, r.returncode, r.stdout))
            if r.stderr.count("warning: skipped") != 1 or ":3:" not in r.stderr:
                fail("dump %s %s: warnings %r" % (extra, path, r.stderr))
            r = subprocess.run([TRACECAST, "dump", "--strict"] + extra + [path], capture_output=True,
                               text=True, input=stdin)
            if r.returncode != 1 or ":3:" not in r.stderr:
                fail("dump --strict %s %s: exit %d %r" % (extra, path, r.returncode, r.stderr))


main()
