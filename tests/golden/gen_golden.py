#!/usr/bin/env python3
"""Generate the golden screens: what a real terminal (tmux) shows at the
end of a recording.

For each recording, a detached tmux server on a private socket gets a
window of the recorded size (status line off); a pane runs a small shell
loop that `cat`s the "o" data of each stretch between resizes into its
own raw-mode terminal (stty raw -echo: no newline translation), and the
generator applies each "r" resize with resize-window between stretches.
When the pane's content is stable, `capture-pane -p` is written to
tests/golden/expected/NAME.txt.

usage: tests/golden/gen_golden.py [RECORDING...]
  default: every recording of $TC_CORPUS (tests/corpus) and of
  tests/fixtures/player/ that `tracecast dump` accepts (see SKIP below).

Run by hand when a fixture is added; the test (tests/e2e/dump_golden.sh)
only compares against the checked-in files. Known differences between
tmux 3.3a and libvterm 0.1.4 are recorded as NAME.known-diff (the exact
`diff` of tmux's screen against tracecast's) with the reason in
tests/golden/KNOWN-DIFFERENCES.md: regenerate those with --known-diff
after checking the reason still holds."""
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from castio import parse_size, read_cast  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXPECTED = os.path.join(ROOT, "tests", "golden", "expected")
CORPUS = os.environ.get("TC_CORPUS", os.path.join(ROOT, "tests", "corpus"))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "player")

# Recordings left out (none: every corpus file, the NEGATIVE ones included,
# is dumped after its malformed lines are skipped with a warning).
SKIP = set()


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] + list(args),
                          check=check, capture_output=True, text=True)


def wait(cond, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    raise RuntimeError("timed out")


def stable_capture(sock, target):
    prev, same = None, 0
    for _ in range(400):
        cur = tmux(sock, "capture-pane", "-p", "-e", "-t", target).stdout + \
            tmux(sock, "display", "-p", "-t", target, "#{cursor_x},#{cursor_y}").stdout
        same = same + 1 if cur == prev else 0
        if same >= 4:
            return
        prev = cur
        time.sleep(0.05)
    raise RuntimeError("pane never became stable")


def golden(path):
    cols, rows, events = read_cast(path)
    stretches = [[cols, rows, []]]
    for _t, code, data in events:
        if code == "o":
            stretches[-1][2].append(data)
        elif code == "r":
            size = parse_size(data)
            if size:
                stretches.append([size[0], size[1], []])
    tmp = tempfile.mkdtemp(prefix="tc-golden.")
    for i, (_c, _r, datas) in enumerate(stretches):
        with open(os.path.join(tmp, "seg%d" % i), "wb") as f:
            f.write("".join(datas).encode("utf-8", errors="surrogatepass"))
    script = os.path.join(tmp, "pane.sh")
    with open(script, "w") as f:
        f.write("stty raw -echo\n")
        f.write("i=0\nwhile [ $i -lt %d ]; do\n" % len(stretches))
        f.write("  while [ ! -e %s/go$i ]; do sleep 0.02; done\n" % tmp)
        f.write("  cat %s/seg$i\n  : > %s/done$i\n  i=$((i+1))\ndone\n" % (tmp, tmp))
        f.write("exec sleep 100000\n")
    # a fresh server per recording: reusing a name races with the previous
    # server's shutdown
    golden.count = getattr(golden, "count", 0) + 1
    sock = "tcgolden%d-%d" % (os.getpid(), golden.count)
    try:
        tmux(sock, "new-session", "-d", "-s", "g", "-x", str(cols), "-y", str(rows),
             "env", "-i", "PATH=/usr/bin:/bin", "sh", script)
        tmux(sock, "set", "-g", "status", "off")
        tmux(sock, "set", "-g", "window-size", "manual")
        for i, (c, r, _d) in enumerate(stretches):
            tmux(sock, "resize-window", "-t", "g", "-x", str(c), "-y", str(r))
            wait(lambda: tmux(sock, "display", "-p", "-t", "g",
                              "#{pane_width}x#{pane_height}").stdout.strip() == "%dx%d" % (c, r))
            stable_capture(sock, "g")
            open(os.path.join(tmp, "go%d" % i), "w").close()
            wait(lambda: os.path.exists(os.path.join(tmp, "done%d" % i)))
            stable_capture(sock, "g")
        out = tmux(sock, "capture-pane", "-p", "-t", "g").stdout
    finally:
        tmux(sock, "kill-server", check=False)
        subprocess.run(["rm", "-rf", tmp])
    lines = out.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    while len(lines) < stretches[-1][1]:
        lines.append("")
    return "".join(l.rstrip(" ") + "\n" for l in lines)


def recordings():
    out = []
    for d in (CORPUS, FIXTURES):
        for name in sorted(os.listdir(d)):
            if name.endswith((".cast", ".json", ".cast.gz")) and name not in SKIP:
                out.append(os.path.join(d, name))
    return out


def main(argv):
    known = "--known-diff" in argv
    paths = [a for a in argv if not a.startswith("--")] or recordings()
    tracecast = os.environ.get("TRACECAST", os.path.join(ROOT, "tracecast"))
    for p in paths:
        name = os.path.basename(p)
        exp = os.path.join(EXPECTED, name + ".txt")
        text = golden(p)
        with open(exp, "w") as f:
            f.write(text)
        ours = subprocess.run([tracecast, "dump", "--at", "end", p], capture_output=True)
        with open(exp + ".ours", "wb") as f:
            f.write(ours.stdout)
        d = subprocess.run(["diff", exp, exp + ".ours"], capture_output=True, text=True).stdout
        os.unlink(exp + ".ours")
        kd = os.path.join(EXPECTED, name + ".known-diff")
        if d and known:
            with open(kd, "w") as f:
                f.write(d.replace(exp + ".ours", "ours").replace(exp, "tmux"))
        print("%-60s %s" % (name, "same" if not d else "DIFFERS"))


if __name__ == "__main__":
    main(sys.argv[1:])
