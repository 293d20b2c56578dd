"""Bass attention with expm1 only where a draw needs it: the same firms as over every row."""

import numpy as np

from agents.jit import numpy_form
from agents.kinds import PERFORMANCE
from agents.libm import expm1
from model import investment
from model.investment import _may_attend
from model.state import FIRM_CODES, FIRM_FLAGS, IS_ADOPTED, IS_ALIVE, IS_SERVITIZING, RUNG


def _both_modes(kernel):
    """The kernel as the model runs it (compiled when numba is), and its numpy body."""
    return kernel, numpy_form(kernel)


def _every_row(codes, flags, n, share, bass_p, imitation, q, dt, draw):
    """The kernel before the bound: numpy's expm1 over every row, twice."""
    half = expm1(-(bass_p[:n] + q * imitation[:n] * share[:n]) * (dt / 2))
    mid = share[:n] + (1 - share[:n]) * -half
    full = expm1(-(bass_p[:n] + q * imitation[:n] * mid) * dt)
    pool = flags[IS_ALIVE, :n] & ~(flags[IS_ADOPTED, :n] & ((codes[RUNG, :n] >= PERFORMANCE)
                                                           | flags[IS_SERVITIZING, :n]))
    return pool & (draw[:n] < -full)


def _firms(rng, size):
    codes = np.zeros((len(FIRM_CODES), size), np.int32)
    codes[RUNG] = rng.integers(0, PERFORMANCE + 1, size)
    flags = rng.random((len(FIRM_FLAGS), size)) < 0.7
    return codes, flags


def test_attention_chooses_the_rows_expm1_over_every_row_chooses():
    rng = np.random.default_rng(5)
    for trial in range(200):
        size = int(rng.integers(0, 2000))
        n = int(rng.integers(0, size + 1))
        codes, flags = _firms(rng, size)
        share = rng.random(size) * (trial % 4 != 0)  # a quarter of the trials: no adopters yet
        bass_p = rng.exponential(0.05, size)
        imitation = np.where(rng.random(size) < 0.2, 2.0, 1.0)
        q, dt = float(rng.uniform(0.0, 3.0)), 0.25
        draw = rng.random(size)
        expected = _every_row(codes, flags, n, share, bass_p, imitation, q, dt, draw)
        if trial % 3 == 0:  # draws right at each row's probability, or just above it
            half = expm1(-(bass_p + q * imitation * share) * (dt / 2))
            full = expm1(-(bass_p + q * imitation * (share + (1 - share) * -half)) * dt)
            draw = np.where(rng.random(size) < 0.5, -full, np.nextafter(-full, 1.0))
            expected = _every_row(codes, flags, n, share, bass_p, imitation, q, dt, draw)
        for attention in _both_modes(investment._attention):
            got = attention(codes, flags, n, share, bass_p, imitation, q, dt, draw)
            np.testing.assert_array_equal(got, expected)


def test_attention_computes_rows_outside_the_bound_exactly():
    # Negative or non-finite terms, shares outside [0, 1]: the bound does not apply.
    share = np.array([0.5, -0.5, 1.5, np.nan, 0.2, 0.2, 0.2, 0.0, 1.0, 0.3])
    bass_p = np.array([0.1, 0.1, 0.1, 0.1, -0.2, np.nan, np.inf, 0.0, 0.0, 0.1])
    imitation = np.array([-3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, np.inf])
    n = len(share)
    codes = np.zeros((len(FIRM_CODES), n), np.int32)
    flags = np.zeros((len(FIRM_FLAGS), n), np.bool_)
    flags[IS_ALIVE] = True
    for value in (0.0, 1e-300, 0.01, 0.3, 0.999):
        draw = np.full(n, value)
        for q in (0.4, -0.4):
            with np.errstate(invalid="ignore", over="ignore"):
                expected = _every_row(codes, flags, n, share, bass_p, imitation, q, 0.25, draw)
                for attention in _both_modes(investment._attention):
                    got = attention(codes, flags, n, share, bass_p, imitation, q, 0.25, draw)
                    np.testing.assert_array_equal(got, expected)


def test_no_draw_below_the_attention_probability_is_ruled_out():
    rng = np.random.default_rng(8)
    share = rng.random(100_000)
    bass_p = rng.exponential(0.1, 100_000)
    imitation = rng.uniform(0.0, 3.0, 100_000)
    q, dt = 1.5, 0.25
    half = expm1(-(bass_p + q * imitation * share) * (dt / 2))
    probability = -expm1(-(bass_p + q * imitation * (share + (1 - share) * -half)) * dt)
    just_below = np.nextafter(probability, 0.0)
    assert _may_attend(bass_p, q, share, imitation, dt, just_below).all()
    assert not _may_attend(bass_p, q, share, imitation, dt, 2 * probability + 0.1).any()
