# tracecast_sampler: a stack sampler for `tracecast rec --profile=python`.
#
# A daemon thread reads sys._current_frames() HZ times a second and sends,
# for every other thread, one folded stack ("module:function;..." root
# first) stamped with time.monotonic_ns() (CLOCK_MONOTONIC, the recorder's
# clock) to the recorder's control socket, one JSON line per sample:
#   {"code":"p","data":"{\"src\":\"py\",\"pid\":1,\"tid\":1,\"stack\":\"..\"}","time":NS}
# Lines are batched (a send every FLUSH_S or FLUSH_LINES, well inside the
# recorder's reorder window). Any error stops the sampler with one line on
# stderr; the program itself is never disturbed.
import json
import os
import socket
import sys
import threading
import time

# Bound now, before the program runs: a program that monkey-patches time
# and socket (eventlet, gevent) must not turn the sampler's real thread
# into green calls.
_sleep = time.sleep
_monotonic = time.monotonic
_monotonic_ns = time.monotonic_ns
_thread_time = time.thread_time
_socket = socket.socket

FLUSH_S = 0.05        # send at least this often (the reorder window is 100 ms)
FLUSH_LINES = 64      # or when this many lines are waiting
MAX_DEPTH = 256       # frames kept per stack (the innermost ones)

_sampler = None


class _Sampler(object):
    def __init__(self, path, hz):
        if hz < 1 or hz > 10000:
            raise ValueError("bad rate %r" % (hz,))
        self.path = path
        self.period = 1.0 / hz
        self.pid = os.getpid()
        self.sock = None
        self.lines = []
        self.names = {}       # code object -> "module:qualname"
        self.native = {}      # thread ident -> native thread id
        self.last = {}        # thread ident -> (frame, f_lasti, f_back, data)
        self.stopped = threading.Event()
        self.dead = False
        self.cpu = None       # the sampler thread's CPU seconds, once stopped
        self.thread = threading.Thread(target=self._run,
                                       name="tracecast-sampler", daemon=True)

    def _name(self, frame):
        code = frame.f_code
        name = self.names.get(code)
        if name is None:
            mod = frame.f_globals.get("__name__") or "?"
            qual = getattr(code, "co_qualname", None) or code.co_name
            name = ("%s:%s" % (mod, qual)).replace(";", "_")
            self.names[code] = name
        return name

    def _tid(self, ident):
        tid = self.native.get(ident)
        if tid is None:
            self.native = {t.ident: (t.native_id or 0)
                           for t in threading.enumerate()}
            tid = self.native.setdefault(ident, 0)
        return tid

    def _sample(self, me):
        now = _monotonic_ns()
        frames = sys._current_frames()
        last = self.last
        try:
            for ident, frame in frames.items():
                if ident == me:
                    continue
                # A thread still in the same frame at the same instruction
                # under the same caller (blocked in a call, most threads
                # most of the time) has the stack of the last sample: reuse
                # its text. The frames are held until the next sample.
                lasti = frame.f_lasti
                back = frame.f_back
                prev = last.get(ident)
                if (prev is not None and prev[0] is frame and prev[1] == lasti
                        and prev[2] is back):
                    data = prev[3]
                else:
                    data = self._stack_data(ident, frame)
                    last[ident] = (frame, lasti, back, data)
                self.lines.append('{"code":"p","data":%s,"time":%d}\n' % (data, now))
            if len(last) > len(frames):     # threads that ended
                for ident in [i for i in last if i not in frames]:
                    del last[ident]
        finally:
            del frames

    def _stack_data(self, ident, frame):
        """The event's data string, already JSON-encoded for the line."""
        stack = []
        while frame is not None and len(stack) < MAX_DEPTH:
            stack.append(self._name(frame))
            frame = frame.f_back
        if frame is not None:
            stack.append("[truncated]")
        stack.reverse()
        data = '{"src":"py","pid":%d,"tid":%d,"stack":%s}' % (
            self.pid, self._tid(ident), json.dumps(";".join(stack)))
        return json.dumps(data)

    def _flush(self):
        if not self.lines:
            return
        blob = "".join(self.lines).encode("utf-8", "replace")
        self.lines = []
        if self.sock is None:
            s = _socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.path)
            self.sock = s
        self.sock.sendall(blob)

    def _run(self):
        try:
            me = threading.get_ident()
            nxt = _monotonic()
            last = nxt
            while not self.stopped.is_set():
                self._sample(me)
                now = _monotonic()
                if len(self.lines) >= FLUSH_LINES or now - last >= FLUSH_S:
                    self._flush()
                    last = now
                nxt += self.period
                if nxt < now:          # late (a long GIL hold): skip, no burst
                    nxt = now + self.period
                _sleep(nxt - now)  # one GIL hand-off (Event.wait takes more)
            self._flush()
            self.cpu = _thread_time()
        except Exception as err:
            self._die(err)

    def _die(self, err):
        self.dead = True
        self.stopped.set()
        self.lines = []
        try:
            sys.stderr.write("tracecast: python sampler stopped: %s\n" % (err,))
        except Exception:
            pass

    def stop(self):
        """At exit: stop the thread and send what is left."""
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(0.5)
        if self.dead or self.thread.is_alive():
            return
        try:
            self._flush()
        except Exception as err:
            self._die(err)
            return
        # bench/profile.sh: the sampler thread's own CPU time
        stats = os.environ.get("TRACECAST_PY_STATS")
        if stats and self.cpu is not None:
            try:
                with open(stats, "a") as f:
                    f.write("%d %.6f\n" % (self.pid, self.cpu))
            except Exception:
                pass

    def forget_socket(self):
        """In a forked child: the socket belongs to the parent."""
        if self.sock is not None:
            try:
                self.sock.close()
            except Exception:
                pass
        self.sock = None
        self.lines = []
        self.last = {}


def _at_exit():
    if _sampler is not None:
        _sampler.stop()


def _after_fork():
    """A forked child gets a sampler of its own (the thread is not copied)."""
    global _sampler
    old = _sampler
    _sampler = None
    if old is None or old.dead:
        return
    old.forget_socket()
    try:
        start(old.path, int(round(1.0 / old.period)))
    except Exception as err:
        try:
            sys.stderr.write("tracecast: python sampler disabled: %s\n" % (err,))
        except Exception:
            pass


def start(path, hz):
    """Start sampling this process at hz, sending to the socket at path."""
    global _sampler
    if _sampler is not None:
        return
    s = _Sampler(path, hz)
    s.thread.start()
    _sampler = s
    if not getattr(start, "_hooked", False):
        import atexit
        atexit.register(_at_exit)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_after_fork)
        start._hooked = True
