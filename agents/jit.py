"""Compiled kernels for the per-firm rules: numba when it is there, numpy otherwise.

A kernel is written once, in numpy's element-wise style, as a loop over row indices::

    @kernel
    def settle(n, cash, margin, tax):
        for i in rows(n):
            cash[i] += where(margin[i] > 0, (1 - tax) * margin[i], margin[i])

Compiled (numba, cached on disk), ``rows(n)`` is ``range(n)``: the body runs once per firm,
all of a kernel's passes fused, without temporaries or per-call overhead. Without numba, with
``NUMBA_DISABLE_JIT=1`` or with ``SERVISIM_JIT=0``, ``rows(n)`` is the one slice ``[:n]``:
the same body runs once, as numpy over whole arrays. Either way the numbers are the same to
the last bit, because a body uses only ``+ - * /``, comparisons and the helpers here and in
``agents.exact`` (the C library's exp, expm1, log and power, numpy's pairwise sums), which
compiled code calls rather than re-implementing. A body must therefore read like a ufunc: no
``if`` on a row's values (:func:`where` instead), no reduction inside a loop.

Rules that kernels call (``agents.economics``, ``agents.decisions``) are marked :func:`rule`:
called from Python they are plain numpy functions; called from a kernel they are compiled
into it.

numba is imported, and the kernels compiled or loaded from the cache, on a kernel's first
call, so importing the model stays cheap. The on-disk cache lives in each package's
``__pycache__`` (or ``NUMBA_CACHE_DIR``, or the user's cache folder when the tree is not
writable); an entry is used only if no source file of ``agents/`` or ``model/`` has changed
since it was written (a kernel inlines rules from other files, which numba's own per-file
check would miss).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from agents import draws
from agents.rulebook import RULES, STATE
from agents.rulebook import rule as rule

MEMORY_CHECKS = 1024  # LLVM's run-time overlap checks allowed per vectorised loop


def enabled() -> bool:
    """Whether kernels run compiled (numba importable, not disabled, the C loops bound)."""
    if STATE["enabled"] is None:
        STATE["enabled"] = _install()
    return STATE["enabled"]


# --- the helpers a kernel body may use (numpy here; compiled forms in _install) --------------
def rows(n: int):
    """Row indices of a kernel loop: unsigned ``range(n)`` compiled, the slice ``[:n]`` in numpy."""
    return (slice(0, n),)


def where(condition, a, b):
    """``numpy.where`` (compiled: one row's ``a if condition else b``)."""
    return np.where(condition, a, b)


def maximum(a, b):
    """``numpy.maximum`` (compiled with numpy's semantics, NaN included)."""
    return np.maximum(a, b)


def minimum(a, b):
    """``numpy.minimum`` (compiled with numpy's semantics, NaN included)."""
    return np.minimum(a, b)


def tally(condition):
    """How many rows a condition holds for: ``count_nonzero`` (compiled: 1 or 0 per row).

    A kernel accumulates it over its rows (``alive += tally(flags[i])``), which in numpy is
    one step over the whole slice.
    """
    return np.count_nonzero(condition)


def divide_where(a, b, condition):
    """``a / b`` where ``condition`` holds, else 0 (numpy's ``divide(..., where=)``)."""
    out = np.zeros(np.broadcast(a, b, condition).shape)
    np.divide(a, b, out=out, where=condition)
    return out if out.ndim else float(out)


# --- decorators ---------------------------------------------------------------------------
class Kernel:
    """A kernel: compiled by numba on first call when :func:`enabled`, else plain numpy.

    Args:
        fn: the kernel's Python function (its body written for both modes).

    """

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__wrapped__ = fn
        self._call: Callable | None = None

    def __call__(self, *args: Any) -> Any:
        """Run the kernel (compiled or as numpy)."""
        call = self._call
        if call is None:
            call = self._call = self._compile() if enabled() else self.fn
            self._bind(call)
        return call(*args)

    def _bind(self, call: Callable) -> None:
        """Let the kernel's own module call ``call`` directly from now on.

        A step makes some thirty kernel calls; going through this object's ``__call__``
        costs each a Python frame (about 0.3 us). The module's name is rebound only if it
        still names this kernel; other references keep working through ``__call__``.
        """
        if Kernel.__call__ is not _UNWRAPPED_CALL:  # a profiler wraps the calls: keep them so
            return
        module = sys.modules.get(self.fn.__module__)
        if module is not None and getattr(module, self.__name__, None) is self:
            setattr(module, self.__name__, call)

    def _compile(self) -> Callable:
        import numba

        dispatcher = numba.njit(cache=False, error_model="numpy", nogil=True)(self.fn)
        cache = _source_tree_cache()
        if cache is not None:
            # numba's own per-file freshness check would keep a stale kernel after a change in
            # a rule it inlines from another file: stamp entries with the whole source tree.
            # No source file (an interactive session): compile once per process instead.
            with contextlib.suppress(RuntimeError):
                dispatcher._cache = cache(self.fn)
        return dispatcher


_UNWRAPPED_CALL = Kernel.__call__


def kernel(fn: Callable) -> Kernel:
    """Decorate a kernel (see the module's docstring)."""
    return Kernel(fn)


def numpy_form(compiled: Any) -> Callable:
    """A kernel's body as plain numpy.

    Args:
        compiled: the kernel, or the compiled function its module's name holds after the
            kernel's first call (``Kernel._bind``).

    Returns:
        The body's Python function (anything else as it is).

    """
    return getattr(compiled, "fn", None) or getattr(compiled, "py_func", None) or compiled


def call_drawing(kernel: Callable, rng, *args: Any) -> Any:
    """``kernel(*args, source)``, a kernel that draws from its last argument.

    Compiled, the source is ``rng``'s ``bitgen_t`` (``agents.draws.source_of``) and the call
    holds the bit generator's lock, as numpy holds it while it draws; otherwise the kernel's
    numpy form runs with ``rng`` itself as the source. Either way ``rng`` draws the same values.

    Args:
        kernel: the kernel (``agents.jit.kernel``).
        rng: the generator it draws from.
        *args: its other arguments, in order.

    """
    source = draws.source_of(rng) if enabled() else None
    if source is None:
        return numpy_form(kernel)(*args, rng)
    lock = rng.bit_generator.lock
    lock.acquire()  # a ``with`` block costs 0.15 us more a call
    try:
        return kernel(*args, source)
    finally:
        lock.release()


# --- installation ------------------------------------------------------------------------
def _install() -> bool:
    if os.environ.get("SERVISIM_JIT", "1") == "0":
        return False
    try:
        import numba
    except ImportError:
        return False
    if numba.config.DISABLE_JIT:
        return False
    from agents import exact

    try:
        exact.bind_loops()
        draws.bind()
    except (OSError, ValueError, AttributeError, RuntimeError) as err:  # no C loops: stay exact
        warnings.warn(f"servisim runs without compiled kernels: {err}", RuntimeWarning,
                      stacklevel=3)
        return False
    # A kernel's loop reads a dozen state arrays and writes several: LLVM vectorises it only
    # if it may check that many pairs of arrays for overlap at run time (it falls back to
    # the scalar loop when they overlap, so results never depend on it). Its default budget,
    # 128 checks, leaves most kernels scalar and three to four times slower.
    from llvmlite import binding

    binding.set_option("servisim", f"--vectorize-memory-check-threshold={MEMORY_CHECKS}")
    _overload_helpers()
    _box_arrays_from_environment()
    exact.overload_helpers()
    draws.overload_helpers()
    from numba.extending import register_jitable

    # Rules are always inlined: a call left in a kernel's loop (LLVM's own heuristics leave
    # the larger rules as calls) keeps the loop from vectorising.
    for fn in RULES:
        register_jitable(error_model="numpy", forceinline=True)(fn)
    return True


def _overload_helpers() -> None:
    from numba import types
    from numba.extending import overload

    opts = {"error_model": "numpy"}

    # Unsigned row indices: numba wraps a signed index that might be negative (``a[-1]``)
    # with a select on its sign, which LLVM cannot see through when it looks for the stride
    # of ``values[CASH, i]``, so a loop over signed rows never vectorises. Nothing in a body
    # computes with the index itself (a slice could not), only indexes with it.
    @overload(rows, jit_options=opts)
    def _rows(n):
        return lambda n: range(np.uint64(n))

    def scalars(*args) -> bool:
        return not any(isinstance(a, types.Array) for a in args)

    @overload(where, jit_options=opts)
    def _where(condition, a, b):
        if scalars(condition, a, b):
            return lambda condition, a, b: a if condition else b
        return lambda condition, a, b: np.where(condition, a, b)

    @overload(maximum, jit_options=opts)
    def _maximum(a, b):
        if scalars(a, b):
            return lambda a, b: a if (a >= b or a != a) else b
        return lambda a, b: np.maximum(a, b)

    @overload(minimum, jit_options=opts)
    def _minimum(a, b):
        if scalars(a, b):
            return lambda a, b: a if (a <= b or a != a) else b
        return lambda a, b: np.minimum(a, b)

    @overload(tally, jit_options=opts)
    def _tally(condition):
        return lambda condition: 1 if condition else 0

    @overload(divide_where, jit_options=opts)
    def _divide_where(a, b, condition):
        if scalars(a, b, condition):
            return lambda a, b, condition: a / b if condition else 0.0
        # Divide only where it holds (elsewhere by 1): the same quotients, no warnings.
        return lambda a, b, condition: np.where(condition, a / np.where(condition, b, 1.0), 0.0)


def _box_arrays_from_environment() -> None:
    """Box the arrays kernels return with ``numpy.ndarray`` kept in the kernel's environment.

    numba's own boxing embeds the array's Python type pickled, and unpickles it on every
    return: a call into Python (``numba.core.serialize._numba_unpickle``), some 1,500 a run
    at any scale, about 0.7 us each. Kept in the environment next to the dtype, which numba
    already keeps there, the type is one list read. The array made is the same: the same C
    function makes it from the same arguments. Subclasses of ``ndarray`` are boxed by numba.
    """
    from llvmlite import ir
    from numba.core import boxing, cgutils, pythonapi, types
    from numba.np import numpy_support

    numba_box = pythonapi._boxers.functions.get(types.Array)
    if numba_box is not boxing.box_array:  # done already, or a numba that boxes otherwise
        return

    def box_array(typ, val, c):
        if not c.context.enable_nrt or typ.box_type is not np.ndarray:
            return numba_box(typ, val, c)
        env, pyapi, builder = c.env_manager, c.pyapi, c.builder
        dtype = env.read_const(env.add_const(numpy_support.as_dtype(typ.dtype)))
        pytype = env.read_const(env.add_const(np.ndarray))
        int32 = ir.IntType(32)
        adapt = pyapi._get_function(
            ir.FunctionType(pyapi.pyobj, [pyapi.voidptr, pyapi.pyobj, int32, int32, pyapi.pyobj]),
            name="NRT_adapt_ndarray_to_python_acqref")
        native = cgutils.alloca_once_value(builder, val)
        boxed = builder.call(adapt, [builder.bitcast(native, pyapi.voidptr), pytype,
                                     int32(typ.ndim), int32(int(typ.mutable)), dtype])
        c.context.nrt.decref(builder, typ, val)  # the boxed array took its own reference
        return boxed

    pythonapi._boxers.functions[types.Array] = box_array


@functools.cache
def _source_tree_cache():
    """Numba's function cache, with entries stamped by a digest of agents/ and model/."""
    try:
        from numba.core import caching
    except ImportError:  # pragma: no cover - a numba without the module: no disk cache
        return None
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in ("agents", "model"):
        for path in sorted((root / package).glob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    stamp = digest.hexdigest()

    def stamped(locator: type) -> type:
        return type(f"Stamped{locator.__name__}", (locator,),
                    {"get_source_stamp": lambda self: stamp})

    class _Impl(caching.CompileResultCacheImpl):
        _locator_classes = [stamped(cls) for cls in caching.CacheImpl._locator_classes]

    class _Cache(caching.FunctionCache):
        _impl_class = _Impl

    return _Cache
