"""Shared by tests/stress/stress_*.py: lib_rec's helpers plus a clean
environment and bounded runs."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from lib_rec import *  # noqa: E402,F401,F403
from lib_rec import TC, TMP, fail  # noqa: E402


def env_clean(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("TRACECAST")}
    e["TMPDIR"] = TMP  # a kill -9 leaves the control socket's folder: cleanup() takes it
    e.update(extra)
    return e


def run(args, timeout=60, env=None, **kw):
    """Run args; a hang is a failure (killed, never waited for)."""
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout,
                              env=env or env_clean(), **kw)
    except subprocess.TimeoutExpired:
        fail("%s: still running after %d s (killed)" % (" ".join(args)[:160], timeout))


def reads(f):
    """tracecast info reads the recording (cut last line allowed)."""
    p = subprocess.run([TC, "info", f], capture_output=True, timeout=60)
    if p.returncode != 0:
        fail("tracecast info %s: exit %d: %r" % (f, p.returncode, (p.stdout + p.stderr)[-300:]))
