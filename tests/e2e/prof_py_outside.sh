#!/bin/sh
# The python profile tests again with the outside sampler (--profile=
# python-outside, recorder/py_walk.c): the same stacks, tids and names as
# the in-process samplers give, and no in-process sampler runs.
here=$(cd "$(dirname "$0")" && pwd)
TC_PY_IMPL=outside /usr/bin/python3 "$here/prof_python.py"
