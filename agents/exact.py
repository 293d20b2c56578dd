"""numpy's own arithmetic for compiled kernels: its exp, expm1, log and power, and its sums.

numpy computes exp, expm1, log and power with its own SIMD code (SVML on AVX-512 machines),
which differs from the C library's functions, which numba calls, in the last bit of about one
result in twenty; and numpy sums floating-point arrays pairwise (blocks of eight partial sums),
not left to right. A compiled kernel that used its own would drift from the numpy model by a
rounding error in every quarter; here, compiled code calls numpy's inner loops themselves (read
from the ufunc objects once per process) and sums as numpy does, so both give the same bits.

In plain Python every helper is the numpy function. The ``*_into`` forms apply a function to
``x[:n]`` into ``out[:n]`` in one call, which is how kernels use them on whole arrays; the
scalar forms are for one row at a time. Compiled sums (``agents.exact_sums``) keep numpy's
eight partial sums as the lanes of one vector, and pack the selected elements of
:func:`psum_where` (the indices of :func:`nonzero`) with AVX-512's compress where the CPU
has it.
"""

from __future__ import annotations

import ctypes

import numpy as np

_LOOPS: dict[str, int] = {}  # ufunc name -> address of its float64 inner loop
_SYMBOL = "servisim_numpy_{}_f8"


# --- what kernels call ---------------------------------------------------------------------
def exp(x):
    """``numpy.exp``."""
    return np.exp(x)


def expm1(x):
    """``numpy.expm1``."""
    return np.expm1(x)


def log(x):
    """``numpy.log``."""
    return np.log(x)


def power(x, y):
    """``numpy.power`` on arrays (a numpy *scalar* ``**`` uses the C library's pow instead)."""
    return np.power(x, y)


def power_of_array(x, e):
    """``x ** e`` for an array ``x`` and a Python float ``e``, as numpy computes it.

    numpy computes ``x ** 0.5`` as ``sqrt(x)`` and any other float exponent with its power.
    """
    return x ** e


def exp_array(x):
    """``numpy.exp`` of a whole 1-d array (a new array)."""
    return np.exp(x)


def exp_into(x, out, n):
    """``out[:n] = numpy.exp(x[:n])`` (``x`` and ``out`` distinct arrays)."""
    np.exp(x[:n], out=out[:n])


def expm1_into(x, out, n):
    """``out[:n] = numpy.expm1(x[:n])`` (``x`` and ``out`` distinct arrays)."""
    np.expm1(x[:n], out=out[:n])


def quantile(x, q):
    """``numpy.quantile(x, q)`` of a 1-d array (numpy's default, linear method)."""
    return np.quantile(x, q)


def psum(x, n):
    """``x[:n].sum()``: numpy's pairwise sum (compiled: of a contiguous float64 array)."""
    return x[:n].sum()


def psum_where(x, mask, n):
    """``x[:n][mask[:n]].sum()``: the pairwise sum of the selected elements, packed.

    Compiled: ``x`` a contiguous float64 array, ``mask`` a contiguous bool array.
    """
    return x[:n][mask[:n]].sum()


def nonzero(mask, n):
    """``numpy.flatnonzero(mask[:n])``: the indices of the true elements (compiled: int64)."""
    return np.flatnonzero(mask[:n])


def count(mask, n):
    """Number of true elements in ``mask[:n]``."""
    return int(np.count_nonzero(mask[:n]))


# --- binding numpy's loops ------------------------------------------------------------------
def _ufunc_loop(ufunc: np.ufunc) -> int:
    """Address of a ufunc's all-float64 inner loop, from its ``PyUFuncObject``.

    The layout read (numpy/ufuncobject.h: the object header; ``int nin, nout, nargs,
    identity``; ``functions``; ``data``; ``int ntypes, reserved1``; ``name``; ``types``) is
    checked against what the ufunc says of itself, and the loop against the ufunc's results.
    """
    base = id(ufunc) + object.__basicsize__
    nin, nout, nargs = (ctypes.c_int.from_address(base + 4 * k).value for k in range(3))
    functions = ctypes.c_void_p.from_address(base + 16).value
    data = ctypes.c_void_p.from_address(base + 24).value
    ntypes = ctypes.c_int.from_address(base + 32).value
    name = ctypes.string_at(ctypes.c_void_p.from_address(base + 40).value).decode()
    types = ctypes.string_at(ctypes.c_void_p.from_address(base + 48).value, ntypes * nargs)
    if (nin, nout, nargs, ntypes, name) != (ufunc.nin, ufunc.nout, ufunc.nin + ufunc.nout,
                                            ufunc.ntypes, ufunc.__name__):
        raise ValueError(f"unexpected layout of numpy.{ufunc.__name__}")
    f8 = (np.dtype(np.float64).num,) * nargs
    for k in range(ntypes):
        if tuple(types[k * nargs:(k + 1) * nargs]) == f8:
            if data and ctypes.c_void_p.from_address(data + 8 * k).value:
                raise ValueError(f"numpy.{ufunc.__name__}'s float64 loop needs data")
            return ctypes.c_void_p.from_address(functions + 8 * k).value
    raise ValueError(f"numpy.{ufunc.__name__} has no float64 loop")


def _check_loop(ufunc: np.ufunc, address: int) -> None:
    """Call the loop through ctypes on test values; it must give the ufunc's bits."""
    rng = np.random.default_rng(0)
    args = [rng.uniform(0.01, 30.0, 1001) for _ in range(ufunc.nin)]
    if ufunc is not np.log:
        args[-1][::3] *= -1.0 / 16.0  # negative arguments (exponents) too
    expected = ufunc(*args)
    out = np.empty_like(expected)
    ptrs = (ctypes.c_void_p * (ufunc.nin + 1))(*[a.ctypes.data for a in (*args, out)])
    dims = (ctypes.c_ssize_t * 1)(len(out))
    steps = (ctypes.c_ssize_t * (ufunc.nin + 1))(*([8] * (ufunc.nin + 1)))
    loop = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                            ctypes.c_void_p)(address)
    loop(ptrs, dims, steps, None)
    if not np.array_equal(out, expected, equal_nan=True):
        raise ValueError(f"numpy.{ufunc.__name__}'s loop does not give its results")


def bind_numpy_loops() -> None:
    """Find numpy's float64 loops of exp, expm1, log and power and name them for LLVM."""
    if _LOOPS:
        return
    from llvmlite import binding

    for ufunc in (np.exp, np.expm1, np.log, np.power):
        address = _ufunc_loop(ufunc)
        _check_loop(ufunc, address)
        _LOOPS[ufunc.__name__] = address
        # Compiled kernels refer to the loop by this name, so a cached kernel resolves it in
        # every new process (the address changes from one process to the next).
        binding.add_symbol(_SYMBOL.format(ufunc.__name__), address)


# --- compiled forms -------------------------------------------------------------------------
def overload_helpers() -> None:
    """Give the helpers above their compiled forms (after :func:`bind_numpy_loops`).

    On one value the compiled form calls numpy's loop for one element (about 20-40 ns: use
    the ``*_into`` forms for whole arrays in hot loops); on an array it calls it once.
    """
    from agents.exact_llvm import binary_loop, unary_loop

    unary = {name: unary_loop(_SYMBOL.format(name)) for name in ("exp", "expm1", "log")}
    _overload_unary(unary)
    _overload_power(*binary_loop(_SYMBOL.format("power")))
    _overload_quantile()
    _overload_sums()
    _overload_masks()


_OPTS = {"error_model": "numpy"}


def _is_array(*args) -> bool:
    from numba import types

    return any(isinstance(a, types.Array) for a in args)


def _overload_unary(unary: dict) -> None:
    from numba.extending import overload, register_jitable

    def unary_form(name):
        one, many = unary[name]

        @register_jitable
        def into_new(src):
            # ``src`` is an argument, so the caller holds it until the loop has read it: a
            # local array whose last use is ``.ctypes.data`` may be freed before the call.
            out = np.empty(src.size)
            if src.size > 0:
                many(src.ctypes.data, out.ctypes.data, src.size)
            return out

        @register_jitable
        def on_array(x):
            return into_new(x.astype(np.float64))  # a contiguous float64 copy

        def impl(x):
            if _is_array(x):
                return lambda x: on_array(x)
            return lambda x: one(float(x))
        return impl

    overload(exp, jit_options=_OPTS)(unary_form("exp"))
    overload(expm1, jit_options=_OPTS)(unary_form("expm1"))
    overload(log, jit_options=_OPTS)(unary_form("log"))
    overload(exp_array, jit_options=_OPTS)(unary_form("exp"))

    def into_form(name):
        many = unary[name][1]

        def impl(x, out, n):
            def run(x, out, n):
                if n > 0:
                    many(x.ctypes.data, out.ctypes.data, n)
            return run
        return impl

    overload(exp_into, jit_options=_OPTS)(into_form("exp"))
    overload(expm1_into, jit_options=_OPTS)(into_form("expm1"))


def _overload_power(power_one, power_many) -> None:
    from numba.extending import overload, register_jitable

    @register_jitable
    def power_on_arrays(x, y, size, x_stride, y_stride):
        out = np.empty(size)
        if size > 0:
            power_many(x.ctypes.data, y.ctypes.data, out.ctypes.data, size, x_stride, y_stride)
        return out

    @overload(power, jit_options=_OPTS)
    def _power(x, y):
        x_array, y_array = _is_array(x), _is_array(y)
        if x_array and y_array:
            return lambda x, y: power_on_arrays(x.astype(np.float64), y.astype(np.float64),
                                                x.size, 8, 8)
        if x_array:  # numpy broadcasts the scalar: stride 0
            return lambda x, y: power_on_arrays(x.astype(np.float64), np.full(1, float(y)),
                                                x.size, 8, 0)
        if y_array:
            return lambda x, y: power_on_arrays(np.full(1, float(x)), y.astype(np.float64),
                                                y.size, 0, 8)
        return lambda x, y: power_one(float(x), float(y))

    @overload(power_of_array, jit_options=_OPTS)
    def _power_of_array(x, e):
        if _is_array(x):
            return lambda x, e: (np.sqrt(x) if e == 0.5 else
                                 power_on_arrays(x.astype(np.float64), np.full(1, float(e)),
                                                 x.size, 8, 0))
        return lambda x, e: np.sqrt(x) if e == 0.5 else power_one(float(x), float(e))


def _overload_quantile() -> None:
    from numba.extending import overload

    @overload(quantile, jit_options=_OPTS)
    def _quantile(x, q):
        def impl(x, q):
            # numpy's _quantile and _lerp for method="linear": the order statistics around
            # (n - 1) q, interpolated from the nearer one. Like numpy, it partitions rather
            # than sorts: the order statistic at ``previous``, then the least one above it.
            n = len(x)
            virtual = (n - 1) * q
            previous = int(np.floor(virtual))
            following = previous + 1
            if virtual >= n - 1:
                previous, following = -1, -1
            elif virtual < 0:
                previous, following = 0, 0
            gamma = virtual - previous
            at = previous if previous >= 0 else n - 1
            s = np.partition(x, at)
            a = s[at]
            b = a if following == previous else np.min(s[at + 1:])
            diff = b - a
            return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma
        return impl


def _checked(x, dtype) -> bool:
    """Whether ``x`` is known contiguous (else checked at run time); a 1-d ``dtype`` array."""
    from numba import types
    from numba.core.errors import TypingError

    if not (isinstance(x, types.Array) and x.ndim == 1 and x.dtype == dtype):
        raise TypingError(f"sums and nonzero take 1-d {dtype} arrays, not {x}")
    return x.layout == "C"


def _overload_sums() -> None:
    from numba import types
    from numba.extending import overload

    from agents.exact_sums import pack_intrinsic, pairwise_intrinsic

    pairwise = pairwise_intrinsic()
    pack = pack_intrinsic(_has_avx512())

    @overload(psum, jit_options=_OPTS)
    def _psum(x, n):
        if _checked(x, types.float64):
            return lambda x, n: pairwise(x, n)

        def impl(x, n):
            if x.strides[0] == 8:
                return pairwise(x, n)
            contiguous = np.ascontiguousarray(x[:n])
            return pairwise(contiguous, n)
        return impl

    @overload(psum_where, jit_options=_OPTS)
    def _psum_where(x, mask, n):
        _checked(x, types.float64)
        _checked(mask, types.boolean)

        def impl(x, mask, n):
            packed = np.empty(n)
            if x.strides[0] == 8 and mask.strides[0] == 1:
                k = pack(x, mask, n, packed)
            else:  # a strided view: contiguous copies first
                values, flags = np.ascontiguousarray(x[:n]), np.ascontiguousarray(mask[:n])
                k = pack(values, flags, n, packed)
            return pairwise(packed, k)
        return impl


def _overload_masks() -> None:
    from numba import types
    from numba.extending import overload

    from agents.exact_sums import nonzero_intrinsic

    indices_of = nonzero_intrinsic(_has_avx512())

    @overload(nonzero, jit_options=_OPTS)
    def _nonzero(mask, n):
        _checked(mask, types.boolean)

        def impl(mask, n):
            out = np.empty(n, np.int64)
            if mask.strides[0] == 1:
                k = indices_of(mask, n, out)
            else:
                flags = np.ascontiguousarray(mask[:n])
                k = indices_of(flags, n, out)
            return out[:k]
        return impl

    @overload(count, jit_options=_OPTS)
    def _count(mask, n):
        def impl(mask, n):
            k = 0
            for i in range(np.uint64(n)):  # unsigned: LLVM vectorises it (see agents.jit)
                k += mask[i]
            return k
        return impl


def _has_avx512() -> bool:
    """Whether numba compiles for a CPU with AVX-512 (its features, as its codegen reads them)."""
    from numba.core import codegen, config

    features = config.CPU_FEATURES
    if features is None:
        features = codegen.get_host_cpu_features()
    return "+avx512f" in features.split(",")
