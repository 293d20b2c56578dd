"""The compiled side of ``agents.uniforms``: numpy's PCG64 stepped in place, in lanes.

numpy's ``PCG64`` keeps, at ``bit_generator.ctypes.state_address``, a ``pcg64_state`` whose
first member points to ``{uint128 state; uint128 inc}`` (native 128-bit integers, low word
first on a little-endian build). :func:`fill` reads those words, makes the next ``n`` doubles
exactly as numpy's ``random_standard_uniform_fill`` does (``pcg64_random_r``: one LCG step
``state = state * MULT + inc`` mod 2**128, then the XSL-RR output of the new state; the
double is ``(next64 >> 11) * 2**-53``), and writes the last state back, so numpy's stream goes
on from where it would. ``agents.uniforms`` checks all this once per process before using it.

A step depends on the one before: one chain runs at the latency of a 128-bit multiply, about
2.3 ns a draw, as numpy does. Here the states ``t+1 .. t+32`` are stepped one at a time, and
every later one is 32 steps on from the state 32 before it (``s[i] = s[i-32] * MULT**32 + C``,
with ``C = inc * (1 + MULT + ... + MULT**31)``): a loop whose iterations depend only on those
32 back, which LLVM vectorises (eight lanes of AVX-512, the 128-bit product written as 64-bit
products it can map to ``vpmullq`` and ``vpmuludq``); a second loop turns the states into
doubles, vectorised too. The last ``n % 32`` draws follow on from the last state one step at
a time, in order. All of it is integer arithmetic mod 2**64: exact however it is vectorised.
Imported only when numba is.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

_WORD = 2**64
#: numpy's PCG64 multiplier (``PCG_DEFAULT_MULTIPLIER_128``, pcg64.h).
MULT = (2549297995355413924 << 64) + 4865540595714422341
LANES = 32  # states stepped together: the distance between a state and the one it comes from
_MULT_L = pow(MULT, LANES, 2**128)  # the multiplier of LANES steps
_SUM_L = sum(pow(MULT, k, 2**128) for k in range(LANES)) % 2**128  # inc's factor in LANES steps

_M_HI, _M_LO = np.uint64(MULT // _WORD), np.uint64(MULT % _WORD)
_ML_HI, _ML_LO = np.uint64(_MULT_L // _WORD), np.uint64(_MULT_L % _WORD)
_SL_HI, _SL_LO = np.uint64(_SUM_L // _WORD), np.uint64(_SUM_L % _WORD)
_ML_LO0, _ML_LO1 = np.uint64(_MULT_L % 2**32), np.uint64(_MULT_L % _WORD >> 32)
_HALF, _S32 = np.uint64(2**32 - 1), np.uint64(32)
_S58, _S11, _S63, _S64 = np.uint64(58), np.uint64(11), np.uint64(63), np.uint64(64)
_TO_DOUBLE = 1.0 / 9007199254740992.0  # 2**-53, as numpy's next_double


@intrinsic
def _mul_add(typingctx, hi, lo, mhi, mlo, ahi, alo):
    """``(hi, lo) * (mhi, mlo) + (ahi, alo)`` mod 2**128, as ``(hi, lo)`` words."""
    u64 = types.uint64
    sig = types.UniTuple(u64, 2)(u64, u64, u64, u64, u64, u64)

    def codegen(context, builder, signature, args):
        i128 = ir.IntType(128)

        def join(high, low):
            return builder.or_(builder.shl(builder.zext(high, i128), ir.Constant(i128, 64)),
                               builder.zext(low, i128))

        total = builder.add(builder.mul(join(args[0], args[1]), join(args[2], args[3])),
                            join(args[4], args[5]))
        low = builder.trunc(total, ir.IntType(64))
        high = builder.trunc(builder.lshr(total, ir.Constant(i128, 64)), ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, (high, low))

    return sig, codegen


@intrinsic
def _pcg_words(typingctx, state_address):
    """The ``{state, inc}`` words that the ``pcg64_state`` at ``state_address`` points to."""
    sig = types.CPointer(types.uint64)(types.intp)

    def codegen(context, builder, signature, args):
        words = ir.IntType(64).as_pointer()
        member = builder.inttoptr(args[0], words.as_pointer())
        return builder.load(member)

    return sig, codegen


@njit(inline="always")
def _double(high, low):
    """The double numpy makes of a PCG64 state: XSL-RR output, top 53 bits, times 2**-53."""
    x = high ^ low
    r = high >> _S58
    out = (x >> r) | (x << ((_S64 - r) & _S63))
    return np.float64(out >> _S11) * _TO_DOUBLE


@njit(inline="always")
def _jump(high, low, c_hi, c_lo):
    """``(high, low) * MULT**LANES + (c_hi, c_lo)`` mod 2**128 in 64-bit products.

    The high word of ``low * MULT_L``'s low word is put together from four 32-bit products,
    which vectorise where a 128-bit multiply does not.
    """
    a0, a1 = low & _HALF, low >> _S32
    p00, p01, p10, p11 = a0 * _ML_LO0, a0 * _ML_LO1, a1 * _ML_LO0, a1 * _ML_LO1
    middle = (p00 >> _S32) + (p01 & _HALF) + (p10 & _HALF)
    carried = p11 + (p01 >> _S32) + (p10 >> _S32) + (middle >> _S32)
    new_low = low * _ML_LO + c_lo
    carry = np.uint64(new_low < c_lo)
    return carried + high * _ML_LO + low * _ML_HI + c_hi + carry, new_low


def fill(state_address, n):
    """The next ``n`` of numpy's ``Generator.random`` from the PCG64 at ``state_address``.

    Args:
        state_address: ``bit_generator.ctypes.state_address`` of a ``numpy.random.PCG64``.
        n: how many doubles (not negative).

    Returns:
        A new float64 array; the generator's state is left ``n`` steps on.

    """
    out = np.empty(n)
    words = _pcg_words(state_address)
    lo, hi, inc_lo, inc_hi = words[0], words[1], words[2], words[3]
    done = n - n % LANES
    if done:
        highs, lows = np.empty(done, np.uint64), out.view(np.uint64)  # the states, in place
        for k in range(LANES):
            hi, lo = _mul_add(hi, lo, _M_HI, _M_LO, inc_hi, inc_lo)
            highs[k], lows[k] = hi, lo
        c_hi, c_lo = _mul_add(inc_hi, inc_lo, _SL_HI, _SL_LO, np.uint64(0), np.uint64(0))
        lanes = np.uint64(LANES)
        # Unsigned indices: a signed one keeps LLVM from seeing the loop's strides.
        for i in range(lanes, np.uint64(done)):
            highs[i], lows[i] = _jump(highs[i - lanes], lows[i - lanes], c_hi, c_lo)
        hi, lo = highs[done - 1], lows[done - 1]
        for i in range(np.uint64(done)):
            out[i] = _double(highs[i], lows[i])
    for k in range(done, n):  # the rest, one step at a time from the last state drawn
        hi, lo = _mul_add(hi, lo, _M_HI, _M_LO, inc_hi, inc_lo)
        out[k] = _double(hi, lo)
    words[0] = lo
    words[1] = hi
    return out
