"""Helpers for the recorder's end-to-end tests (tests/e2e/rec_*.py).

Named lib_* so tests/run-e2e.sh does not run it. Exit codes: 0 pass,
77 skip (last stderr line says why), anything else fails."""
import gzip
import json
import os
import select
import shutil
import subprocess
import sys
import atexit
import tempfile
import time

TC = os.environ.get("TRACECAST") or sys.exit("TRACECAST not set (run through make check)")
PROGS = os.environ.get("PROGS", "")
TMP = tempfile.mkdtemp(prefix="tracecast-rec-test.")
_TMUX = []          # tmux servers started by this test: killed by cleanup()
_KEEP = []          # non-empty: TC_KEEP asked to keep TMP after a failure


def cleanup():
    """Kill the test's tmux servers (before their socket in TMP goes), then
    remove TMP. Also run at exit, so an exception leaves nothing behind."""
    while _TMUX:
        _TMUX.pop().kill()
    if not _KEEP:
        shutil.rmtree(TMP, ignore_errors=True)


atexit.register(cleanup)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    if os.environ.get("TC_KEEP"):
        print("kept " + TMP, file=sys.stderr)
        _KEEP.append(True)
    # no cleanup() here: it runs at exit. A caller that polls and catches
    # SystemExit (a file read while still empty) must keep its tmux and TMP.
    sys.exit(1)


def skip(msg):
    print("skipped: " + msg, file=sys.stderr)
    cleanup()
    sys.exit(77)


def check(cond, msg):
    if not cond:
        fail(msg)


def prog(name):
    p = os.path.join(PROGS, name)
    if not os.access(p, os.X_OK):
        fail("helper program %s missing (make helpers)" % p)
    return p


def path(name):
    return os.path.join(TMP, name)


def need_pty():
    try:
        m, s = os.openpty()
        os.close(m)
        os.close(s)
    except OSError as e:
        skip("cannot open a pty here: %s" % e)


def in_pty(args, env=None, timeout=60, on_data=None):
    """Run args with one new pty as its stdin, stdout and stderr (a new
    session); (exit status, every byte it wrote there). on_data(bytes), if
    given, gets each read as soon as it is read."""
    m, s = os.openpty()
    p = subprocess.Popen(args, stdin=s, stdout=s, stderr=s, env=env, start_new_session=True)
    os.close(s)
    out = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([m], [], [], 0.2)
        if r:
            try:
                d = os.read(m, 65536)
            except OSError:
                break
            if not d:
                break
            out += d
            if on_data:
                on_data(d)
    else:
        p.kill()
    p.wait(10)
    os.close(m)
    return p.returncode, out


def rec(args, stdin=b"", timeout=60, env=None, check_rc=None):
    """Run `tracecast rec ARGS` headless (stdin a pipe). Returns (rc, stdout, stderr)."""
    e = dict(os.environ)
    e.pop("TRACECAST", None)
    e.pop("TRACECAST_CTL", None)
    e.pop("TRACECAST_FILE", None)
    if env:
        e.update(env)
    p = subprocess.run([TC, "rec"] + list(args), input=stdin, capture_output=True,
                       timeout=timeout, env=e)
    if check_rc is not None and p.returncode != check_rc:
        fail("tracecast rec %s: exit %d, expected %d; stderr: %s"
             % (" ".join(args), p.returncode, check_rc, p.stderr.decode(errors="replace")))
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def read_cast(fname, allow_cut=False):
    """Header and events of a recording, parsed with python's json per line.
    allow_cut: a last line without its newline may be cut (crash)."""
    opener = gzip.open if fname.endswith(".gz") else open
    with opener(fname, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif not allow_cut:
        fail("%s: last line has no newline" % fname)
    elif lines:
        lines.pop()  # the cut line
    check(lines, "%s: empty" % fname)
    header = json.loads(lines[0])
    events = []
    for i, l in enumerate(lines[1:], 2):
        try:
            ev = json.loads(l)
        except ValueError as ex:
            fail("%s:%d: not JSON: %s: %r" % (fname, i, ex, l[:80]))
        check(isinstance(ev, list) and len(ev) == 3 and isinstance(ev[2], str),
              "%s:%d: not an event: %r" % (fname, i, l[:80]))
        events.append(ev)
    last = -1.0
    for ev in events:
        check(ev[0] >= last, "%s: times decrease at %r" % (fname, ev))
        last = ev[0]
    return header, events


def output(events, code="o"):
    return "".join(e[2] for e in events if e[1] == code)


# The command of the kill -9 tests (python3 -c TICKER SIDE PERIOD): writes
# "tick N" every PERIOD seconds, and N with its CLOCK_MONOTONIC time to the
# file SIDE, flushed, so a test knows when each line was written.
TICKER = r'''
import os, sys, time
side = open(sys.argv[1], "w")
for n in range(100000):
    os.write(1, b"tick %d\n" % n)
    side.write("%d %d\n" % (n, time.monotonic_ns()))
    side.flush()
    time.sleep(float(sys.argv[2]))
'''


def read_ticks(side):
    """TICKER's SIDE file: [(N, monotonic ns)], [] when not there yet."""
    try:
        rows = [l.split() for l in open(side).read().splitlines()]
    except OSError:
        return []
    return [(int(a), int(b)) for a, b in rows if b]


def term_cat(cmd):
    """Run cmd in a pty (script) with no input: what a terminal receives."""
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout


def asciinema_cat(fname):
    rc, out = term_cat("asciinema cat '%s'" % fname)
    check(rc == 0, "asciinema cat %s failed (exit %d)" % (fname, rc))
    return out


def subcommand_available(name):
    p = subprocess.run([TC, name, "--help"], capture_output=True)
    return b"not available in this build" not in p.stderr


def interop(fname, asciinema=True):
    """The recording passes `tracecast info` and plays in asciinema cat with
    the same output as `tracecast cat`."""
    read_cast(fname)
    if subcommand_available("info"):
        p = subprocess.run([TC, "info", fname], capture_output=True)
        check(p.returncode == 0, "tracecast info %s: exit %d: %s"
              % (fname, p.returncode, (p.stdout + p.stderr).decode(errors="replace")[-500:]))
    if asciinema and not fname.endswith(".gz") and subcommand_available("cat"):
        # asciinema cat puts the terminal in raw mode (no ONLCR): do the same.
        ours = term_cat("stty raw -echo; '%s' cat '%s'" % (TC, fname))[1]
        theirs = asciinema_cat(fname)
        check(ours == theirs, "%s: tracecast cat and asciinema cat differ:\n%r\n%r"
              % (fname, ours[:300], theirs[:300]))


def wait_for(pred, timeout=20, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.05)
    fail("timed out waiting for " + what)


class Tmux:
    """A private tmux server running one window (bash without rc files)."""

    def __init__(self, cols=100, rows=30):
        if not shutil.which("tmux"):
            skip("tmux is not installed (make deps installs it)")
        self.sock = path("tmux.sock")
        env = dict(os.environ, PS1="$ ", TERM="xterm-256color", HOME=TMP)
        for k in ("TRACECAST", "TRACECAST_CTL", "TRACECAST_FILE", "TMUX"):
            env.pop(k, None)
        self.env = env
        _TMUX.append(self)
        r = self.tmux("new-session", "-d", "-x", str(cols), "-y", str(rows),
                      "bash --norc --noprofile", check=False)
        if r.returncode != 0:
            skip("tmux cannot start here: %s" % r.stderr.decode(errors="replace"))
        self.tmux("set-option", "-g", "status", "off")
        self.wait_screen(lambda s: "$" in s or "#" in s, what="the shell prompt")

    def tmux(self, *args, check=True):
        r = subprocess.run(["tmux", "-S", self.sock] + list(args), capture_output=True,
                           env=self.env, timeout=30)
        if check and r.returncode != 0:
            fail("tmux %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
        return r

    def send(self, *keys):
        self.tmux("send-keys", *keys)

    def line(self, text):
        self.tmux("send-keys", "-l", text)
        self.tmux("send-keys", "Enter")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-J").stdout.decode(errors="replace")

    def wait_screen(self, pred, timeout=20, what="screen"):
        end = time.time() + timeout
        while time.time() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.05)
        fail("timed out waiting for %s; screen:\n%s" % (what, self.screen()))

    def run(self, cmd, done_file, timeout=20):
        """Type cmd; wait until it created done_file."""
        self.line(cmd)
        wait_for(lambda: os.path.exists(done_file), timeout, "'%s'" % cmd)

    def kill(self):
        try:
            self.tmux("kill-server", check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
