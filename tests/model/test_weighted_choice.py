"""The clients' weighted draw is numpy's ``Generator.choice`` with ``p``, pick for pick."""

from __future__ import annotations

import numpy as np
import pytest

from model.population import weighted_choice


@pytest.mark.parametrize("seed", range(8))
def test_weighted_choice_is_numpys_choice(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    p = rng.random(n) ** 3
    p[rng.random(n) < 0.1] = 0.0  # zero weights: never picked, ties in the cumulative sums
    p[0] += 1e-3
    p /= p.sum()
    a = rng.integers(0, 10**6, n)
    size = (int(rng.integers(0, 2000)), int(rng.integers(1, 4)))
    expected_rng, rng_here = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    expected = expected_rng.choice(a, size=size, p=p)
    picks = weighted_choice(rng_here, a, size, p)
    assert picks.shape == expected.shape and picks.dtype == expected.dtype
    np.testing.assert_array_equal(picks, expected)
    assert rng_here.random() == expected_rng.random()  # the same draws were used


def test_weighted_choice_of_one():
    picks = weighted_choice(np.random.default_rng(0), np.array([7]), (3, 2), np.array([1.0]))
    np.testing.assert_array_equal(picks, np.full((3, 2), 7))
