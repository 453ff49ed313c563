# tracecast_sampler: a stack sampler for `tracecast rec --profile=python`.
#
# A daemon thread reads sys._current_frames() HZ times a second and sends,
# for every other thread, one folded stack ("module:function;..." root
# first) stamped with time.monotonic_ns() (CLOCK_MONOTONIC, the recorder's
# clock) to the recorder's control socket, one JSON line per sample:
#   {"code":"p","data":"{\"src\":\"py\",\"pid\":1,\"tid\":1,\"stack\":\"..\"}","time":NS}
# Lines are batched (a send every FLUSH_S, well inside the recorder's
# reorder window). Any error stops the sampler with one line on stderr; the
# program itself is never disturbed.
#
# Two implementations send the same lines: the native module
# _tracecast_sampler (recorder/pysampler/pysampler.c, built with tracecast
# for the system's Python; found in the folder $TRACECAST_PY_NATIVE names,
# and only if built for the running Python), else the pure-Python one here.
#
# The cost is per wake-up, and a wake-up 10 ms after the last one finds
# the CPU's caches cold (here: a Python statement costs ~10x what it does
# in a hot loop), so the round is kept short: one function, locals only,
# and a thread whose stack did not change reuses the line's text whole
# (only the time is formatted per sample).
import os
import sys

# The native sampler needs nothing more; the pure-Python one binds these in
# _bind_pure(), at start(): still before the program runs, so a program that
# monkey-patches time and socket (eventlet, gevent) cannot turn the
# sampler's real thread into green calls. Not imported up front: every
# module imported here is the profiler's own syscalls in the program's
# trace (json alone pulls in re; issue 12).
json = socket = threading = None
_sleep = _monotonic = _monotonic_ns = _thread_time = None
_current_frames = sys._current_frames
_get_ident = _socket = None


def _bind_pure():
    global json, socket, threading, _sleep, _monotonic, _monotonic_ns
    global _thread_time, _get_ident, _socket
    import json as j
    import socket as so
    import threading as th
    import time as ti
    json, socket, threading = j, so, th
    _sleep, _monotonic, _monotonic_ns = ti.sleep, ti.monotonic, ti.monotonic_ns
    _thread_time, _get_ident, _socket = ti.thread_time, th.get_ident, so.socket


FLUSH_S = 0.05        # send at least this often (the reorder window is 100 ms)
MAX_DEPTH = 256       # frames kept per stack (the innermost ones)
MAX_STACKS = 4096     # distinct stack texts kept before the cache restarts

_sampler = None
_native_mod = None    # the native module, False if there is none


def _write_stats(pid, cpu, impl, rounds):
    """bench/profile.sh and the tests: the sampler thread's own CPU time,
    which sampler it was, the rounds it took and those it skipped (late)."""
    stats = os.environ.get("TRACECAST_PY_STATS")
    if stats and cpu is not None:
        try:
            with open(stats, "a") as f:
                f.write("%d %.6f %s %d %d\n" % ((pid, cpu, impl) + tuple(rounds)))
        except Exception:
            pass


def _load_native():
    """The _tracecast_sampler module built for this Python, or None. Loaded
    with the import system's own frozen parts (importlib.util would import
    contextlib, functools, ...: syscalls in the program's trace)."""
    where = os.environ.get("TRACECAST_PY_NATIVE")
    if not where:
        return None
    import _frozen_importlib as boot
    import _frozen_importlib_external as ext
    # only files named for this interpreter (EXTENSION_SUFFIXES): a module
    # built for another Python is not loaded
    for suffix in ext.EXTENSION_SUFFIXES:
        path = os.path.join(where, "_tracecast_sampler" + suffix)
        if os.path.exists(path):
            loader = ext.ExtensionFileLoader("_tracecast_sampler", path)
            spec = ext.spec_from_file_location("_tracecast_sampler", path, loader=loader)
            mod = boot.module_from_spec(spec)
            loader.exec_module(mod)
            return mod
    return None


class _Native(object):
    """The native sampler behind the interface of _Sampler."""
    impl = "native"

    def __init__(self, mod, path, hz):
        self.path = path
        self.hz = hz
        self.pid = os.getpid()
        self.s = mod.Sampler(path, hz, self.pid)

    @property
    def dead(self):
        return self.s.dead

    def start(self):
        self.s.start()

    def stop(self):
        if self.s.stop(0.5) and not self.s.dead:
            _write_stats(self.pid, self.s.cpu, self.impl, self.s.rounds)

    def forget_socket(self):
        """In a forked child: the copy is inert; its socket is the parent's."""
        self.s.forget()


class _Sampler(object):
    impl = "python"

    def __init__(self, path, hz, native=None):
        if hz < 1 or hz > 10000:
            raise ValueError("bad rate %r" % (hz,))
        self.path = path
        self.hz = hz
        self.period = 1.0 / hz
        self.pid = os.getpid()
        self.sock = None
        self.lines = []       # text waiting to be sent (line heads and tails)
        # Keyed by id(): code objects compare by content (two modules'
        # identical functions are equal), and the values hold the code
        # objects, so an id is not reused while its entry exists.
        self.names = {}       # id(code) -> (code, "module:qualname")
        self.stacks = {}      # (id(code)..., tid) -> (codes, line head)
        self.native = native or {}  # ident -> native id threading has wrong
        self.sched = {}       # ident -> [schedstat fd, busy ns, at ns, idle]
        self.running = True
        self.stopped = threading.Event()
        self.dead = False
        self.cpu = None       # the sampler thread's CPU seconds, once stopped
        self.rounds = [0, 0]  # rounds taken, rounds skipped (late)
        self.thread = threading.Thread(target=self._run,
                                       name="tracecast-sampler", daemon=True)

    def _tid(self, ident):
        """The native id of the thread ident names now (idents are reused)."""
        tid = self.native.get(ident)
        if tid is not None:
            return tid
        try:
            return threading._active[ident].native_id or 0
        except Exception:      # not a threading.Thread (or no native ids)
            return 0

    def _idle(self, ident, tid, now):
        """Did thread ident neither run nor wait for a CPU for half the
        time since the last look (/proc/self/task/TID/schedstat: run and
        run-queue time)? Its samples are then idle (FORMAT.md, point 13)."""
        st = self.sched.get(ident)
        if st is None:
            try:
                fd = os.open("/proc/self/task/%d/schedstat" % tid, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                fd = -1
            st = self.sched[ident] = [fd, -1, 0, False, tid]
        if st[0] < 0:
            return False
        try:
            f = os.pread(st[0], 96, 0).split()
            busy = int(f[0]) + int(f[1])
        except (OSError, ValueError, IndexError):
            return st[3]
        if st[1] >= 0 and now > st[2]:
            st[3] = 2 * (busy - st[1]) < now - st[2]
        st[1], st[2] = busy, now
        return st[3]

    def _forget(self, ident):
        st = self.sched.pop(ident, None)
        if st is not None and st[0] >= 0:
            try:
                os.close(st[0])
            except OSError:
                pass

    def _head(self, tid, frame, idle=False):
        """The line up to its time, for the stack that frame tops."""
        codes = []
        f = frame
        while f is not None and len(codes) < MAX_DEPTH:
            codes.append(f.f_code)
            f = f.f_back
        truncated = f is not None
        key = tuple(map(id, codes)) + (tid, idle)
        stacks = self.stacks
        got = stacks.get(key)
        if got is not None:
            return got[1]
        names = self.names
        stack = []
        f = frame
        for code in codes:
            got = names.get(id(code))
            if got is None:
                mod = f.f_globals.get("__name__") or "?"
                qual = getattr(code, "co_qualname", None) or code.co_name
                got = names[id(code)] = (code, ("%s:%s" % (mod, qual)).replace(";", "_"))
            stack.append(got[1])
            f = f.f_back
        if truncated:
            stack.append("[truncated]")
        stack.reverse()
        data = '{"src":"py","pid":%d,"tid":%d,%s"stack":%s}' % (
            self.pid, tid, '"idle":1,' if idle else "", json.dumps(";".join(stack)))
        head = '{"code":"p","data":%s,"time":' % (json.dumps(data),)
        if len(stacks) >= MAX_STACKS:
            stacks.clear()
        stacks[key] = (codes, head)
        return head

    def start(self):
        self.thread.start()

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

    def _loop(self):
        me = _get_ident()
        mono = _monotonic
        mono_ns = _monotonic_ns
        sleep = _sleep
        current = _current_frames
        head_of = self._head
        tid_of = self._tid
        idle_of = self._idle
        period = self.period
        # ident -> (top frame, its f_lasti, its f_back, line head): a thread
        # still in the same frame at the same instruction under the same
        # caller (blocked in a call: most threads most of the time) has the
        # stack of the last sample. The frames are held until the next one.
        last = {}
        lines = self.lines
        add = lines.append
        rounds = self.rounds
        # Rounds fall on one grid of CLOCK_MONOTONIC (multiples of the
        # period) and sends on multiples of FLUSH_S, in every process: the
        # recorder, which wakes to write each sample a reorder window after
        # its time, then wakes once for all the processes' samples of a
        # round, and reads their sends in one go.
        now = mono()
        nxt = (now // period + 1) * period
        flush_at = (now // FLUSH_S + 1) * FLUSH_S
        sleep(nxt - now)
        while self.running:
            t_ns = mono_ns()
            tail = "%d}\n" % t_ns
            # idle or not, read before the frames are taken: a read lets
            # the GIL go, and the other threads' frames would move on
            idle_now = {ident: idle_of(ident, st[4], t_ns)
                        for ident, st in list(self.sched.items())}
            new = []
            frames = current()
            if not self.running:
                # the reads above let the GIL go: the program may have
                # reached stop() (atexit) meanwhile; never sample that
                break
            for ident, frame in frames.items():
                if ident == me:
                    continue
                tid = tid_of(ident)
                idle = idle_now.get(ident)
                if idle is None:
                    idle = False
                    new.append((ident, tid))
                prev = last.get(ident)
                if (prev is None or prev[0] is not frame or prev[1] != frame.f_lasti
                        or prev[2] is not frame.f_back or prev[4] != idle):
                    prev = last[ident] = (frame, frame.f_lasti, frame.f_back,
                                          head_of(tid, frame, idle), idle)
                add(prev[3])
                add(tail)
            if len(last) >= len(frames):     # threads that ended
                for ident in [i for i in last if i not in frames]:
                    del last[ident]
                    self._forget(ident)
            frames = frame = prev = None
            for ident, tid in new:    # their first reading, for the next round
                idle_of(ident, tid, t_ns)
            rounds[0] += 1
            now = mono()
            if now >= flush_at:
                self._flush()
                lines = self.lines
                add = lines.append
                flush_at = (now // FLUSH_S + 1) * FLUSH_S
            nxt += period
            if nxt < now:          # late (a long GIL hold): skip, no burst
                lost = int((now - nxt) // period) + 1
                rounds[1] += lost
                # counted, never hidden: a record of its own (FORMAT.md)
                add('{"code":"p","data":"{\\"src\\":\\"py\\",\\"pid\\":%d,'
                    '\\"lost\\":%d,\\"lost_ns\\":%d}","time":%d}\n'
                    % (self.pid, lost, int(lost * period * 1e9), mono_ns()))
                nxt = (now // period + 1) * period
            sleep(nxt - now)       # one GIL hand-off (Event.wait takes more)

    def _run(self):
        try:
            # first: name this thread, whose syscalls are not the program's
            # (the recorder's strace source drops them)
            self.lines.append('{"sampler_tid":%d}\n' % threading.get_native_id())
            self._flush()
            self._loop()
            self._flush()
            self.cpu = _thread_time()
        except Exception as err:
            self._die(err)
        self.stopped.set()

    def _die(self, err):
        self.dead = True
        self.running = False
        self.lines = []
        try:
            sys.stderr.write("tracecast: python sampler stopped: %s\n" % (err,))
        except Exception:
            pass

    def stop(self):
        """At exit: stop the thread and send what is left."""
        self.running = False
        if self.thread.is_alive():
            self.thread.join(0.5)
        if self.dead or self.thread.is_alive():
            return
        try:
            self._flush()
        except Exception as err:
            self._die(err)
            return
        _write_stats(self.pid, self.cpu, self.impl, self.rounds)

    def forget_socket(self):
        """In a forked child: the socket belongs to the parent."""
        if self.sock is not None:
            try:
                self.sock.close()
            except Exception:
                pass
        self.sock = None
        self.lines = []


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
        # threading keeps the parent's native_id for the thread that forked
        # (Python 3.11): the child's own, from the thread itself
        import threading as th
        native = {th.get_ident(): th.get_native_id()}
        start(old.path, old.hz, native)
    except Exception as err:
        try:
            sys.stderr.write("tracecast: python sampler disabled: %s\n" % (err,))
        except Exception:
            pass


def start(path, hz, native=None):
    """Start sampling this process at hz, sending to the socket at path."""
    global _sampler, _native_mod
    if _sampler is not None:
        return
    s = None
    if _native_mod is None:
        try:
            _native_mod = _load_native() or False
        except Exception:    # unloadable: the pure-Python sampler instead
            _native_mod = False
    if _native_mod:
        s = _Native(_native_mod, path, hz)
    else:
        _bind_pure()
        s = _Sampler(path, hz, native)
    s.start()
    _sampler = s
    if not getattr(start, "_hooked", False):
        import atexit
        atexit.register(_at_exit)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_after_fork)
        start._hooked = True
