#!/usr/bin/env python3
"""The syscall detail view shows pid and comm (issue 16), not only the tid:
strace -f lines carry tids, and the player learns the process and the
command from the recording itself (a fork's return, CLONE_THREAD, an
execve's path). A thread made by clone3(CLONE_THREAD) in a forked child
that exec'd a long-named program: its line's detail says the child's pid
and the program's name cut to 15 bytes, as the kernel's comm is."""
import json
import os
import shutil
import tempfile

TRACECAST = os.environ["TRACECAST"]
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 110, 20
LINES = [
    '100 execve("/usr/bin/bash", ["bash"], 0x7ffd /* 3 vars */) = 0 <0.000300>',
    '100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101 <0.000100>',
    '101 execve("/opt/a-very-long-program-name", ["a"], 0x7 /* 3 vars */ <unfinished ...>',
    '100 wait4(-1,  <unfinished ...>',
    '101 <... execve resumed>) = 0 <0.000500>',
    '101 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff00, tls=0x7f} => {parent_tid=[102]}, 88) = 102 <0.000050>',
    '100 write(1, "parent", 6) = 6 <0.000001>',
    '102 read(3, "x\\")", 2) = 2 <0.000001>',
]

P = lib_tmux.Pane(ROWS)
capture, status, wait_for = P.capture, P.status, P.wait_for


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-detailproc.")
    cast = os.path.join(tmp, "p.cast")
    with open(cast, "w") as f:
        f.write('{"version": 2, "width": 30, "height": 5}\n')
        f.write('[0.1, "o", "working\\r\\n"]\n')
        for i, l in enumerate(LINES):
            f.write(json.dumps([0.2 + i * 0.01, "s", l]) + "\n")
        f.write('[2.0, "o", "done\\r\\n"]\n')
    try:
        P.shell(COLS)
        P.run("%s play %s" % (TRACECAST, cast))
        wait_for(lambda: "done" in "\n".join(capture()) and "paused" in status(), "at the end, paused")
        tmux("send-keys", "-t", "t", "Tab")
        wait_for(lambda: "[syscalls:" in status(), "panel focused")
        # the newest row: the thread's read
        tmux("send-keys", "-t", "t", "Enter")
        wait_for(lambda: "Esc/Enter closes" in "\n".join(capture()), "detail box")
        box = "\n".join(capture())
        for want in ("tid 102", "pid 101", "comm a-very-long-pro"):
            if want not in box:
                fail("detail box lacks %r:\n%s" % (want, box))
        tmux("send-keys", "-t", "t", "Escape")
        wait_for(lambda: "Esc/Enter closes" not in "\n".join(capture()), "detail closed")
        # one up: the parent's write, before any exec of its own
        tmux("send-keys", "-t", "t", "Up", "Enter")
        wait_for(lambda: "Esc/Enter closes" in "\n".join(capture()), "detail box of the write")
        box = "\n".join(capture())
        for want in ("tid 100", "pid 100", "comm bash"):
            if want not in box:
                fail("detail box of the parent's write lacks %r:\n%s" % (want, box))
        P.quit(keys=("Escape", "Escape", "q"))
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


main()
