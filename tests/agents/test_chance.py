"""agents.chance: the rows that happen are those of expm1 over every row, to the last bit."""

import numpy as np

from agents.chance import below_bound, happening
from agents.jit import kernel, rows
from agents.libm import expm1


@kernel
def _happening(minus_x, draw, eligible, n):
    maybe = np.zeros(n, np.bool_)
    for i in rows(n):
        maybe[i] = below_bound(minus_x[i], draw[i], eligible[i])
    return happening(minus_x, draw, maybe, n)


def _expected(minus_x, draw, eligible, n):
    return np.flatnonzero(eligible[:n] & (draw[:n] < -expm1(minus_x[:n])))


def test_happening_rows_are_those_of_expm1_over_every_row():
    rng = np.random.default_rng(0)
    for trial in range(300):
        size = int(rng.integers(0, 3000))
        n = int(rng.integers(0, size + 1))
        minus_x = -rng.exponential(10.0 ** rng.uniform(-6, 1), size)
        draw = rng.random(size)
        if trial % 3 == 0:  # draws right at the probability, and just either side of it
            probability = -expm1(minus_x)
            draw = np.where(rng.random(size) < 0.5, probability,
                            np.nextafter(probability, (0.0, 1.0)[trial % 2]))
        eligible = rng.random(size) < 0.9
        expected = _expected(minus_x, draw, eligible, n)
        np.testing.assert_array_equal(_happening(minus_x, draw, eligible, n), expected)
        np.testing.assert_array_equal(happening(minus_x, draw,
                                                below_bound(minus_x, draw, eligible), n),
                                      expected)


def test_happening_handles_zero_negative_and_non_finite_hazards():
    minus_x = np.array([0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, np.inf, -np.inf, np.nan, -5e-324])
    for value in (0.0, 1e-320, 0.3, 0.999):
        draw = np.full(len(minus_x), value)
        eligible = np.ones(len(minus_x), np.bool_)
        expected = _expected(minus_x, draw, eligible, len(minus_x))
        with np.errstate(invalid="ignore"):  # numpy mode: the bound of an infinite x is nan
            got = _happening(minus_x, draw, eligible, len(minus_x))
        np.testing.assert_array_equal(got, expected)
