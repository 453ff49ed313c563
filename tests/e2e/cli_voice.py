"""The command line people expect (issue 17), headless:
- after `--` nothing is FILE: `rec --strace --profile -- true` and
  `rec -- echo hello` are usage errors that create no file and run nothing;
- one voice: every error line starts `tracecast CMD:`, a usage error
  prints the short usage and `Try 'tracecast CMD --help'.` (not the whole
  help); `tracecast help CMD` is CMD's --help; an unknown command names
  the nearest (plya -> play);
- `rec -a` on a missing file creates it; `rec` of a missing command leaves
  no file, with and without --strace;
- asciinema 3's spellings: --window-size, --capture-input, --capture-env,
  -f/--output-format asciicast-v2|asciicast-v3|raw|txt;
- convert picks the format from OUT's extension (.txt: the text through
  the screen, with the lines scrolled off), and its output is 0600."""
import json
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

COMMANDS = ["rec", "play", "cat", "info", "dump", "convert", "export", "mark"]


def tc(*args, cwd=None, env=None, unset=(), stdin=subprocess.DEVNULL):
    e = dict(os.environ)
    for k in ("TRACECAST", "TRACECAST_CTL", "TRACECAST_FILE", *unset):
        e.pop(k, None)
    e.update(env or {})
    p = subprocess.run([TC] + list(args), cwd=cwd or TMP, env=e, stdin=stdin,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def usage_error(cmd, args, what):
    rc, out, err = tc(cmd, *args)
    lines = err.splitlines()
    check(rc == 2, "%s: exit %d, want 2: %s" % (what, rc, err))
    check(lines and lines[0].startswith("tracecast %s: " % cmd), "%s: first line %r" % (what, lines[:1]))
    check(len(lines) == 3 and lines[1].startswith("usage: tracecast %s" % cmd)
          and lines[2] == "Try 'tracecast %s --help'." % cmd,
          "%s: want message, short usage, Try line; got:\n%s" % (what, err))
    return lines[0]


# -- is never FILE
before = set(os.listdir(TMP))
for args in (["--strace", "--profile", "--", "true"], ["--", "echo", "hello"], ["-q", "--"]):
    msg = usage_error("rec", args, "rec " + " ".join(args))
    check("FILE is missing" in msg, "rec %s: %s" % (args, msg))
check(set(os.listdir(TMP)) == before, "rec without FILE made files: %r" % (set(os.listdir(TMP)) - before))
rc, out, err = tc("rec", "-q", "ok.cast", "--", "echo", "hello")
check(rc == 0 and os.path.exists(path("ok.cast")), "rec FILE -- echo hello: %d %s" % (rc, err))
check(any(e[1] == "o" and "hello" in e[2] for e in read_cast(path("ok.cast"))[1]), "no hello")

# usage errors, every command
for cmd in COMMANDS:
    usage_error(cmd, ["--no-such-option"], cmd + " --no-such-option")
usage_error("dump", ["--at"], "dump --at (no value)")
usage_error("convert", ["only-one"], "convert with one argument")
usage_error("rec", ["--window-size", "80by24", "x.cast"], "rec --window-size 80by24")
usage_error("rec", ["-f", "mp4", "x.cast"], "rec -f mp4")

# other errors still say which command
for cmd, args in (("cat", ["missing.cast"]), ("info", ["missing.cast"]), ("dump", ["missing.cast"]),
                  ("convert", ["missing.cast", "o.cast"]), ("play", ["missing.cast"]),
                  ("export", ["missing.cast", "--format", "folded"])):
    rc, out, err = tc(cmd, *args)
    check(rc != 0 and err, "%s %s: exit %d" % (cmd, args, rc))
    for l in err.splitlines():
        check(l.startswith("tracecast %s: " % cmd), "%s %s: line %r" % (cmd, args, l))

# help CMD
for cmd in COMMANDS:
    rc1, h1, _ = tc("help", cmd)
    rc2, h2, _ = tc(cmd, "--help")
    check(rc1 == 0 and h1 == h2 and h1.startswith("usage: tracecast " + cmd), "help %s differs from --help" % cmd)

# the nearest command
for typo, want in (("plya", "play"), ("rce", "rec"), ("dupm", "dump"), ("conver", "convert")):
    rc, out, err = tc(typo)
    check(rc == 2 and "did you mean '%s'?" % want in err, "%s: %s" % (typo, err))
rc, out, err = tc("xyzzy")
check(rc == 2 and "did you mean" not in err and "unknown command 'xyzzy'" in err, "xyzzy: %s" % err)

# rec -a on a missing file creates it
rc, out, err = tc("rec", "-q", "-a", "new.cast", "--", "echo", "appended")
check(rc == 0 and os.path.exists(path("new.cast")), "rec -a new.cast: %d %s" % (rc, err))
check(read_cast(path("new.cast"))[0]["version"] == 2, "rec -a new.cast: not a recording")
rc, out, err = tc("rec", "-q", "-a", "new.cast", "--", "echo", "again")
check(rc == 0, "rec -a on the existing file: %s" % err)
text = "".join(e[2] for e in read_cast(path("new.cast"))[1] if e[1] == "o")
check("appended" in text and "again" in text, "append lost output: %r" % text)

# a missing command leaves no file
for extra in ([], ["--strace"]):
    rc, out, err = tc("rec", "-q", *extra, "nocmd.cast", "--", "no-such-command-4242")
    check(rc == 127 and "no-such-command-4242" in err, "rec %s missing command: %d %s" % (extra, rc, err))
    check(not os.path.exists(path("nocmd.cast")), "rec %s of a missing command left a file" % extra)

# asciinema 3 spellings
# (variables set here: CI's environment may lack SHELL; an unset one is
# left out, as asciinema does)
rc, out, err = tc("rec", "-q", "--window-size", "100x30", "--capture-env", "TC_A,TC_UNSET,TC_B",
                  "--capture-input", "a3.cast", "--", "sh", "-c", "read x; echo got $x",
                  stdin=open(os.devnull), env={"TC_A": "a", "TC_B": "b b"}, unset=["TC_UNSET"])
check(rc == 0, "rec with asciinema 3 options: %s" % err)
h, ev = read_cast(path("a3.cast"))
check(h["width"] == 100 and h["height"] == 30, "--window-size: %r" % h)
check(h["env"] == {"TC_A": "a", "TC_B": "b b"}, "--capture-env: %r" % h["env"])
check(any(e[1] == "i" for e in ev), "--capture-input: no i event")
for fmt in ("asciicast-v3", "raw", "txt", "asciicast-v2"):
    f = path("f." + fmt)
    rc, out, err = tc("rec", "-q", "-f", fmt, "--window-size", "20x3", f, "--",
                      "sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done")
    check(rc == 0, "rec -f %s: %s" % (fmt, err))
    check(stat.S_IMODE(os.stat(f).st_mode) == 0o600, "rec -f %s: mode %o" % (fmt, os.stat(f).st_mode))
    data = open(f, "rb").read()
    if fmt == "asciicast-v3":
        check(json.loads(data.splitlines()[0])["version"] == 3, "rec -f v3: %r" % data[:80])
    elif fmt == "asciicast-v2":
        check(json.loads(data.splitlines()[0])["version"] == 2, "rec -f v2: %r" % data[:80])
    elif fmt == "raw":
        check(data == b"".join(b"line%d\r\n" % i for i in range(1, 6)), "rec -f raw: %r" % data)
    else:
        check(data == b"".join(b"line%d\n" % i for i in range(1, 6)), "rec -f txt: %r" % data)

# convert: the format from OUT's name; txt through the screen; 0600
src = path("scr.cast")
with open(src, "w") as fp:
    fp.write(json.dumps({"version": 2, "width": 10, "height": 3}) + "\n")
    for t, d in ((0.1, "one\r\ntwo\r\n"), (0.2, "three\r\nfour"), (0.3, "\x1b[2;1Hxx\x1b[1mB\x1b[0m"),
                 (0.4, "\r\n\u6f22\u5b57z   \r\n")):
        fp.write(json.dumps([t, "o", d]) + "\n")
os.umask(0o022)
rc, out, err = tc("convert", src, "scr.txt")
check(rc == 0, "convert to .txt: %s" % err)
got = open(path("scr.txt"), encoding="utf-8").read()
want = "one\ntwo\nxxBee\n\u6f22\u5b57z\n"
check(got == want, "convert .txt: %r, want %r" % (got, want))
for name in ("scr.txt",):
    check(stat.S_IMODE(os.stat(path(name)).st_mode) == 0o600, "%s mode %o" % (name, os.stat(path(name)).st_mode))
# a full-screen program's alternate screen is not the text once it left it
alt = path("alt.cast")
with open(alt, "w") as fp:
    fp.write(json.dumps({"version": 2, "width": 20, "height": 4}) + "\n")
    for t, d in ((0.1, "before\r\n"), (0.2, "\x1b[?1049h\x1b[HFULL SCREEN\r\n1\r\n2\r\n3\r\n4\r\n"),
                 (0.3, "\x1b[?1049lafter\r\n")):
        fp.write(json.dumps([t, "o", d]) + "\n")
rc, out, err = tc("convert", alt, "-", "-f", "txt")
check(rc == 0 and out == "before\nafter\n", "convert -f txt of an alternate screen: %r %s" % (out, err))
rc, out, err = tc("convert", src, "scr.cast2")
check(rc == 0 and json.loads(open(path("scr.cast2")).readline())["version"] == 2, "convert default v2: %s" % err)
check(stat.S_IMODE(os.stat(path("scr.cast2")).st_mode) == 0o600, "convert output mode %o" % os.stat(path("scr.cast2")).st_mode)
rc, out, err = tc("convert", "-f", "raw", src, "-")
check(rc == 0 and out == "one\r\ntwo\r\nthree\r\nfour\x1b[2;1Hxx\x1b[1mB\x1b[0m\r\n\u6f22\u5b57z   \r\n", "convert -f raw: %r" % out)
rc, out, err = tc("convert", "--output-format", "asciicast-v3", src, "-")
check(rc == 0 and json.loads(out.splitlines()[0])["version"] == 3, "convert --output-format asciicast-v3: %s" % err)
print("ok")
