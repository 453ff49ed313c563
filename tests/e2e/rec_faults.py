"""The recorder under faults (issue 11): each check is one reproduction of
the issue and fails on the recorder before the fix. REC_FAULTS_ONLY=name
runs one check (names: the functions below without "t_")."""
import gzip
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403


def env_clean(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
    e["TRACECAST"] = "0"  # not a nested recording (lib_rec's TC is ours)
    e.pop("TRACECAST")
    e.update(extra)
    return e


def run(args, timeout=30, env=None, **kw):
    """Run args; a hang is a failure (the process is killed, not waited)."""
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout,
                              env=env or env_clean(), **kw)
    except subprocess.TimeoutExpired:
        fail("%s: still running after %d s (killed)" % (" ".join(args)[:120], timeout))


def header_line(extra=None):
    h = {"version": 2, "width": 80, "height": 24,
         "tracecast": {"version": 1, "redactions": 0}}
    if extra:
        h.update(extra)
    return json.dumps(h, separators=(",", ":"))


def t_patch_count_overflow():
    """1: a header "redactions": 0 followed by 200 spaces, appended to with
    --redact: no stack overflow, the count lands, the x event is there."""
    f = path("pad.cast")
    line = header_line().replace('"redactions":0', '"redactions":0' + " " * 200)
    with open(f, "w") as fp:
        fp.write(line + "\n" + '[0.1, "o", "old\\r\\n"]\n')
    p = run([TC, "rec", "-q", "-a", "--redact", "secret", f, "--", "sh", "-c", "echo my secret"])
    check(p.returncode == 0, "rec -a --redact: exit %d: %s" % (p.returncode, p.stderr[-300:]))
    h, ev = read_cast(f)
    check(h["tracecast"]["redactions"] == 1, "redactions %r" % h["tracecast"]["redactions"])
    check(ev[-1][1] == "x", "no x event at the end: %r" % ev[-3:])
    check("secret" not in output(ev), "the secret was recorded")


def t_append_gzip_by_content():
    """2: a gzip recording named without .gz is refused by rec -a, the file
    byte-identical."""
    z = path("z.cast.gz")
    run([TC, "rec", "-q", z, "--", "echo", "first"])
    f = path("z.cast")
    os.rename(z, f)
    before = open(f, "rb").read()
    p = run([TC, "rec", "-q", "-a", f, "--", "echo", "x"])
    check(p.returncode == 2, "rec -a on gzip content: exit %d, expected 2" % p.returncode)
    check(b"gzip" in p.stderr, "no word of gzip: %r" % p.stderr)
    check(open(f, "rb").read() == before, "the gzip recording was changed")
    with gzip.open(f) as g:
        g.read()


def t_append_lock():
    """2: two appenders at once: the second is refused, the first's
    recording is whole."""
    f = path("lock.cast")
    run([TC, "rec", "-q", f, "--", "echo", "one"])
    go = path("go")
    first = subprocess.Popen([TC, "rec", "-q", "-a", f, "--", "sh", "-c",
                              "touch %s.started; while [ ! -e %s ]; do sleep 0.02; done; echo two"
                              % (go, go)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env_clean())
    try:
        wait_for(lambda: os.path.exists(go + ".started"), 20, "the first appender")
        p = run([TC, "rec", "-q", "-a", f, "--", "echo", "three"])
    finally:
        open(go, "w").close()
        first.wait(30)
    check(p.returncode != 0, "a second appender was let in (exit 0)")
    check(b"another recorder" in p.stderr, "message: %r" % p.stderr)
    check(first.returncode == 0, "the first appender: exit %d" % first.returncode)
    h, ev = read_cast(f)
    out = output(ev)
    check("one" in out and "two" in out and "three" not in out, "output %r" % out)
    interop(f)


def t_overwrite_policy():
    """3: --overwrite keeps the old recording until the new one has data,
    makes the result 0600, replaces a symlink instead of writing through
    it, and refuses a file owned by someone else."""
    f = path("ow.cast")
    with open(f, "w") as fp:
        fp.write("OLD\n")
    os.chmod(f, 0o644)
    seen = path("seen")
    p = run([TC, "rec", "-q", "--overwrite", f, "--", "sh", "-c", "cat %s > %s" % (f, seen)])
    check(p.returncode == 0, "rec --overwrite: exit %d: %s" % (p.returncode, p.stderr))
    check(open(seen).read() == "OLD\n", "the old recording was gone when the session "
          "started: %r" % open(seen).read()[:80])
    check(os.stat(f).st_mode & 0o777 == 0o600, "mode %o after --overwrite" % (os.stat(f).st_mode & 0o777))
    read_cast(f)
    # a symlink is replaced, its target untouched
    victim = path("victim")
    with open(victim, "w") as fp:
        fp.write("VICTIM\n")
    ln = path("ln.cast")
    os.symlink(victim, ln)
    p = run([TC, "rec", "-q", "--overwrite", ln, "--", "echo", "hi"])
    check(p.returncode == 0, "rec --overwrite over a symlink: exit %d" % p.returncode)
    check(open(victim).read() == "VICTIM\n", "written through the symlink")
    check(not os.path.islink(ln), "the symlink is still there")
    read_cast(ln)
    # another user's file is refused and left as it is
    other = path("other.cast")
    with open(other, "w") as fp:
        fp.write("THEIRS\n")
    os.chown(other, 65534, 65534)
    p = run([TC, "rec", "-q", "--overwrite", other, "--", "echo", "hi"])
    check(p.returncode == 2, "another user's file: exit %d, expected 2" % p.returncode)
    check(open(other).read() == "THEIRS\n", "another user's file was changed")
    # nor appended to, nor through a symlink
    before = open(other, "rb").read()
    p = run([TC, "rec", "-q", "-a", other, "--", "echo", "hi"])
    check(p.returncode == 2 and open(other, "rb").read() == before,
          "-a on another user's file: exit %d" % p.returncode)
    mine = path("mine.cast")
    run([TC, "rec", "-q", mine, "--", "echo", "mine"])
    before = open(mine, "rb").read()
    ln2 = path("ln2.cast")
    os.symlink(mine, ln2)
    p = run([TC, "rec", "-q", "-a", ln2, "--", "echo", "hi"])
    check(p.returncode == 2 and open(mine, "rb").read() == before,
          "-a through a symlink: exit %d" % p.returncode)
    left = [n for n in os.listdir(TMP) if n.startswith(".") and ".cast." in n]
    check(not left, "temporary files left: %r" % left)


def t_sigchld_ignored():
    """4: started with SIGCHLD ignored, rec still ends (and records)."""
    f = path("ign.cast")
    p = run([sys.executable, "-c", "import signal,os,sys; signal.signal(signal.SIGCHLD, "
             "signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])",
             TC, "rec", "-q", f, "--", "echo", "hi"], timeout=15)
    check(p.returncode == 0, "exit %d" % p.returncode)
    h, ev = read_cast(f)
    check("hi" in output(ev), "output %r" % output(ev))
    # and with --strace (its probe and tracer are children too)
    f = path("ign2.cast")
    p = run([sys.executable, "-c", "import signal,os,sys; signal.signal(signal.SIGCHLD, "
             "signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])",
             TC, "rec", "-q", "--strace", f, "--", "echo", "hi"], timeout=30)
    check(p.returncode == 0, "--strace: exit %d: %s" % (p.returncode, p.stderr[-300:]))
    h, ev = read_cast(f)
    check([e for e in ev if e[1] == "s"], "no syscalls recorded")


def t_long_tmpdir():
    """8: a TMPDIR of 75 to 80 characters (and 40 with --strace) works."""
    for n in (40, 75, 78, 80, 200):
        d = os.path.join(TMP, "t" * (n - len(TMP) - 1))
        check(len(d) == n, "bad length")
        os.makedirs(d, exist_ok=True)
        for extra in ([], ["--strace"]):
            f = path("tmp%d%s.cast" % (n, "s" if extra else ""))
            p = run([TC, "rec", "-q"] + extra + [f, "--", "echo", "hi"], env=env_clean(TMPDIR=d))
            check(p.returncode == 0, "TMPDIR of %d characters %s: exit %d: %s"
                  % (n, " ".join(extra), p.returncode, p.stderr[-300:]))
            read_cast(f)


def t_ulimit_f():
    """9: under ulimit -f the recorder is not killed by SIGXFSZ: exit 74,
    the file reads up to the limit."""
    f = path("big.cast")
    p = run(["bash", "-c", 'ulimit -f 8; exec "$0" rec -q "$1" -- sh -c "yes | head -c 300000"',
             TC, f])
    check(p.returncode == 74, "exit %d, expected 74: %s" % (p.returncode, p.stderr[-300:]))
    check(b"recording stopped" in p.stderr, "message: %r" % p.stderr[-300:])
    check(os.path.getsize(f) <= 8192, "file past the limit")
    read_cast(f, allow_cut=True)
    q = run([TC, "info", f])
    check(q.returncode == 0, "info on the cut file: %r" % q.stdout[-300:])


def t_append_near_int64():
    """10: appending to a recording whose last event is near the latest
    time readers take (4e9 s; later times are clamped there) keeps the
    times in order, saturated, never wrapped; a recording whose events are
    beyond it (near 2^63 ns) is refused and left byte-identical."""
    f = path("near.cast")
    with open(f, "w") as fp:
        fp.write(header_line() + "\n" + '[3999999999.99, "o", "far\\r\\n"]\n')
    p = run([TC, "rec", "-q", "-a", f, "--", "sh", "-c", "echo near; sleep 0.05; echo end"])
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr[-300:]))
    h, ev = read_cast(f)  # checks the times never decrease
    check(all(3999999999.99 <= e[0] <= 4000000000 for e in ev), "a time wrapped or passed 4e9 s: %r" % ev[:4])
    check("end" in output(ev), "the appended session is missing")
    f = path("far.cast")
    with open(f, "w") as fp:
        fp.write(header_line() + "\n" + '[9223372036.854, "o", "far\\r\\n"]\n')
    before = open(f, "rb").read()
    p = run([TC, "rec", "-q", "-a", f, "--", "sh", "-c", "echo near"])
    check(p.returncode != 0 and b"cannot append" in p.stderr, "exit %d: %r" % (p.returncode, p.stderr[-300:]))
    check(open(f, "rb").read() == before, "the refused file changed")


def t_gz_cut_recovery():
    """15: a .cast.gz cut by kill -9 does not gunzip (truncated stream),
    and `tracecast convert` recovers what was flushed (docs/usage-rec.md)."""
    f = path("cut.cast.gz")
    p = subprocess.Popen([TC, "rec", "-q", "--flush-ms", "50", f, "--", "sh", "-c",
                          "i=0; while :; do echo line $i; i=$((i+1)); sleep 0.01; done"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env_clean(TMPDIR=TMP))

    def lines_in():
        try:
            with gzip.open(f) as g:
                return g.read()
        except EOFError as e:  # truncated: what was read so far is lost here
            return b""
        except OSError:
            return b""
    # wait for data to be flushed: zcat reads up to the cut
    def flushed():
        q = subprocess.run(["sh", "-c", "zcat < '%s' 2>/dev/null | grep -c 'line 5'" % f],
                           capture_output=True)
        return q.stdout.strip() not in (b"", b"0")
    wait_for(flushed, 20, "flushed lines")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    q = run(["gzip", "-t", f])
    check(q.returncode != 0, "gzip -t accepts the cut file (test is moot)")
    try:
        with gzip.open(f) as g:
            g.read()
        fail("python's gzip read the cut file")
    except EOFError:
        pass
    out = path("recovered.cast")
    q = run([TC, "convert", f, out])
    check(q.returncode == 0, "tracecast convert: exit %d: %s" % (q.returncode, q.stderr[-300:]))
    h, ev = read_cast(out)
    check("line 5" in output(ev), "recovered output %r" % output(ev)[:200])
    q = run(["gzip", "-k", out])
    check(q.returncode == 0, "gzip of the recovered file")
    with gzip.open(out + ".gz") as g:
        g.read()


def t_headless_bash():
    """5: headless recordings of an interactive bash end at end of input."""
    cases = [
        (["rec", "-q", path("h1.cast")], b"", {"SHELL": "/bin/bash"}),
        (["rec", "-q", path("h2.cast"), "--", "bash", "--norc", "-i"], b"", {}),
        (["rec", "-q", path("h3.cast"), "--", "bash", "--norc", "-i"], b"echo hi\n", {}),
    ]
    for args, stdin, extra in cases:
        p = run([TC] + args, timeout=15, env=env_clean(**extra), input=stdin)
        h, ev = read_cast(args[2])
        check(ev[-1][1] == "x", "%s: no x event" % args)
        if stdin:
            check("hi\r\n" in output(ev), "%s: output %r" % (args, output(ev)))


def t_slow_reader():
    """6: a reader that does not read: the loop goes on (the file is
    flushed, SIGTERM is handled at once) while the relay waits."""
    f = path("y.cast")
    r, w = os.pipe()  # nobody reads r
    p = subprocess.Popen([TC, "rec", "-q", "--flush-ms", "50", f, "--", "yes"],
                         stdin=subprocess.DEVNULL, stdout=w, stderr=subprocess.PIPE,
                         env=env_clean(TMPDIR=TMP))
    os.close(w)
    try:
        hdr = [0]

        def grown():
            try:
                data = open(f, "rb").read()
            except OSError:
                return False
            return data.count(b"\n") > 3
        wait_for(grown, 10, "events flushed while the reader sleeps")
        t = time.monotonic()
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(8)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            fail("SIGTERM not handled while the reader sleeps (killed after 8 s)")
        took = time.monotonic() - t
        check(took < 4, "SIGTERM took %.1f s" % took)
    finally:
        os.close(r)
    h, ev = read_cast(f)
    check(ev[-1][1] == "x", "no x event")


def t_ctl_flood():
    """7: a control client that sends as fast as it can is held to the
    documented rate (20000 lines a second, bursts of 20000); what is
    dropped is counted and said."""
    f = path("flood.cast")
    flood = (
        "import os, socket, time\n"
        "s = socket.socket(socket.AF_UNIX); s.connect(os.environ['TRACECAST_CTL'])\n"
        "b = b'{\"code\":\"m\",\"data\":\"x\"}\\n' * 2000\n"
        "end = time.monotonic() + 2\n"
        "n = 0\n"
        "while time.monotonic() < end:\n"
        "    s.sendall(b); n += 2000\n"
        "print('sent', n)\n")
    t = time.monotonic()
    p = run([TC, "rec", f, "--", "python3", "-c", flood], timeout=60)
    took = time.monotonic() - t
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr[-300:]))
    h, ev = read_cast(f)
    sent = int(output(ev).split("sent ")[1].split()[0])
    marks = len([e for e in ev if e[1] == "m"])
    allowed = 20000 + 20000 * took + 1000
    check(marks <= allowed, "%d markers recorded in %.1f s (sent %d): no rate limit"
          % (marks, took, sent))
    # a recorder built with sanitizers may read slower than the limit: the
    # client is then held back by its read budget, and nothing is dropped
    if sent > allowed:
        check(b"over the rate limit dropped" in p.stderr, "summary: %r" % p.stderr[-300:])
        check(marks > 20000, "only %d markers kept" % marks)
    else:
        check(marks == sent, "%d markers of %d sent under the limit" % (marks, sent))


CHECKS = [v for k, v in sorted(globals().items()) if k.startswith("t_")]
only = os.environ.get("REC_FAULTS_ONLY")
ran = 0
for c in CHECKS:
    if only and c.__name__ != "t_" + only:
        continue
    c()
    ran += 1
check(ran, "no check named %r" % only)
cleanup()
