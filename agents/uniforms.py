"""numpy's uniform draws, ``rng.random(n)``, the same values made faster.

The model draws uniforms five or six times a quarter over every firm (attacks, exits, jobs,
investment); at full scale (9,740 firms) numpy's ``Generator.random`` costs about 2.3 ns a draw
(the latency of one 128-bit multiply per step of PCG64, each step waiting for the one before)
plus about 0.8 µs a call. :func:`uniforms` returns exactly ``rng.random(n)`` and leaves the
generator exactly where ``rng.random(n)`` would: a compiled loop (``agents.uniforms_llvm``)
steps numpy's own PCG64 state in place, 32 states apart so that the steps vectorise. A draw
of 9,740 takes 7.2 µs against numpy's 22.3 (195: 1.07 against 1.30; none: 0.80 against
0.78), some 90 µs a quarter at full scale.

It relies on numpy's private layout of ``PCG64``: ``bit_generator.ctypes.state_address``
points to a ``pcg64_state`` whose first member points, inside the same object, to
``{uint128 state; uint128 inc}`` stored low word first. Before the first fast draw of a
process, :func:`_check` verifies that layout against ``bit_generator.state`` (reading only
inside the object), then draws sizes 0 to 20 and 1,000 from fresh generators beside numpy's,
comparing values and state words after each, and the streams' continuations into
``standard_normal`` and ``integers``. The fast path is taken only when kernels run compiled
(:func:`agents.jit.enabled`), the generator is exactly ``numpy.random.Generator`` and its bit
generator exactly ``numpy.random.PCG64`` (not a subclass, nor PCG64DXSM, Philox, MT19937), and
that check passed; otherwise, and for a size that is not an integer, :func:`uniforms` is
``rng.random(n)``. Like numpy, it holds the bit generator's lock while it draws.
"""

from __future__ import annotations

import ctypes
import sys
import warnings
from collections.abc import Callable

import numpy as np
from numpy.random import PCG64, Generator

#: The compiled fill once checked, ``False`` when it may not be used, ``None`` until decided.
_FILL: Callable | bool | None = None
_CHECK_SIZES = (*range(21), 1000)
_CHECK_SEEDS = (0, 12345, 2**127 + 11)
_NEAR = 4096  # bytes: how far inside the PCG64 object its state may lie from its pcg64_state


def uniforms(rng: np.random.Generator, n: int) -> np.ndarray:
    """``rng.random(n)``: ``n`` uniform doubles in [0, 1), numpy's values and stream.

    Args:
        rng: the generator.
        n: how many (an integer; anything else goes to ``rng.random``).

    Returns:
        A new float64 array of ``n`` values; ``rng`` is left as ``rng.random(n)`` leaves it.

    """
    if n.__class__ is not int and isinstance(n, np.integer):
        n = int(n)  # one compiled signature
    # A Generator subclass may draw otherwise; a RandomState has no ``bit_generator``.
    if rng.__class__ is not Generator:
        return rng.random(n)
    bit_generator = rng.bit_generator
    if bit_generator.__class__ is PCG64 and n.__class__ is int and n >= 0:
        fill = _FILL if _FILL is not None else _prepare()
        if fill:
            lock = bit_generator.lock
            lock.acquire()  # a ``with`` block costs 0.15 us more a call
            try:
                return fill(bit_generator.ctypes.state_address, n)
            finally:
                lock.release()
    return rng.random(n)


def _prepare() -> Callable | bool:
    """Decide, once per process, whether the compiled fill is used (and compile it)."""
    global _FILL
    from agents import jit

    _FILL = False
    if jit.enabled() and sys.byteorder == "little":
        from agents import uniforms_llvm

        try:
            fill = jit.Kernel(uniforms_llvm.fill)._compile()
            passed = _check(fill)
        except Exception as err:  # whatever keeps it from being built: numpy draws
            warnings.warn(f"servisim draws uniforms with numpy: {err}", RuntimeWarning,
                          stacklevel=3)
            passed = False
        if passed:
            _FILL = fill
    return _FILL


def _words(bit_generator: PCG64) -> list[int] | None:
    """The four words ``pcg64_state`` points to, if it points inside the object, else None."""
    address = bit_generator.ctypes.state_address
    member = ctypes.c_uint64.from_address(address).value
    if abs(member - address) > _NEAR or member % 8:
        return None
    return list((ctypes.c_uint64 * 4).from_address(member))


def _state_words(bit_generator: PCG64) -> list[int]:
    """``bit_generator.state``'s state and increment as low and high words."""
    state = bit_generator.state["state"]
    return [state["state"] % 2**64, state["state"] >> 64, state["inc"] % 2**64,
            state["inc"] >> 64]


def _check(fill: Callable) -> bool:
    """Whether ``fill`` draws numpy's values and leaves numpy's state, for a few streams."""
    for seed in _CHECK_SEEDS:
        ours, numpys = Generator(PCG64(seed)), Generator(PCG64(seed))
        if _words(ours.bit_generator) != _state_words(ours.bit_generator):
            return False
        for n in _CHECK_SIZES:
            drawn = fill(ours.bit_generator.ctypes.state_address, n)
            if (not np.array_equal(drawn, numpys.random(n)) or drawn.dtype != np.float64
                    or ours.bit_generator.state != numpys.bit_generator.state):
                return False
        if (not np.array_equal(ours.standard_normal(5), numpys.standard_normal(5))
                or not np.array_equal(ours.integers(0, 1000, 5), numpys.integers(0, 1000, 5))):
            return False
    return True
