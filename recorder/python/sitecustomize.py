# tracecast: loaded by Python's site module because `tracecast rec
# --profile=python` put this folder first on PYTHONPATH.
#
# 1. Chain: run the sitecustomize that Python would have found without us
#    (the next one on sys.path), exactly as site.py would, errors included.
# 2. Start the stack sampler (tracecast_sampler.py), which reports over the
#    recorder's control socket $TRACECAST_CTL.
# Nothing here may break the program: every failure is caught.
import os as _os
import sys as _sys


def _tracecast_chain():
    """Find and run the next sitecustomize on sys.path (not this one)."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    try:
        # the import system's frozen parts: importlib.util would import
        # contextlib, functools, ... (syscalls in the program's trace)
        import _frozen_importlib
        import _frozen_importlib_external
        path = [p for p in _sys.path
                if _os.path.abspath(p or _os.curdir) != here]
        spec = _frozen_importlib_external.PathFinder.find_spec("sitecustomize", path)
        if spec is None or spec.loader is None:
            return
        mod = _frozen_importlib.module_from_spec(spec)
    except Exception:
        return
    # What site.execsitecustomize() does with the module it imports.
    try:
        try:
            _sys.modules["sitecustomize"] = mod
            spec.loader.exec_module(mod)
        except ImportError as exc:
            if exc.name != "sitecustomize":
                raise
    except Exception as err:
        _sys.modules["sitecustomize"] = _sys.modules.get(__name__) or mod
        if _sys.flags.verbose:
            _sys.excepthook(*_sys.exc_info())
        else:
            _sys.stderr.write(
                "Error in sitecustomize; set PYTHONVERBOSE for traceback:\n"
                "%s: %s\n" % (err.__class__.__name__, err))


def _tracecast_start():
    """Start the sampler if the recorder asked for it."""
    path = _os.environ.get("TRACECAST_CTL")
    hz = _os.environ.get("TRACECAST_PY_HZ")
    if not hz:
        return
    try:
        if not path:
            raise RuntimeError("TRACECAST_CTL is not set")
        import tracecast_sampler
        tracecast_sampler.start(path, int(hz))
    except Exception as err:
        try:
            _sys.stderr.write("tracecast: python sampler disabled: %s\n" % (err,))
        except Exception:
            pass


_tracecast_chain()
_tracecast_start()
