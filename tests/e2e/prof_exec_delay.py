"""--strace --profile=proc with strace's child slow to exec (an LD_PRELOAD
shim holds every forked child 300 ms before it goes on): the command's
process samples are all there (issue 12, point 5: proc_sampler dropped
strace's pre-exec child for good and the recording had not one proc
event). Three recordings, each must have them."""
import json
import os
import shutil
import subprocess

from lib_rec import PROGS, check, fail, need_pty, path, read_cast, rec, skip

need_pty()
if not shutil.which("strace"):
    skip("strace is not installed (make deps installs it)")
if subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"]).returncode != 0:
    skip("strace cannot trace here (ptrace refused)")
shim = os.path.join(PROGS, "exec_delay_preload.so")
check(os.path.exists(shim), "%s missing (make helpers)" % shim)
sleep = shutil.which("sleep")

for i in range(3):
    f = path("d%d.cast" % i)
    rec(["--strace", "--profile=proc", f, "--", sleep, "1"], check_rc=0,
        # (the shim reaches the recorder too: an ASan build must not
        # insist on its runtime coming first)
        env={"LD_PRELOAD": shim,
             "ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                  "verify_asan_link_order=0"]))})
    hdr, evs = read_cast(f)
    check(hdr["tracecast"]["sources"]["profile"].get("proc_hz"), "no proc_hz in the header")
    procs = [p for e in evs if e[1] == "p" for p in json.loads(e[2]).get("procs", [])]
    mine = [p for p in procs if p["comm"] == "sleep"]
    # sleep runs 1 s after its own 300 ms constructor wait: at 20 Hz, 20 samples
    if len(mine) < 10:
        fail("recording %d: %d samples of the command (%d proc entries)" % (i, len(mine), len(procs)))
print("ok")
