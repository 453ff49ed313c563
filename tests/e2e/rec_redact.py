"""--redact: a secret split across two reads is still replaced; input,
markers and gzip output too; the header counts the redactions."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
cmd = "printf sec; sleep 0.3; printf 'ret123 and secret9 end\\n'; '%s' mark 'key secret77'" % TC

# Without --redact the two writes are two reads: "sec" alone, then the rest.
f = path("plain.cast")
rec(["-q", f, "-c", cmd], check_rc=0)
ev = read_cast(f)[1]
o = [e[2] for e in ev if e[1] == "o"]
check(o and o[0] == "sec" and "secret123" in "".join(o), "no split read: %r" % o)

f = path("red.cast")
rec(["-q", "--redact", "secret[0-9]+", f, "-c", cmd], check_rc=0)
h, ev = read_cast(f)
check(output(ev) == "[REDACTED] and [REDACTED] end\r\n", "redacted output %r" % output(ev))
check([e[2] for e in ev if e[1] == "m"] == ["key [REDACTED]"], "marker: %r" % ev)
check(h["tracecast"]["redactions"] == 3, "header count %r" % h["tracecast"])
interop(f)
first = open(f, "rb").readline()
check(b'"redactions": 3                    }' in first, "header room: %r" % first[-60:])
# Appending with --redact adds to the header's count, in place.
rec(["-q", "-a", "--redact", "secret[0-9]+", f, "-c", "echo secret5"], check_rc=0)
h, ev = read_cast(f)
check(h["tracecast"]["redactions"] == 4 and len(open(f, "rb").readline()) == len(first),
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
rec(["-q", "--redact", "secret[0-9]+", f, "-c", cmd], check_rc=0)
h, ev = read_cast(f)
check(h["tracecast"]["redactions"] is None, "gzip header: %r" % h["tracecast"])
check(ev[-2][1:] == ["t", '{"redactions":3}'] and ev[-1][1] == "x", "trailer: %r" % ev[-2:])
check("secret" not in output(ev), "gzip: secret recorded")
interop(f)

rc, _, err = rec(["--redact", "a(", path("bad.cast"), "-c", "true"])
check(rc == 2 and "--redact" in err and not os.path.exists(path("bad.cast")), "bad regex: %d %r" % (rc, err))
cleanup()
