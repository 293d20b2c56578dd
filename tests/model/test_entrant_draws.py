"""The new firms' draws (``population.add_firms``): numpy's faster identical calls."""

import numpy as np
import pytest

from model.population import (
    DIGITAL_HIGH,
    DIGITAL_LOW,
    DIGITAL_RANGE,
    INTENSIVE_POTENTIAL_SIGMA,
    OFFER_RANK_NOISE,
    POTENTIAL_SIGMA,
    SERVICE_SIGMA,
)

SIZES = (0, 1, 2, 3, 5, 7, 18, 63, 64, 100, 2435)


def numpys_draws(rng, m):
    """The eight draws as numpy's ``normal`` and ``uniform`` make them."""
    return (rng.normal(0.0, POTENTIAL_SIGMA, m), rng.normal(0.0, OFFER_RANK_NOISE, m),
            rng.random(m), rng.normal(0.0, INTENSIVE_POTENTIAL_SIGMA, m),
            rng.uniform(DIGITAL_LOW, DIGITAL_HIGH, m), rng.normal(0, SERVICE_SIGMA, m),
            rng.random(m), rng.random(m))


def six_draws(rng, m):
    """The six calls ``add_firms`` makes, scaled as its kernel scales them."""
    noise, intensive, intensive_normal, digital, service, tail = (
        rng.standard_normal(2 * m), rng.random(m), rng.standard_normal(m), rng.random(m),
        rng.standard_normal(m), rng.random(2 * m))
    return (0.0 + POTENTIAL_SIGMA * noise[:m], 0.0 + OFFER_RANK_NOISE * noise[m:], intensive,
            0.0 + INTENSIVE_POTENTIAL_SIGMA * intensive_normal,
            DIGITAL_LOW + DIGITAL_RANGE * digital, 0.0 + SERVICE_SIGMA * service,
            tail[:m], tail[m:])


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**70 + 3])
@pytest.mark.parametrize("m", SIZES)
def test_six_entrant_draws_give_numpys_eight_draws_bit_for_bit(seed, m):
    expected = numpys_draws(np.random.default_rng(seed), m)
    got = six_draws(np.random.default_rng(seed), m)
    for want, have in zip(expected, got, strict=True):
        assert np.array_equal(want.view(np.uint64), have.view(np.uint64))


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**70 + 3])
@pytest.mark.parametrize("m", SIZES)
def test_six_entrant_draws_leave_the_generator_where_the_eight_do(seed, m):
    numpys, ours = np.random.default_rng(seed), np.random.default_rng(seed)
    numpys_draws(numpys, m)
    six_draws(ours, m)
    assert numpys.bit_generator.state == ours.bit_generator.state
    assert np.array_equal(numpys.standard_normal(9), ours.standard_normal(9))
