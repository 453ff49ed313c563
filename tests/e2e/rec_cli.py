"""tracecast rec, headless: colours and cursor movement, exit codes, the
file's mode, refusal to overwrite, piped stdin, -I, the child's
environment, header fields, stdout and gzip output, --append."""
import gzip
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
os.umask(0o022)

# Colours and cursor movement are recorded byte for byte and read back.
f = path("colors.cast")
seq = r"\033[1;31mred\033[0m \033[38;5;208mo\033[48;2;1;2;3mb\033[0m\033[5;10Hxy\033[2A\033[K\033[?25l\033[?25h"
rc, _, err = rec(["-q", f, "-c", "printf '%s'" % seq], check_rc=0)
h, ev = read_cast(f)
want = ("\x1b[1;31mred\x1b[0m \x1b[38;5;208mo\x1b[48;2;1;2;3mb\x1b[0m\x1b[5;10Hxy"
        "\x1b[2A\x1b[K\x1b[?25l\x1b[?25h")
check(output(ev) == want, "colours: recorded %r" % output(ev))
check(ev[-1][1] == "x" and ev[-1][2] == "0", "last event is not x 0: %r" % ev[-1])
check(h["version"] == 2 and h["width"] == 80 and h["height"] == 24, "header: %r" % h)
check(h["command"] == "printf '%s'" % seq, "command in header: %r" % h.get("command"))
tc = h["tracecast"]
check(tc["version"] == 1 and tc["clock"] == "monotonic" and tc["redactions"] == 0, "tracecast: %r" % tc)
check(abs(tc["start_unix_ns"] / 1e9 - h["timestamp"]) < 1.5, "start_unix_ns vs timestamp")
interop(f)

# Mode 0600 even with umask 022.
check(stat.S_IMODE(os.stat(f).st_mode) == 0o600, "mode %o" % stat.S_IMODE(os.stat(f).st_mode))

# Refusal to overwrite: exit 2, file untouched.
before = open(f, "rb").read()
st = os.stat(f)
rc, _, err = rec(["-q", f, "-c", "echo other"])
check(rc == 2, "existing file: exit %d, expected 2" % rc)
check("--overwrite" in err, "refusal does not say the fix: %r" % err)
check(open(f, "rb").read() == before and os.stat(f).st_mtime_ns == st.st_mtime_ns, "file changed")
rec(["-q", "--overwrite", f, "-c", "echo other"], check_rc=0)
check("other" in output(read_cast(f)[1]), "--overwrite did not replace")

# Exit codes: 0, 3, killed by a signal (128+N), and the x event last.
for arg, code in (("0", 0), ("3", 3), ("-9", 137), ("-15", 143)):
    g = path("exit%s.cast" % arg)
    rc, _, _ = rec(["-q", g, "--", prog("rec_exit"), arg])
    check(rc == code, "rec_exit %s: recorder exit %d, expected %d" % (arg, rc, code))
    ev = read_cast(g)[1]
    check(ev[-1] [1:] == ["x", str(code)], "rec_exit %s: last event %r" % (arg, ev[-1]))
    check("exiting with" in output(ev), "rec_exit %s: output lost" % arg)
interop(path("exit3.cast"))

# Headless with piped stdin: forwarded, EOT at its end; -I records it.
g = path("piped.cast")
rc, _, _ = rec(["-q", g, "--", "sh"], stdin=b"echo hi$((1+1))\n", check_rc=0)
h, ev = read_cast(g)
check("hi2" in output(ev), "piped stdin not run: %r" % output(ev))
check(not [e for e in ev if e[1] == "i"], "input recorded without -I")
g = path("input.cast")
rc, _, _ = rec(["-q", "-I", g, "--", "sh"], stdin=b"echo in$((2+2))\n", check_rc=0)
h, ev = read_cast(g)
check(output(ev, "i") == "echo in$((2+2))\n\x04", "-I input: %r" % output(ev, "i"))
check("in4" in output(ev), "-I: command did not run")
interop(g)

# The child's environment; a nested recording warns.
g = path("env.cast")
rec(["-q", g, "-c", 'echo "T=$TRACECAST F=$TRACECAST_FILE C=${TRACECAST_CTL:+set}"'], check_rc=0)
check("T=1 F=%s C=set" % g in output(read_cast(g)[1]), "env: %r" % output(read_cast(g)[1]))
g = path("nested.cast")
rc, _, err = rec([g, "-c", "true"], env={"TRACECAST": "1", "TRACECAST_FILE": "/x.cast"}, check_rc=0)
check("already being recorded" in err and "/x.cast" in err, "no nested warning: %r" % err)
check("recording to" in err and "recording saved to" in err, "no start/end notice: %r" % err)
rc, _, err = rec(["-q", path("quiet.cast"), "-c", "true"], check_rc=0)
check(err == "", "-q still prints: %r" % err)

# Header options.
g = path("hdr.cast")
rec(["-q", "-t", "my title", "-i", "2.5", "-e", "HOME,TERM", "--cols", "100", "--rows", "40",
     g, "-c", "stty size"], env={"TERM": "vt100"}, check_rc=0)
h, ev = read_cast(g)
check(h["title"] == "my title" and h["idle_time_limit"] == 2.5, "title/idle: %r" % h)
check(h["env"] == {"HOME": os.environ.get("HOME"), "TERM": "vt100"}, "env: %r" % h["env"])
check(h["width"] == 100 and h["height"] == 40 and "40 100" in output(ev), "size: %r %r" % (h, output(ev)))

# FILE "-" writes to stdout; .gz writes gzip.
rc, out, _ = rec(["-q", "-", "-c", "echo to-stdout"], check_rc=0)
g = path("stdout.cast")
open(g, "wb").write(out)
check("to-stdout" in output(read_cast(g)[1]), "stdout recording")
interop(g)
g = path("z.cast.gz")
rec(["-q", g, "-c", "echo zipped"], check_rc=0)
check(open(g, "rb").read(2) == b"\x1f\x8b", "not gzip")
check("zipped" in output(read_cast(g)[1]), "gzip recording")
interop(g)

# --append: times go on after the last event; a new size is an r event.
g = path("app.cast")
rec(["-q", g, "-c", "echo one; sleep 0.2"], check_rc=0)
h1, ev1 = read_cast(g)
rec(["-q", "-a", "--cols", "90", g, "-c", "echo two"], check_rc=0)
h2, ev2 = read_cast(g)
check(h2 == h1, "append changed the header")
new = ev2[len(ev1):]
check(new and new[0][1] == "r" and new[0][2] == "90x24", "append: no r event first: %r" % new[:2])
check(new[0][0] >= ev1[-1][0] and "two" in output(new), "append times/output: %r" % new)
interop(g)

# The command inherits no descriptor but 0, 1, 2; a command that cannot
# run exits 127 with the reason on stderr, and leaves no file (issue 17).
g = path("fds.cast")
rec(["-q", g, "--", "/bin/ls", "/proc/self/fd"], check_rc=0)
check(output(read_cast(g)[1]).split() == ["0", "1", "2", "3"], "inherited fds: %r" % output(read_cast(g)[1]))
g = path("nx.cast")
rc, _, err = rec(["-q", g, "--", "/nonexistent/cmd"])
check(rc == 127 and not os.path.exists(g), "exec failure: exit %d, file left: %r" % (rc, os.path.exists(g)))
check("tracecast rec: cannot run '/nonexistent/cmd': No such file or directory\n" in err, "exec failure text %r" % err)

# Every recording made above reads, passes tracecast info and plays in
# asciinema cat as in tracecast cat.
for name in sorted(os.listdir(TMP)):
    if name.endswith(".cast") or name.endswith(".cast.gz"):
        interop(path(name))

# Usage errors.
rc, _, err = rec([])
check(rc == 2 and "FILE" in err, "no FILE: exit %d %r" % (rc, err))
rc, _, err = rec(["--cols", "x", path("u.cast")])
check(rc == 2 and not os.path.exists(path("u.cast")), "bad --cols: exit %d" % rc)
cleanup()
