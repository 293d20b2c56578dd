"""Entries drawn as numpy's two Poisson draws would, the zero-mean ones skipped."""

from __future__ import annotations

import numpy as np
import pytest

from model.demography import entries_this_quarter


@pytest.mark.parametrize(("entry_rate", "cluster_adoptions"), [(0.04, 0), (0.0, 3), (0.0, 0),
                                                                (0.04, 3)])
def test_entries_give_the_counts_and_stream_of_both_poisson_draws(entry_rate,
                                                                  cluster_adoptions):
    ours, numpys = np.random.default_rng(7), np.random.default_rng(7)
    for _ in range(50):
        got = entries_this_quarter(ours, 1000, entry_rate, cluster_adoptions, 0.5, 0.25)
        expected = (int(numpys.poisson(entry_rate * 1000 * 0.25)),
                    int(numpys.poisson(0.5 * cluster_adoptions)))
        assert got == expected
    assert ours.bit_generator.state == numpys.bit_generator.state


def test_entries_still_refuse_a_negative_mean_as_numpy_does():
    with pytest.raises(ValueError):
        entries_this_quarter(np.random.default_rng(0), 1000, -0.04, 0, 0.5, 0.25)
