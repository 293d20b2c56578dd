"""The C library's exp, expm1, log and pow on arrays: the same bits on every CPU.

numpy picks its loops for these functions by what the CPU can do: on a machine with AVX-512
its own SIMD code (SVML), elsewhere the C library's functions. The two differ in the last bit
of about one result in twenty, and a run of the model, whose draws compare probabilities with
uniforms, then takes another path: the same seed gave other numbers on another machine. The
model therefore computes these four functions with the C library's (glibc's ``libm``, which
CPython's ``math`` calls too) whatever the CPU: here element by element for plain numpy, and in
compiled kernels through the loops of ``agents.libm_llvm``, which call the same functions.

``math`` raises where C returns ``inf``, ``-inf`` or ``nan`` (overflow, ``log(0)``, a negative
base); an array with such an element is computed again through ``ctypes``, which returns C's
value.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable

import numpy as np

_LIBRARY = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
#: The C library's functions, as ctypes calls (name -> function).
C_FUNCTIONS: dict[str, Callable] = {}
for _name, _arity in (("exp", 1), ("expm1", 1), ("log", 1), ("pow", 2)):
    _fn = getattr(_LIBRARY, _name)
    _fn.restype, _fn.argtypes = ctypes.c_double, [ctypes.c_double] * _arity
    C_FUNCTIONS[_name] = _fn
_PYTHON = {"exp": math.exp, "expm1": math.expm1, "log": math.log, "pow": math.pow}


def address(name: str) -> int:
    """Address of the C library's ``name`` (``exp``, ``expm1``, ``log`` or ``pow``)."""
    return ctypes.cast(C_FUNCTIONS[name], ctypes.c_void_p).value


def _apply(name: str, *args) -> np.ndarray | np.float64:
    if len(args) == 1 and args[0].__class__ in (float, np.float64):  # a step's scalars: fast
        try:
            return np.float64(_PYTHON[name](args[0]))
        except (OverflowError, ValueError):
            return np.float64(C_FUNCTIONS[name](args[0]))
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
    flat = [a.ravel().tolist() for a in arrays]
    try:
        values = np.fromiter(map(_PYTHON[name], *flat), np.float64, len(flat[0]))
    except (OverflowError, ValueError):  # C's inf, -inf or nan for this array
        values = np.fromiter(map(C_FUNCTIONS[name], *flat), np.float64, len(flat[0]))
    out = values.reshape(arrays[0].shape)
    return out if out.ndim else out[()]


def exp(x) -> np.ndarray | np.float64:
    """``exp`` of each element (a numpy float for a scalar)."""
    return _apply("exp", x)


def expm1(x) -> np.ndarray | np.float64:
    """``expm1`` of each element."""
    return _apply("expm1", x)


def log(x) -> np.ndarray | np.float64:
    """``log`` of each element."""
    return _apply("log", x)


def power(x, y) -> np.ndarray | np.float64:
    """``pow`` of each pair of elements, broadcast as numpy does."""
    return _apply("pow", x, y)
