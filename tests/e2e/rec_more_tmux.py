"""tracecast rec in a real terminal (tmux), the exit paths and keys that
tests/e2e/rec_tmux.py does not cover: `stty -a` of the user's terminal is
identical before and after SIGHUP and SIGINT to the recorder (exit 129:
the shell hung up, x event 129) and after a command killed by SIGSEGV
(exit 139, x event 139); `fg` after Ctrl-Z resumes the job in the
foreground (it reads the terminal again); `--prefix-key C-a` then m adds a
marker, and the default prefix (Ctrl-\\) no longer does."""
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
t = Tmux(100, 30)
sh = "bash --norc --noprofile"
n = [0]


def events(fname):
    """The whole event lines written so far (polled: must not fail(), which
    would clean up, while the file is still empty or cut)."""
    try:
        data = open(fname, "rb").read()
    except OSError:
        return []
    ev = []
    for line in data.split(b"\n")[1:-1]:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, list) and len(e) == 3:
            ev.append(e)
    return ev


def has_event(fname, code, data=None):
    return lambda: any(e[1] == code and (data is None or e[2] == data) for e in events(fname))


def done_file(name):
    """A shell command writing FILE atomically (write, then rename)."""
    p = path(name)
    return p, "> %s.tmp; mv %s.tmp %s" % (p, p, p)


def finish(label, fname, want_rc):
    """After the recorder ended: its exit status, stty -a unchanged, x event."""
    n[0] += 1
    t.wait_screen(lambda s: "recording saved to %s" % fname in s, what="%s: end notice" % label)
    rc, rdone = done_file("rc%d" % n[0])
    after, adone = done_file("after%d" % n[0])
    t.run("echo rc=$? %s; stty -a %s" % (rdone, adone), after)
    got = open(rc).read().strip()
    check(got == "rc=%d" % want_rc, "%s: exit status %r, want %d" % (label, got, want_rc))
    check(open(path("before")).read() == open(after).read(), "%s: stty -a differs:\n%s\n%s"
          % (label, open(path("before")).read(), open(after).read()))
    ev = read_cast(fname)[1]
    check(ev[-1][1:] == ["x", str(want_rc)], "%s: last event %r" % (label, ev[-1]))
    print("%s: exit %d, %d events, stty -a unchanged" % (label, want_rc, len(ev)))
    t.line("clear")
    return ev


def start_shell(fname, opts=""):
    t.line("'%s' rec %s %s -- %s" % (TC, opts, fname, sh))
    wait_for(has_event(fname, "o"), 15, "the shell's prompt in %s" % fname)


try:
    tty = path("tty")
    t.run("ulimit -c 0; stty -a > %s; tty > %s.tmp; mv %s.tmp %s" % (path("before"), tty, tty, tty), tty)
    outer = open(tty).read().strip()
    check(outer.startswith("/dev/"), "tty %r" % outer)

    # 1, 2. SIGHUP and SIGINT to the recorder: the shell is hung up (129).
    for sig in (signal.SIGHUP, signal.SIGINT):
        f = path("sig%d.cast" % sig)
        start_shell(f)
        pid, pdone = done_file("pid%d" % sig)
        t.line("echo $PPID %s" % pdone)
        wait_for(lambda: os.path.exists(pid), 10, "pid file")
        os.kill(int(open(pid).read()), sig)
        finish("signal %d to the recorder" % sig, f, 129)

    # 3. a command killed by a signal: 128+11, terminal restored
    f = path("segv.cast")
    t.line("'%s' rec %s -- sh -c 'echo about-to-die; kill -SEGV $$'" % (TC, f))
    ev = finish("command killed by SIGSEGV", f, 139)
    check("about-to-die" in output(ev), "output missing: %r" % output(ev))

    # 4. Ctrl-Z then fg: the job resumes in the foreground and reads the terminal
    f = path("fg.cast")
    start_shell(f)
    t.line("sh -c 'echo waiting-for-line; read x; echo got-$x-back'")
    t.wait_screen(lambda s: "waiting-for-line" in s.split("echo waiting")[-1], what="the job to start")
    t.send("C-z")
    t.wait_screen(lambda s: "Stopped" in s, what="Ctrl-Z stopping the job")
    t.line("fg")
    t.wait_screen(lambda s: "read x; echo" in s.split("Stopped")[-1], what="fg naming the job")
    t.line("resumed42")
    t.wait_screen(lambda s: "got-resumed42-back" in s, what="the resumed job reading its line")
    t.line("exit 0")
    ev = finish("fg", f, 0)
    check("got-resumed42-back" in output(ev), "fg: not recorded: %r" % output(ev)[-300:])

    # 5. --prefix-key C-a: C-a m adds a marker; Ctrl-\ m does not any more
    f = path("prefix.cast")
    start_shell(f, "--prefix-key C-a")
    t.line("echo default-prefix-next")
    t.wait_screen(lambda s: "default-prefix-next" in s.split("echo default")[-1], what="echo")
    t.send("C-\\", "m")
    t.send("C-a", "m")
    wait_for(has_event(f, "m"), 10, "the C-a m marker")
    t.send("C-u")
    t.line("exit 0")
    ev = finish("--prefix-key C-a", f, 0)
    marks = [e for e in ev if e[1] == "m"]
    check(len(marks) == 1, "--prefix-key C-a: want one marker, got %r" % marks)
    inp = output(ev)
    check("\x1c" not in inp, "the prefix itself was echoed? %r" % inp[-200:])
finally:
    t.kill()
cleanup()
