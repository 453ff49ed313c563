"""--redact: a secret split across two reads is still replaced; input,
markers and gzip output too; the header counts the redactions."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
# The second write waits until the recorder has read "sec" (it relays what it
# reads to its stdout, a file here; at most 20 s): two reads, whatever the load.
relay = path("relay")
cmd = ("printf sec; for i in $(seq 400); do grep -q sec '%s' && break; sleep 0.05; done; "
       "printf 'ret123 and secret9 end\\n'; '%s' mark 'key secret77'" % (relay, TC))


def rec_split(args):
    """rec ARGS headless, stdout (the relay) into the file `relay`."""
    e = {k: v for k, v in os.environ.items() if k not in ("TRACECAST", "TRACECAST_CTL", "TRACECAST_FILE")}
    with open(relay, "wb") as out:
        p = subprocess.run([TC, "rec"] + args, stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.PIPE, timeout=60, env=e)
    check(p.returncode == 0, "tracecast rec %s: exit %d; stderr: %s"
          % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))


# Without --redact the two writes are two reads: "sec" alone, then the rest.
f = path("plain.cast")
rec_split(["-q", f, "-c", cmd])
ev = read_cast(f)[1]
o = [e[2] for e in ev if e[1] == "o"]
check(o and o[0] == "sec" and "secret123" in "".join(o), "no split read: %r" % o)

f = path("red.cast")
# (the window is how long a possible start is held: the second write may
# come late on a loaded machine)
rec_split(["-q", "--reorder-ms", "5000", "--redact", "secret[0-9]+", f, "-c", cmd])
h, ev = read_cast(f)
check(output(ev) == "[REDACTED] and [REDACTED] end\r\n", "redacted output %r" % output(ev))
# the count covers the header too (its command holds two secrets)
hn = open(f).readline().count("[REDACTED]")
check(hn == 2, "header replacements %d" % hn)
check([e[2] for e in ev if e[1] == "m"] == ["key [REDACTED]"], "marker: %r" % ev)
check(h["tracecast"]["redactions"] == 3 + hn, "header count %r" % h["tracecast"])
interop(f)
first = open(f, "rb").readline()
check(b'"redactions": 5                    }' in first, "header room: %r" % first[-60:])
# Appending with --redact adds to the header's count, in place.
rec(["-q", "-a", "--redact", "secret[0-9]+", f, "-c", "echo secret5"], check_rc=0)
h, ev = read_cast(f)
check(h["tracecast"]["redactions"] == 6 and len(open(f, "rb").readline()) == len(first),
      "appended count %r" % h["tracecast"])
check("secret5" not in output(ev), "appended secret recorded")

# Input with -I, two patterns.
f = path("in.cast")
rec(["-q", "-I", "--redact", "hunter[0-9]", "--redact", "pw=[a-z]+", f, "--", "sh"],
    stdin=b"echo hunter2 pw=abc ok\n", check_rc=0)
h, ev = read_cast(f)
alltext = output(ev) + output(ev, "i")
check("hunter2" not in alltext and "pw=abc" not in alltext and "ok" in output(ev),
      "secret in input/output: %r" % alltext)
# two in the input, two in its echo, two in the output
check(h["tracecast"]["redactions"] == 6, "count %r" % h["tracecast"])

# gzip: the header cannot be patched; a "t" event before "x" has the count.
f = path("red.cast.gz")
rec_split(["-q", "--reorder-ms", "5000", "--redact", "secret[0-9]+", f, "-c", cmd])
h, ev = read_cast(f)
check(h["tracecast"]["redactions"] is None, "gzip header: %r" % h["tracecast"])
check(ev[-2][1:] == ["t", '{"redactions":5}'] and ev[-1][1] == "x", "trailer: %r" % ev[-2:])
check("secret" not in output(ev), "gzip: secret recorded")
interop(f)

rc, _, err = rec(["--redact", "a(", path("bad.cast"), "-c", "true"])
check(rc == 2 and "--redact" in err and not os.path.exists(path("bad.cast")), "bad regex: %d %r" % (rc, err))
cleanup()
