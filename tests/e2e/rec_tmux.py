"""tracecast rec in a real terminal (tmux): raw mode on while recording and
`stty -a` identical afterwards (also after kill -TERM of the recorder),
the marker hotkey, the prefix sent twice, a resize as an r event, job
control (Ctrl-Z, Ctrl-C reach the command), the exit status."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
t = Tmux(100, 30)
try:
    f, g = path("t.cast"), path("term.cast")
    sh = "bash --norc --noprofile"

    def events(fname):
        try:
            return read_cast(fname, allow_cut=True)[1]
        except (OSError, SystemExit):
            return []

    def has_event(fname, code, data=None):
        return lambda: any(e[1] == code and (data is None or e[2] == data) for e in events(fname))

    t.run("tty > %s; stty -a > %s; touch %s" % (path("tty"), path("before"), path("s1")), path("s1"))
    # (files waited for are written under another name and renamed: a
    # redirection creates its file before the command writes into it)
    outer = open(path("tty")).read().strip()
    t.line("PS1='$ ' '%s' rec -I %s -- %s" % (TC, f, sh))
    t.wait_screen(lambda s: "Ctrl-\\ m or `tracecast mark` adds a" in s.replace("\n", ""), what="start notice")
    wait_for(has_event(f, "o"), 10, "the shell's prompt in the recording")
    raw = subprocess.run(["stty", "-a", "-F", outer], capture_output=True, text=True).stdout
    flags = raw.split()
    check("-icanon" in flags and "-echo" in flags and "-isig" in flags, "terminal not raw: %s" % raw)

    # Marker hotkey; the prefix twice sends the prefix itself.
    t.send("C-\\", "m")
    wait_for(has_event(f, "m", ""), 10, "the hotkey marker")
    t.line("stty -isig; echo ready-cat; cat -v")
    t.wait_screen(lambda s: "ready-cat" in s.split("echo ready-cat")[-1], what="stty -isig done")
    t.send("C-\\", "C-\\", "Enter")
    t.wait_screen(lambda s: "^\\" in s, what="the prefix sent through")
    t.send("C-d")
    t.line("stty isig; echo ok1")
    t.wait_screen(lambda s: "ok1" in s.split("echo ok1")[-1], what="ok1")

    # Resize: an r event with the new size, the pty follows.
    t.tmux("resize-window", "-x", "90", "-y", "25")
    wait_for(has_event(f, "r", "90x25"), 10, "r 90x25")
    t.line("stty size > %s.tmp; mv %s.tmp %s" % ((path("size"),) * 3))
    wait_for(lambda: os.path.exists(path("size")) and open(path("size")).read().strip() == "25 90",
             10, "pty size 25 90")
    t.tmux("resize-window", "-x", "100", "-y", "30")
    wait_for(has_event(f, "r", "100x30"), 10, "r 100x30")

    # Job control: Ctrl-Z stops the job, Ctrl-C interrupts the command.
    def running(*argv):
        want = ("\0".join(argv) + "\0").encode()
        def pred():
            for pid in os.listdir("/proc"):
                try:
                    if pid.isdigit() and open("/proc/%s/cmdline" % pid, "rb").read() == want:
                        return True
                except OSError:
                    pass
            return False
        return pred

    t.line("sleep 60.4242")
    wait_for(running("sleep", "60.4242"), 10, "sleep to start")
    t.send("C-z")
    t.wait_screen(lambda s: "Stopped" in s, what="Ctrl-Z stopping sleep")
    t.line("kill -9 %1; sleep 61.4242")
    wait_for(running("sleep", "61.4242"), 10, "the second sleep to start")
    t.send("C-c")
    t.line("echo after-int $?")
    t.wait_screen(lambda s: "after-int 130" in s, what="Ctrl-C interrupting sleep")

    t.line("exit 5")
    t.wait_screen(lambda s: "recording saved to" in s, what="end notice")
    t.run("echo rc=$? > %s; stty -a > %s.tmp; mv %s.tmp %s" % (path("rc"), path("after"), path("after"), path("after")), path("after"))
    check(open(path("rc")).read().strip() == "rc=5", "exit status %r" % open(path("rc")).read())
    check(open(path("before")).read() == open(path("after")).read(), "stty -a differs after exit:\n%s\n%s"
          % (open(path("before")).read(), open(path("after")).read()))
    h, ev = read_cast(f)
    check(h["width"] == 100 and h["height"] == 30, "header size %r" % h)
    check(ev[-1][1:] == ["x", "5"], "last event %r" % ev[-1])
    interop(f)

    # kill -TERM of the recorder: the terminal comes back exactly.
    t.line("clear")
    t.line("'%s' rec %s -- %s" % (TC, g, sh))
    wait_for(has_event(g, "o"), 10, "the second shell's prompt in the recording")
    t.line("echo $PPID > %s.tmp; mv %s.tmp %s" % ((path("pid"),) * 3))
    wait_for(lambda: os.path.exists(path("pid")), 10, "pid file")
    os.kill(int(open(path("pid")).read()), signal.SIGTERM)
    t.wait_screen(lambda s: "recording saved to %s" % g in s, what="end after SIGTERM")
    t.run("echo rc=$? > %s; stty -a > %s.tmp; mv %s.tmp %s" % (path("rc2"), path("after2"), path("after2"), path("after2")), path("after2"))
    check(open(path("rc2")).read().strip() == "rc=129", "exit after SIGTERM %r" % open(path("rc2")).read())
    check(open(path("before")).read() == open(path("after2")).read(), "stty -a differs after kill -TERM")
    ev = read_cast(g)[1]
    check(ev[-1][1:] == ["x", "129"], "last event after SIGTERM %r" % ev[-1])
    interop(g)
finally:
    t.kill()
cleanup()
