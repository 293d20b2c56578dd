"""Bernoulli draws against hazards, with ``expm1`` computed only where a draw needs it.

A row with yearly hazard ``h`` over a step ``dt`` happens with probability
``-expm1(-h * dt)``, and a uniform ``draw`` decides it: ``draw < -expm1(-h * dt)``. Over a
quarter most draws lie far above that probability, and ``1 - exp(-x) <= x`` for every ``x``:
a draw at or above ``x`` (plus a margin far wider than ``expm1``'s rounding) decides the row
without ``expm1``. Only the few rows below that bound get ``expm1`` (the C library's), so every
decision is the one ``expm1`` over all rows would give, to the last bit.
"""

from __future__ import annotations

import numpy as np

from agents.exact import expm1_into, nonzero
from agents.jit import rows, rule

#: Relative margin over ``x`` above which a draw is surely not below ``-expm1(-x)``: numpy's
#: ``expm1`` errs by a few units in the last place (2e-16 each), this by millions of them.
SURE_MARGIN = 1e-9


@rule
def below_bound(minus_x, draw, eligible):
    """Whether a row may happen: eligible, and its draw below ``x`` plus the margin.

    ``minus_x`` is ``-x`` (the argument of ``expm1``). A row for which this is false does not
    happen; one for which it is true is decided by :func:`happening`.
    """
    return eligible & (draw < -minus_x + abs(minus_x) * SURE_MARGIN)


@rule
def happening(minus_x, draw, maybe, n):
    """The rows ``< n`` that happen, ascending: ``maybe & (draw < -expm1(minus_x))``.

    Args:
        minus_x: ``-x`` per row (``-hazard * dt``).
        draw: one uniform per row.
        maybe: :func:`below_bound` per row (rows where it is false do not happen).
        n: rows in use.

    """
    close = nonzero(maybe, n)
    k = len(close)
    argument = np.empty(k)
    for j in rows(k):
        argument[j] = minus_x[close[j]]
    return close[nonzero(happens(argument, draw, close, k), k)]


@rule
def happens(argument, draw, close, k):
    """Whether each of the rows ``close`` (those :func:`below_bound` kept) happens.

    For a kernel that has not kept ``-x`` for every row but computes it again for these.

    Args:
        argument: ``-x`` of each row of ``close``, in its order (a contiguous array).
        draw: one uniform per row (all rows).
        close: the row indices.
        k: how many there are.

    Returns:
        ``draw[close] < -expm1(argument)``, one bool per row of ``close``.

    """
    probability = np.empty(k)
    expm1_into(argument, probability, k)
    hit = np.zeros(k, np.bool_)
    for j in rows(k):
        hit[j] = draw[close[j]] < -probability[j]
    return hit
