"""Arithmetic that compiled kernels and plain numpy share to the last bit, on every CPU.

exp, expm1, log and power are the C library's functions (``agents.libm``), not numpy's: numpy
computes them with its own SIMD code (SVML) on machines with AVX-512 and with the C library's
elsewhere, and the two differ in the last bit of about one result in twenty, so a seed's run
would depend on the machine. In plain Python each is applied element by element; compiled
code calls loops that call the same C functions (``agents.libm_llvm``), with numpy's inner-loop
signature. Sums are numpy's: pairwise (blocks of eight partial sums), not left to right, which
a compiled kernel that summed on its own would miss by a rounding error in every quarter.

The ``*_into`` forms apply a function to ``x[:n]`` into ``out[:n]`` in one call, which is how
kernels use them on whole arrays; the scalar forms are for one row at a time. Compiled sums
(``agents.exact_sums``) keep numpy's eight partial sums as the lanes of one vector, and pack
the selected elements of :func:`psum_where` (the indices of :func:`nonzero`) with AVX-512's
compress where the CPU has it.
"""

from __future__ import annotations

import ctypes

import numpy as np

from agents import libm

_LOOPS: dict[str, int] = {}  # function name -> address of its compiled float64 loop
_SYMBOL = "servisim_libm_{}_f8"


# --- what kernels call ---------------------------------------------------------------------
def exp(x):
    """The C library's ``exp`` of each element."""
    return libm.exp(x)


def expm1(x):
    """The C library's ``expm1`` of each element."""
    return libm.expm1(x)


def log(x):
    """The C library's ``log`` of each element."""
    return libm.log(x)


def power(x, y):
    """The C library's ``pow`` of each pair of elements (broadcast)."""
    return libm.power(x, y)


def power_of_array(x, e):
    """``x ** e`` for an array ``x`` and a Python float ``e``: ``sqrt`` for 0.5, else ``pow``."""
    return np.sqrt(x) if e == 0.5 else libm.power(x, e)


def exp_array(x):
    """The C library's ``exp`` of a whole 1-d array (a new array)."""
    return libm.exp(x)


def exp_into(x, out, n):
    """``out[:n] = exp(x[:n])`` (``x`` and ``out`` distinct arrays)."""
    out[:n] = libm.exp(x[:n])


def expm1_into(x, out, n):
    """``out[:n] = expm1(x[:n])`` (``x`` and ``out`` distinct arrays)."""
    out[:n] = libm.expm1(x[:n])


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


# --- binding the C library's loops ---------------------------------------------------------
_FUNCTIONS = {"exp": exp, "expm1": expm1, "log": log, "power": power}


def _check_loop(name: str, address: int) -> None:
    """Call the loop through ctypes on test values; it must give the plain-Python form's bits."""
    rng = np.random.default_rng(0)
    arity = 2 if name == "power" else 1
    args = [rng.uniform(0.01, 30.0, 1001) for _ in range(arity)]
    if name != "log":
        args[-1][::3] *= -1.0 / 16.0  # negative arguments (exponents) too
    expected = _FUNCTIONS[name](*args)
    out = np.empty_like(expected)
    ptrs = (ctypes.c_void_p * (arity + 1))(*[a.ctypes.data for a in (*args, out)])
    dims = (ctypes.c_ssize_t * 1)(len(out))
    steps = (ctypes.c_ssize_t * (arity + 1))(*([8] * (arity + 1)))
    loop = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                            ctypes.c_void_p)(address)
    loop(ptrs, dims, steps, None)
    if not np.array_equal(out, expected, equal_nan=True):
        raise ValueError(f"the compiled {name} loop does not give the C library's results")


def bind_loops() -> None:
    """Compile the loops of exp, expm1, log and power over the C library, and name them."""
    if _LOOPS:
        return
    from llvmlite import binding

    from agents.libm_llvm import loop_addresses

    addresses = loop_addresses()
    for name, c_name in (("exp", "exp"), ("expm1", "expm1"), ("log", "log"), ("power", "pow")):
        _check_loop(name, addresses[c_name])
        _LOOPS[name] = addresses[c_name]
        # Compiled kernels refer to the loop by this name, so a cached kernel resolves it in
        # every new process (the address changes from one process to the next).
        binding.add_symbol(_SYMBOL.format(name), addresses[c_name])


# --- compiled forms -------------------------------------------------------------------------
def overload_helpers() -> None:
    """Give the helpers above their compiled forms (after :func:`bind_loops`).

    On one value the compiled form calls the loop for one element (about 20-40 ns: use
    the ``*_into`` forms for whole arrays in hot loops); on an array it calls it once.
    """
    from agents.exact_llvm import binary_loop, unary_loop
    from agents.libm_llvm import c_symbol

    unary = {name: unary_loop(_SYMBOL.format(name), c_symbol(name))
             for name in ("exp", "expm1", "log")}
    _overload_unary(unary)
    _overload_power(*binary_loop(_SYMBOL.format("power"), c_symbol("pow")))
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
