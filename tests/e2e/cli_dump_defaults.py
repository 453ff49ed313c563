"""dump's defaults (issue 17): --overlay without --size takes the
terminal's size (stdout a real pty of 100x30) or 80x24 without a terminal;
the still frame's status line has no play symbol and no `? help`; --at past
the end says so on stderr (and still prints the last screen, exit 0)."""
import fcntl
import os
import struct
import subprocess
import sys
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib_rec import *  # noqa: E402,F403

need_pty()
cast = path("d.cast")
with open(cast, "w") as f:
    f.write('{"version": 2, "width": 40, "height": 10}\n')
    f.write('[0.5, "o", "hello dump\\r\\n"]\n[1.0, "m", "half"]\n[2.0, "o", "bye\\r\\n"]\n')

# no terminal: 80x24 (new session: no controlling terminal either)
p = subprocess.run([TC, "dump", "--overlay", cast], capture_output=True, stdin=subprocess.DEVNULL,
                   start_new_session=True, timeout=30)
out = p.stdout.decode()
lines = out.split("\n")[:-1]
check(p.returncode == 0, "dump --overlay without --size: exit %d: %s" % (p.returncode, p.stderr))
check(len(lines) == 24, "dump --overlay without a terminal: %d lines, want 24" % len(lines))
status = lines[-1]
check("0:02.0 / 0:02.0" in status, "status line %r" % status)
check("\u25b6" not in status and "? help" not in status and "||" not in status,
      "a still frame shows play controls: %r" % status)
check(max(len(l) for l in lines) <= 80 and any(len(l) == 80 for l in lines), "not 80 columns wide")

# stdout a terminal of 100x30
m, s = os.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
attrs = termios.tcgetattr(s)
attrs[1] &= ~termios.OPOST  # no \n -> \r\n
termios.tcsetattr(s, termios.TCSANOW, attrs)
p = subprocess.Popen([TC, "dump", "--overlay", cast], stdout=s, stderr=subprocess.PIPE,
                     stdin=subprocess.DEVNULL)
os.close(s)
data = b""
while True:
    try:
        chunk = os.read(m, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
rc = p.wait(timeout=30)
os.close(m)
lines = data.decode().split("\n")[:-1]
check(rc == 0, "dump --overlay on a pty: exit %d" % rc)
check(len(lines) == 30, "dump --overlay on a 100x30 terminal: %d lines" % len(lines))
check(any(len(l.rstrip("\r")) == 100 for l in lines), "not 100 columns wide")

# --at past the end
p = subprocess.run([TC, "dump", "--at", "7", cast], capture_output=True, timeout=30)
err = p.stderr.decode()
check(p.returncode == 0 and "hello dump" in p.stdout.decode(), "dump --at 7: %d %r" % (p.returncode, p.stdout))
check(err.startswith("tracecast dump: --at 7.000 s is past the end") and "2.000 s" in err,
      "dump --at past the end said %r" % err)
for args in (["--at", "1.5"], ["--at", "end"], ["--at", "2"], ["--overlay", "--size", "60x20", "--at", "2"]):
    p = subprocess.run([TC, "dump"] + args + [cast], capture_output=True, timeout=30)
    check(p.returncode == 0 and p.stderr == b"", "dump %s: %d %r" % (args, p.returncode, p.stderr))
p = subprocess.run([TC, "dump", "--overlay", "--size", "60x20", "--at", "9", cast], capture_output=True,
                   timeout=30)
check("past the end" in p.stderr.decode(), "dump --overlay --at 9: %r" % p.stderr)
print("ok")
