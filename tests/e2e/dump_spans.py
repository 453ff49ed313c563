#!/usr/bin/env python3
"""The syscall panel (issue 16): a call in flight at the playhead shows as
a span in an end-stamped recording (tracecast.s_time "end": a line is
stamped when its call ended, so at 4.0 s the poll stamped at 5.0 with a
2 s duration is running since 3.0); a duration column appears when the
panel is 90 columns wide or more, not below."""
import os
import subprocess
import sys
import tempfile

TRACECAST = os.environ["TRACECAST"]
CAST = r'''{"version": 2, "width": 40, "height": 5, "tracecast": {"s_time": "end"}}
[0.5, "o", "hello\r\n"]
[1.0, "s", "7 openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY) = 3 <0.000020>"]
[1.5, "s", "7 read(3, \"127.0.0.1 localhost\\n\", 4096) = 20 <0.000012>"]
[5.0, "s", "8 poll([{fd=4, events=POLLIN}], 1, 2000) = 0 (Timeout) <2.000100>"]
[5.5, "s", "7 close(3) = 0 <0.000003>"]
[6.0, "o", "bye\r\n"]
'''


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def panel(path, at, size):
    r = subprocess.run([TRACECAST, "dump", "--overlay", "--size", size, "--at", at, path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("dump failed: " + r.stderr)
    return [l.split("\u2502", 1)[1].rstrip() for l in r.stdout.split("\n") if "\u2502" in l]


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".cast", delete=False) as f:
        f.write(CAST)
    try:
        p = [l for l in panel(f.name, "4", "150x12") if l.strip()]
        want = [
            " syscalls 2/4",
            "  -3.000 7          20us openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY) = 3",
            "  -2.500 7          12us read(3, \"127.0.0.1 localhost\\n\", 4096) = 20",
            "  -1.000 8        1.000s poll([{fd=4, events=POLLIN}], 1, 2000) in flight 1.000s",
        ]
        if p != want:
            fail("panel at 4.0 s:\n%s\n--- want:\n%s" % ("\n".join(p), "\n".join(want)))
        # after the poll ended: a finished call with its duration and result
        p = [l for l in panel(f.name, "5.2", "150x12") if l.strip()]
        if not any("2.000s poll(" in l and "= 0" in l and "in flight" not in l for l in p):
            fail("panel at 5.2 s has no finished poll:\n" + "\n".join(p))
        # narrow: no duration column
        p = [l for l in panel(f.name, "4", "100x12") if l.strip()]
        if any("20us" in l for l in p) or not any("in flight 1.000s" in l for l in p):
            fail("narrow panel at 4.0 s:\n" + "\n".join(p))
    finally:
        os.unlink(f.name)


main()
