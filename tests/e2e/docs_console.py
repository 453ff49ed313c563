"""The examples of docs/usage-stats.md and docs/usage-export.md are real:
every ```console block's "$ COMMAND" lines are run (bash, in a scratch
folder where samples/ is the project's and `tracecast` is the binary under
test) and what they print must be the lines that follow them in the doc.
`python3 tests/e2e/docs_console.py --update` rewrites the outputs."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TC = os.environ.get("TRACECAST") or os.path.join(ROOT, "tracecast")
DOCS = ["docs/usage-stats.md", "docs/usage-export.md"]
update = "--update" in sys.argv
bindir = tempfile.mkdtemp(prefix="tracecast-docs.")
os.symlink(os.path.abspath(TC), os.path.join(bindir, "tracecast"))
work = os.path.join(bindir, "work")
os.mkdir(work)
os.symlink(os.path.join(ROOT, "samples"), os.path.join(work, "samples"))
env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LC_ALL="C.UTF-8", COLUMNS="80")
env.pop("TRACECAST", None)


def run(cmd):
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=work, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


failures = []
ran = 0
for doc in DOCS:
    path = os.path.join(ROOT, doc)
    lines = open(path).read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].strip() != "```console":
            i += 1
            continue
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            if not lines[i].startswith("$ "):
                failures.append("%s:%d: console block line without '$ ': %r" % (doc, i + 1, lines[i]))
                i += 1
                continue
            cmd = lines[i][2:]
            out.append(lines[i])
            i += 1
            want = []
            while i < len(lines) and lines[i].strip() != "```" and not lines[i].startswith("$ "):
                want.append(lines[i])
                i += 1
            rc, got = run(cmd)
            ran += 1
            got_lines = got.split("\n")
            if got_lines and got_lines[-1] == "":
                got_lines.pop()
            if rc != 0 and not re.search(r"\|\| echo|; echo", cmd):
                failures.append("%s: `%s` exited %d:\n%s" % (doc, cmd, rc, got))
            if update:
                out.extend(got_lines)
            elif got_lines != want:
                failures.append("%s: `%s` printed:\n%s\nthe doc says:\n%s" % (
                    doc, cmd, "\n".join(got_lines), "\n".join(want)))
        if i < len(lines):
            out.append(lines[i])
        i += 1
    if update:
        open(path, "w").write("\n".join(out))
subprocess.run(["rm", "-rf", bindir])
if ran < 10:
    failures.append("only %d example commands found in %s" % (ran, DOCS))
if failures:
    print("FAIL: " + "\n\nFAIL: ".join(failures), file=sys.stderr)
    sys.exit(1)
print("docs examples: %d commands, outputs as documented" % ran)
