#!/bin/sh
# The python profile tests again with the pure-Python sampler (the one that
# runs where the native module was not built for the running Python):
# TC_PY_IMPL=python makes lib_prof.py set TRACECAST_PY_NATIVE="".
here=$(cd "$(dirname "$0")" && pwd)
for t in prof_python.py prof_more_sampler_err.py; do
	TC_PY_IMPL=python /usr/bin/python3 "$here/$t" || exit $?
done
