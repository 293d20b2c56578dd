"""Random draws inside kernels: numpy's own, made through numpy's C API.

A quarter's phases draw between their kernels (who is attacked, then how badly, then who
closes), and each draw in Python costs a kernel call and a numpy call on each side of it.
numpy's ``Generator`` makes its draws with C functions it exports for compiled code (its
documented C API, ``numpy/random/distributions.h``): ``rng.random(n)`` fills with
``random_standard_uniform_fill(bitgen, n, out)`` and ``rng.standard_normal(n)`` with
``random_standard_normal_fill``, on the generator's ``bitgen_t``; ``rng.permutation(n)``
shuffles ``arange(n)`` from its end, swapping item ``i`` with item ``random_interval(bitgen,
i)`` for ``i = n - 1`` down to 1. A kernel that draws in its body calls :func:`uniform_draws`,
:func:`normal_draws` and :func:`permutation` on a *source*: as numpy, the source is the
``Generator`` and they are its methods; compiled, it is the address of the generator's
``bitgen_t`` (:func:`source_of`) and they call those same C functions, so the values and the
stream are numpy's by construction, whatever the bit generator.

The C functions are called by names of our own bound to their addresses (as
``agents.exact`` binds the C library's loops), so a kernel cached on disk finds them again in a
new process. :func:`bind` checks each one once per process against the ``Generator``'s method
before anything uses it. ``agents.jit.call_drawing`` calls such a kernel under the bit generator's
lock, as numpy holds it while it draws.
"""

from __future__ import annotations

import ctypes

import numpy as np
from numpy.random import Generator

_SYMBOL = "servisim_numpy_{}"
_INTERVAL = "random_interval"  # uint64_t random_interval(bitgen_t *, uint64_t max)
_BOUND: list[bool] = []  # [True] once bound and checked in this process


def uniform_draws(source, n: int) -> np.ndarray:
    """``n`` uniform doubles in [0, 1): ``rng.random(n)`` (compiled: numpy's C fill).

    Args:
        source: the ``Generator`` (compiled: :func:`source_of`'s address).
        n: how many.

    """
    return source.random(n)


def normal_draws(source, n: int) -> np.ndarray:
    """``n`` standard normal doubles: ``rng.standard_normal(n)`` (compiled: numpy's C fill).

    Args:
        source: the ``Generator`` (compiled: :func:`source_of`'s address).
        n: how many.

    """
    return source.standard_normal(n)


def permutation(source, n: int) -> np.ndarray:
    """A random order of ``0 .. n-1``: ``rng.permutation(n)`` (compiled: numpy's shuffle).

    Args:
        source: the ``Generator`` (compiled: :func:`source_of`'s address).
        n: how many.

    """
    return source.permutation(n)


#: numpy's C fill (``void f(bitgen_t *, npy_intp, double *)``) -> (helper, Generator method).
_FILLS = {"random_standard_uniform_fill": (uniform_draws, "random"),
          "random_standard_normal_fill": (normal_draws, "standard_normal")}


def source_of(rng) -> int | None:
    """The source a compiled kernel draws from for ``rng``, or ``None`` if it cannot.

    Args:
        rng: the model's generator.

    Returns:
        The address of ``rng``'s ``bitgen_t`` when kernels run compiled and ``rng`` is a
        ``numpy.random.Generator`` (not a subclass, which may draw otherwise); else ``None``:
        the caller runs the kernel's numpy form with ``rng`` as its source.

    """
    if rng.__class__ is not Generator or not _BOUND:
        return None
    return rng.bit_generator.ctypes.bit_generator.value


def _numpy_function(name: str, argtypes: list, restype):
    """The C function ``name`` that numpy's generator module exports, as a ctypes function."""
    import numpy.random._generator as generator

    function = getattr(ctypes.CDLL(generator.__file__), name)
    function.argtypes, function.restype = argtypes, restype
    return function


def bind() -> None:
    """Bind numpy's C fills to our names and check them (once per process).

    Raises:
        OSError, AttributeError: numpy's generator module does not export them.
        RuntimeError: a fill does not draw what the ``Generator``'s method draws.

    """
    if _BOUND:
        return
    from llvmlite import binding

    for c_name, (_, method) in _FILLS.items():
        fill = _numpy_function(c_name, [ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_void_p],
                               None)
        for seed, n in ((0, 0), (1, 1), (2, 7), (3, 1000)):
            ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
            out = np.empty(n)
            fill(ours.bit_generator.ctypes.bit_generator, n, out.ctypes.data)
            if (not np.array_equal(out, getattr(numpys, method)(n))
                    or ours.bit_generator.state != numpys.bit_generator.state):
                raise RuntimeError(f"numpy's {c_name} does not draw as Generator.{method}")
        binding.add_symbol(_SYMBOL.format(c_name), ctypes.cast(fill, ctypes.c_void_p).value)
    interval = _numpy_function(_INTERVAL, [ctypes.c_void_p, ctypes.c_uint64], ctypes.c_uint64)
    for seed, n in ((0, 0), (1, 1), (2, 2), (3, 50), (4, 1000)):
        ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
        order = np.arange(n)
        for i in range(n - 1, 0, -1):
            j = interval(ours.bit_generator.ctypes.bit_generator, i)
            order[i], order[j] = order[j], order[i]
        if (not np.array_equal(order, numpys.permutation(n))
                or ours.bit_generator.state != numpys.bit_generator.state):
            raise RuntimeError(f"numpy's {_INTERVAL} does not shuffle as Generator.permutation")
    binding.add_symbol(_SYMBOL.format(_INTERVAL), ctypes.cast(interval, ctypes.c_void_p).value)
    _BOUND.append(True)


def overload_helpers() -> None:
    """Give :func:`uniform_draws`, :func:`normal_draws` and :func:`permutation` compiled forms."""
    from llvmlite import ir
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic, overload, register_jitable

    def fill_intrinsic(c_name: str):
        @intrinsic
        def fill(typingctx, bitgen, n, out):
            def codegen(context, builder, signature, args):
                i8p, f8p = ir.IntType(8).as_pointer(), ir.DoubleType().as_pointer()
                fnty = ir.FunctionType(ir.VoidType(), [i8p, ir.IntType(64), f8p])
                fn = cgutils.get_or_insert_function(builder.module, fnty,
                                                    _SYMBOL.format(c_name))
                builder.call(fn, [builder.inttoptr(args[0], i8p), args[1],
                                  builder.inttoptr(args[2], f8p)])
                return context.get_dummy_value()
            return types.void(types.intp, types.intp, types.intp), codegen

        @register_jitable
        def draws(source, n):
            out = np.empty(n)
            if n > 0:
                fill(source, n, out.ctypes.data)
            return out
        return draws

    def compiled_form(c_name: str):
        draws = fill_intrinsic(c_name)

        def typed(source, n):
            return lambda source, n: draws(source, n)
        return typed

    for c_name, (helper, _) in _FILLS.items():
        overload(helper, jit_options={"error_model": "numpy"})(compiled_form(c_name))

    @intrinsic
    def interval(typingctx, bitgen, most):
        def codegen(context, builder, signature, args):
            i8p, i64 = ir.IntType(8).as_pointer(), ir.IntType(64)
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(i64, [i8p, i64]),
                                                _SYMBOL.format(_INTERVAL))
            return builder.call(fn, [builder.inttoptr(args[0], i8p), args[1]])
        return types.uint64(types.intp, types.uint64), codegen

    @register_jitable
    def shuffled(source, n):
        order = np.arange(n)
        for i in range(n - 1, 0, -1):
            j = interval(source, np.uint64(i))
            order[i], order[j] = order[j], order[i]
        return order

    overload(permutation, jit_options={"error_model": "numpy"})(
        lambda source, n: (lambda source, n: shuffled(source, n)))
