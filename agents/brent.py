"""scipy's ``brentq`` root search, as a rule that compiled kernels can call.

A search that evaluates a compiled function a few hundred times pays, through
``scipy.optimize.brentq``, a Python call and a kernel launch per evaluation. Here the same
algorithm is a :func:`~agents.jit.rule`: a kernel runs the whole search, calling its function
(itself a rule) without leaving compiled code. It is a line-by-line port of scipy's C code
(``scipy/optimize/Zeros/brentq.c``, Charles Harris), with the same floating-point operations
in the same order, so it visits the same points and returns the same root to the last bit;
like scipy's wrapper, it stops at a NaN. Called from Python (or with kernels not compiled),
the same code runs on Python and numpy floats, which are the same IEEE doubles.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from agents.rulebook import rule

#: scipy's defaults: relative tolerance (its smallest allowed) and iterations.
RTOL = 4 * float(np.finfo(float).eps)
MAXITER = 100
#: Outcomes of a search (``scipy/optimize/Zeros/zeros.h``, and a NaN value of the function).
CONVERGED, SIGN_ERROR, CONVERGENCE_ERROR, NAN_VALUE = 0, -1, -2, -3


@rule
def brentq(f: Callable, xa: float, xb: float, xtol: float, rtol: float, maxiter: int,
           args: tuple) -> tuple[float, int]:
    """A root of ``f(x, *args)`` in ``[xa, xb]``, exactly as ``scipy.optimize.brentq``.

    Args:
        f: the function, a rule when the search runs in a kernel; it returns a float.
        xa: one end of the bracket.
        xb: the other end; ``f(xa)`` and ``f(xb)`` must have opposite signs.
        xtol: absolute tolerance (scipy's ``xtol``, positive).
        rtol: relative tolerance (scipy's ``rtol``, at least :data:`RTOL`).
        maxiter: iterations allowed (scipy's ``maxiter``).
        args: the further arguments of ``f``, a tuple.

    Returns:
        (root, outcome): the root scipy would return and :data:`CONVERGED`; or, where scipy
        raises, :data:`SIGN_ERROR` (``ValueError``), :data:`CONVERGENCE_ERROR`
        (``RuntimeError``) or :data:`NAN_VALUE` (``ValueError``) with the last point.

    """
    xpre, xcur = xa, xb
    xblk, fblk, spre, scur = 0.0, 0.0, 0.0, 0.0
    fpre = f(xpre, *args)
    if fpre != fpre:
        return xpre, NAN_VALUE
    fcur = f(xcur, *args)
    if fcur != fcur:
        return xcur, NAN_VALUE
    if fpre * fcur > 0:
        return 0.0, SIGN_ERROR
    if fpre == 0:
        return xpre, CONVERGED
    if fcur == 0:
        return xcur, CONVERGED
    for _ in range(maxiter):
        if fpre * fcur < 0:
            xblk = xpre
            fblk = fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre = xcur
            xcur = xblk
            xblk = xpre
            fpre = fcur
            fcur = fblk
            fblk = fpre
        # The tolerance is 2 * delta.
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur, CONVERGED
        spre, scur = _steps(xpre, xcur, xblk, fpre, fcur, fblk, spre, scur, delta, sbis)
        xpre = xcur
        fpre = fcur
        if abs(scur) > delta:
            xcur += scur
        else:
            xcur += delta if sbis > 0 else -delta
        fcur = f(xcur, *args)
        if fcur != fcur:
            return xcur, NAN_VALUE
    return xcur, CONVERGENCE_ERROR


@rule
def _steps(xpre, xcur, xblk, fpre, fcur, fblk, spre, scur, delta, sbis):
    """The step before last and the next step: interpolated if short enough, else bisection."""
    if abs(spre) > delta and abs(fcur) < abs(fpre):
        if xpre == xblk:  # interpolate
            stry = -fcur * (xcur - xpre) / (fcur - fpre)
        else:  # extrapolate
            dpre = (fpre - fcur) / (xpre - xcur)
            dblk = (fblk - fcur) / (xblk - xcur)
            stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
        bound = 3 * abs(sbis) - delta
        if abs(spre) < bound:  # C's MIN(a, b): a if a < b else b
            bound = abs(spre)
        if 2 * abs(stry) < bound:  # good short step
            return scur, stry
    return sbis, sbis  # bisect


def raise_for(outcome: int, root: float, maxiter: int = MAXITER) -> None:
    """Raise the error ``scipy.optimize.brentq`` raises for an outcome of :func:`brentq`."""
    if outcome == SIGN_ERROR:
        raise ValueError("f(a) and f(b) must have different signs")
    if outcome == NAN_VALUE:
        raise ValueError(f"The function value at x={root} is NaN; solver cannot continue.")
    if outcome == CONVERGENCE_ERROR:
        raise RuntimeError(f"Failed to converge after {maxiter} iterations.")
