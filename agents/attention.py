"""Rules of time: the Bass attention hazard over a quarter, annuities and discounting.

Shared by the agent classes and the vectorised step like every rule of
:mod:`agents.decisions` (which re-exports them), and compiled into kernels (``agents.jit``).
"""

from __future__ import annotations

import numpy as np

from agents.exact import expm1, power
from agents.jit import minimum, rule, where


@rule
def attention_probability(p, q: float, neighbour_share, imitation_multiplier,
                          dt: float) -> np.ndarray:
    """Bass hazard in agent form: the probability of considering an investment this step.

    ``1 - exp(-(p + q * m * A) * dt)`` with A the adopter share among the neighbours and m
    the imitation multiplier (``cluster_imitation_multiplier`` for cluster members, else 1).

    Args:
        p: external influence per year (per firm or scalar).
        q: imitation per year.
        neighbour_share: adopter share among neighbours, in [0, 1].
        imitation_multiplier: per firm or scalar.
        dt: step length in years (0.25 for a quarter).

    Returns:
        Probabilities in [0, 1).

    """
    return -expm1(attention_exponent(p, q, neighbour_share, imitation_multiplier, dt))


@rule
def attention_exponent(p, q: float, neighbour_share, imitation_multiplier, dt: float):
    """The exponent of :func:`attention_probability`: ``-(p + q m A) dt``."""
    return -(p + q * imitation_multiplier * neighbour_share) * dt


@rule
def share_after(share, probability):
    """An adopter share after a share ``probability`` of the others has adopted."""
    return share + (1 - share) * probability


@rule
def mid_step_share(p, q: float, neighbour_share, imitation_multiplier, dt: float) -> np.ndarray:
    """Adopter share among the neighbours expected half-way through the step.

    The Bass hazard is a continuous-time rate; evaluating it on the share at the start of a
    quarter makes the agent-form curve lag the Bass (1969) curve by up to 3.5 percentage points
    at q = 0.6/yr. Evaluating it at the expected mid-step share (a midpoint step) keeps the lag
    near 0.1 points, with the hazard formula unchanged.

    Returns:
        The expected share at mid-step, in [0, 1].

    """
    return share_after(neighbour_share, attention_probability(p, q, neighbour_share,
                                                              imitation_multiplier, dt / 2))


def annuity(rate, quarters) -> np.ndarray:
    """Present value of 1 EUR per quarter for ``quarters`` quarters at a yearly rate."""
    return annuity_of(np.asarray(rate, dtype=float), np.asarray(quarters, dtype=float))


@rule
def annuity_of(rate, quarters):
    """:func:`annuity` of arrays (or, in a kernel, of one row)."""
    v = power(1.0 + rate, -0.25)
    return where(v < 1.0, v * (1 - power(v, quarters)) / where(v < 1.0, 1 - v, 1.0), quarters)


@rule
def discounting(hurdle, horizon_quarters, ramp_quarters, transition_quarters):
    """The annuities of ``agents.decisions.option_terms``.

    Returns:
        Over the horizon; the same delayed by half the ramp-up; over a climb's transition.

    """
    annuity_h = annuity_of(hurdle, horizon_quarters)
    # Digital gains come in over the ramp-up: counted from half-way through it.
    delayed = annuity_h * power(1 + hurdle, -ramp_quarters / 8)
    annuity_t = annuity_of(hurdle, minimum(transition_quarters, horizon_quarters))
    return annuity_h, delayed, annuity_t
