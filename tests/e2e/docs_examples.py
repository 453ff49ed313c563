"""Every example in README.md and docs/ (issue 17). Each fenced block there
carries an info string saying what it is:
  ```sh               a shell example: run (bash -e -o pipefail) in a
                      scratch folder, one per markdown file, the file's
                      blocks in order (a later block may use what an earlier
                      one recorded); `tracecast` is the binary under test;
                      must exit 0
  ```sh terminal      needs a terminal (play, an interactive shell): not run
  ```sh illustrative  placeholders (FILE, PID, tools not installed): not run
  ```text, ```json    output, synopsis, file excerpts, diagrams: not commands
  ```console          "$ COMMAND" lines and their exact output: run and
                      compared by docs_console.py
A block with no info string fails the test (say what it is). In every sh
block, each `tracecast CMD ...` command must name a real command and only
options that `tracecast CMD --help` lists."""
import glob
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

ROOT = os.environ.get("TC_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
KINDS = {"sh", "sh terminal", "sh illustrative", "text", "json", "console"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)

bindir = path("bin")
os.makedirs(bindir)
os.symlink(TC, os.path.join(bindir, "tracecast"))
env = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
env.update(PATH=bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"), HOME=TMP,
           TC_ROOT=ROOT, TERM="xterm")

_helps = {}


def options_of(cmd):
    if cmd not in _helps:
        p = subprocess.run([TC, cmd, "--help"], capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            _helps[cmd] = None
        else:
            _helps[cmd] = set(re.findall(r"(?<![A-Za-z0-9_-])(--?[A-Za-z][A-Za-z0-9-]*)", p.stdout))
    return _helps[cmd]


def check_commands(where, block):
    """Each tracecast command line of block: a real command, known options."""
    n = 0
    text = block.replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split(" #", 1)[0]
        for part in re.split(r"\||&&|;|\$\(", line):
            try:
                words = shlex.split(part)
            except ValueError:
                words = part.split()
            while words and ("=" in words[0] and not words[0].startswith("-")):
                words = words[1:]  # VAR=value prefixes
            if not words or os.path.basename(words[0]) != "tracecast":
                continue
            if len(words) < 2 or words[1].startswith("-"):
                continue
            cmd = words[1]
            opts = options_of(cmd)
            check(opts is not None, "%s: `tracecast %s`: no such command" % (where, cmd))
            for w in words[2:]:
                if w == "--":
                    break
                if w.startswith("-") and w != "-":
                    name = w.split("=", 1)[0]
                    if not name.startswith("--") and len(name) > 2:
                        name = name[:2]  # -qf: check -q
                    check(name in opts, "%s: `tracecast %s` has no option %s (%s --help)" % (where, cmd, name, cmd))
            n += 1
    return n


files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"),
                                                             recursive=True))
ran = checked = 0
for md in files:
    rel = os.path.relpath(md, ROOT)
    src = open(md, encoding="utf-8").read()
    work = path("run-" + re.sub(r"\W", "_", rel))
    os.makedirs(work)
    for m in FENCE.finditer(src):
        info, block = m.group(1).strip(), m.group(2)
        line = src[:m.start()].count("\n") + 1
        where = "%s:%d" % (rel, line)
        check(info, "%s: a fenced block without an info string: tag it one of %s" % (where, sorted(KINDS)))
        check(info in KINDS, "%s: unknown info string %r (one of %s)" % (where, info, sorted(KINDS)))
        if not info.startswith("sh"):
            continue
        checked += check_commands(where, block)
        if info != "sh":
            continue
        script = os.path.join(work, "example-%d.sh" % line)
        with open(script, "w") as f:
            f.write("set -e -o pipefail\n" + block)
        try:
            p = subprocess.run(["bash", "--norc", "--noprofile", script], cwd=work, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=180)
        except subprocess.TimeoutExpired:
            fail("%s: the example did not finish in 180 s:\n%s" % (where, block))
        check(p.returncode == 0, "%s: the example exits %d:\n%s\n--- stdout:\n%s\n--- stderr:\n%s" % (
            where, p.returncode, block, p.stdout.decode(errors="replace")[-2000:],
            p.stderr.decode(errors="replace")[-2000:]))
        ran += 1
check(ran >= 5, "only %d examples ran" % ran)
print("ok: %d examples run, %d tracecast command lines checked, in %d files" % (ran, checked, len(files)))
