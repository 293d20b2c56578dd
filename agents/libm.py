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

Compiled loops call glibc's core functions rather than its public ``exp``, ``log`` and ``pow``
where the library exports them (:func:`core_address`): on x86-64 the public function of glibc
2.29 and later is a wrapper that calls the core and, on overflow or a domain error, sets
``errno``, and that wrapper costs nearly as much as the core (1.3 ns of 3 for ``exp``). The
value is the core's either way; each core is checked against its public function when bound.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import struct
from collections.abc import Callable

import numpy as np

_LIBRARY = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
#: The C library's functions, as ctypes calls (name -> function).
C_FUNCTIONS: dict[str, Callable] = {}
for _name, _arity in (("exp", 1), ("expm1", 1), ("log", 1), ("pow", 2)):
    _fn = getattr(_LIBRARY, _name)
    _fn.restype, _fn.argtypes = ctypes.c_double, [ctypes.c_double] * _arity
    C_FUNCTIONS[_name] = _fn
#: glibc's exported names of the functions its public ``exp``, ``log`` and ``pow`` call after
#: their argument checks, and the symbol versions its builds give them (x86-64, then aarch64):
#: kept for old binaries, so only found by version.
_CORES = {"exp": b"__exp_finite", "log": b"__log_finite", "pow": b"__pow_finite"}
_CORE_VERSIONS = (b"GLIBC_2.15", b"GLIBC_2.17")
_PYTHON = {"exp": math.exp, "expm1": math.expm1, "log": math.log, "pow": math.pow}


def address(name: str) -> int:
    """Address of the C library's ``name`` (``exp``, ``expm1``, ``log`` or ``pow``)."""
    return ctypes.cast(C_FUNCTIONS[name], ctypes.c_void_p).value


def _core(name: str) -> Callable | None:
    """The C library's core function for ``name`` as a ctypes call, or None if not exported."""
    try:
        dlvsym = ctypes.CDLL(None).dlvsym
    except AttributeError:  # not glibc
        return None
    dlvsym.restype = ctypes.c_void_p
    dlvsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    for version in _CORE_VERSIONS:
        found = dlvsym(_LIBRARY._handle, _CORES[name], version)
        if found:
            arity = 2 if name == "pow" else 1
            return ctypes.CFUNCTYPE(ctypes.c_double, *[ctypes.c_double] * arity)(found)
    return None


def _check_arguments(name: str) -> list[tuple[float, ...]]:
    """Arguments on which a core must give its public function's bits.

    The usual range, the edges of overflow and underflow, subnormal results, zeros,
    infinities and NaN.
    """
    rng = np.random.default_rng(1)
    edges = [0.0, -0.0, 1e-310, -1e-310, 0.5, 1.0, -1.0, 2.0, 709.78, 709.79, -708.4, -745.1,
             -746.0, 1000.0, -1000.0, 1e300, -1e300, math.inf, -math.inf, math.nan]
    firsts = edges + rng.normal(0.0, 8.0, 400).tolist() + rng.uniform(-750, 750, 200).tolist()
    if name == "log":
        firsts += rng.lognormal(0.0, 30.0, 200).tolist()
    if name != "pow":
        return [(x,) for x in firsts]
    exponents = edges + rng.normal(0.0, 3.0, 300).tolist()
    return list(zip(firsts, exponents * 2, strict=False))


def _same_bits(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)


def core_address(name: str) -> int:
    """Address of the C function compiled loops call for ``name``.

    The core that the public function wraps (see the module's docstring) where the C library
    exports it and it gives the public function's bits on every argument of
    :func:`_check_arguments`; else the public function (:func:`address`).
    """
    core = _core(name) if name in _CORES else None
    if core is None:
        return address(name)
    public = C_FUNCTIONS[name]
    if all(_same_bits(core(*args), public(*args)) for args in _check_arguments(name)):
        return ctypes.cast(core, ctypes.c_void_p).value
    return address(name)


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
