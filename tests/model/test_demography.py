"""Entries: ordinary new establishments and sites drawn by clusters."""

from __future__ import annotations

import numpy as np
import pytest

from model.demography import entries_this_quarter


def test_no_entry_rate_and_no_cluster_attraction_mean_no_entries():
    rng = np.random.default_rng(1)
    assert entries_this_quarter(rng, 1000, 0.0, 5, 0.0, 0.25) == (0, 0)


def test_ordinary_entries_average_the_yearly_rate_over_a_quarter():
    rng = np.random.default_rng(2)
    draws = [entries_this_quarter(rng, 1000, 0.04, 0, 0.0, 0.25)[0] for _ in range(4000)]
    assert np.mean(draws) == pytest.approx(0.04 * 1000 * 0.25, rel=0.03)


def test_each_cluster_adoption_draws_new_sites_at_the_attraction_rate():
    rng = np.random.default_rng(3)
    draws = [entries_this_quarter(rng, 1000, 0.0, 10, 0.5, 0.25)[1] for _ in range(4000)]
    assert np.mean(draws) == pytest.approx(5.0, rel=0.03)
