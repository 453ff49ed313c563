#!/usr/bin/env python3
"""The view (issue 16): a recording as large as the viewer's terminal loses
2 rows to the status line and the timeline; Up/Down pan to them, and z
shows the screen alone (all rows); a recording wider than the terminal pans
with < and >, c follows the cursor again. Compared with dump's rows."""
import os
import re
import shutil
import subprocess
import tempfile

TRACECAST = os.environ["TRACECAST"]
from lib_tmux import skip, fail, tmux  # noqa: E402
import lib_tmux  # noqa: E402
COLS, ROWS = 80, 24


P = lib_tmux.Pane(ROWS)
capture, status, wait_for = P.capture, P.status, P.wait_for


def write_cast(path, cols, rows):
    with open(path, "w") as f:
        f.write('{"version": 2, "width": %d, "height": %d}\n' % (cols, rows))
        text = "\\r\\n".join(("row %02d " % (i + 1)) + "x" * (cols - 20) + "END" for i in range(rows))
        f.write('[0.1, "o", "%s"]\n' % text)
        f.write('[5.0, "o", ""]\n')


def run(path, last):
    P.run("%s play %s" % (TRACECAST, path))
    wait_for(lambda: last in "\n".join(capture()[:22]), "the recording's last row")
    tmux("send-keys", "-t", "t", "Space")
    wait_for(lambda: "paused" in status(), "paused")


def quit_player():
    P.quit()
    tmux("send-keys", "-t", "t", "clear", "Enter")


def main():
    if not shutil.which("tmux"):
        skip("tmux is not installed (make deps installs it)")
    tmp = tempfile.mkdtemp(prefix="tc-view.")
    same = os.path.join(tmp, "same.cast")
    wide = os.path.join(tmp, "wide.cast")
    write_cast(same, COLS, ROWS)
    write_cast(wide, 120, ROWS)
    dump = subprocess.run([TRACECAST, "dump", same], capture_output=True, text=True).stdout.split("\n")
    try:
        P.shell(COLS)
        run(same, "row 24")
        if "row 01" in "\n".join(capture()):
            fail("expected the first rows hidden by status and timeline:\n" + "\n".join(capture()))
        wait_for(lambda: "view 80x22+0+2 of 80x24" in status(), "the status line saying the view")
        tmux("send-keys", "-t", "t", "Up", "Up")
        wait_for(lambda: "view 80x22+0+0 of 80x24" in status(), "panned to the top")
        if capture()[:22] != [l[:COLS] for l in dump[:22]]:
            fail("panned view differs from dump's rows 1-22:\n" + "\n".join(capture()))
        tmux("send-keys", "-t", "t", "z")
        wait_for(lambda: "row 24" in capture()[23] and "row 01" in capture()[0], "z: all 24 rows")
        if capture()[:24] != [l[:COLS] for l in dump[:24]]:
            fail("z view differs from dump:\n" + "\n".join(capture()))
        tmux("send-keys", "-t", "t", "z")
        wait_for(lambda: "paused" in status(), "z again: the status line back")
        quit_player()

        run(wide, "END")
        wait_for(lambda: re.search(r"view 80x22\+\d+\+2 of 120x24", status()), "wide: view in status")
        tmux("send-keys", "-t", "t", "c")
        tmux("send-keys", "-t", "t", "<", "<", "<", "<", "<", "<")
        wait_for(lambda: "view 80x22+0+2 of 120x24" in status(), "panned to the left edge")
        if "END" in "\n".join(capture()[:22]):
            fail("the right edge is shown at the left pan:\n" + "\n".join(capture()))
        tmux("send-keys", "-t", "t", ">", ">", ">", ">", ">", ">")
        wait_for(lambda: "view 80x22+40+2 of 120x24" in status(), "panned to the right edge")
        if "END" not in capture()[5]:
            fail("the right edge is not shown after panning:\n" + "\n".join(capture()))
        quit_player()
    finally:
        tmux("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


main()
