"""UTF-8 repair: characters split across writes are rejoined, invalid bytes
become U+FFFD exactly as asciinema 2.2 does: `asciinema cat` of our
recording and of asciinema's own recording of the same program print the
same bytes."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
if not shutil.which("asciinema"):
    skip("asciinema is not installed (make deps installs it)")

expect = {
    "rec_utf8split": "a\u00e9 b\u20ac c\U0001F600 d\U0001F600 end\r\n",
    "rec_badbytes": ("ff:\ufffd.\r\ncont:\ufffd\ufffd.\r\noverlong:\ufffd\ufffd.\r\n"
                     "surrogate:\ufffd\ufffd\ufffd.\r\nlead:\ufffdx.\r\nlead4:\ufffd\r\n"
                     "ok \u00e9\r\n"),
}
for name, want in expect.items():
    ours = path(name + ".cast")
    theirs = path(name + "-asciinema.cast")
    rc, relayed, _ = rec(["-q", ours, "--", prog(name)], check_rc=0)
    # The terminal gets the bytes unchanged (invalid ones too), only the
    # recording is repaired.
    raw = subprocess.run([prog(name)], capture_output=True).stdout.replace(b"\n", b"\r\n")
    check(relayed == raw, "%s: relayed %r, expected %r" % (name, relayed, raw))
    h, ev = read_cast(ours)
    check(output(ev) == want, "%s: recorded %r, expected %r" % (name, output(ev), want))
    check(all(e[2] for e in ev if e[1] == "o"), "%s: empty o event" % name)
    if name == "rec_utf8split":
        # every write but the last ends inside a character: two o events
        # mean a character was split between reads and rejoined
        check(len([e for e in ev if e[1] == "o"]) >= 2, "%s: the writes were not read apart" % name)
    rc, out = term_cat("asciinema rec -q -c '%s' '%s'" % (prog(name), theirs))
    check(rc == 0 and os.path.exists(theirs), "asciinema rec failed: %r" % out[-300:])
    a, b = asciinema_cat(ours), asciinema_cat(theirs)
    check(a == b, "%s: asciinema cat differs:\nours   %r\ntheirs %r" % (name, a, b))
    interop(ours)
cleanup()
