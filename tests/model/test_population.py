"""The 2020 population: size classes, jobs anchor, number of establishments."""

from __future__ import annotations

import numpy as np
import pytest

from model.population import SIZE_SHARES, draw_employees, firm_count, initial_jobs


def test_drawn_employees_add_up_to_the_2020_jobs_of_the_region():
    employees, _ = draw_employees(np.random.default_rng(1), 500, 0.05)
    assert employees.sum() == pytest.approx(initial_jobs(0.05))


def test_size_classes_follow_the_regional_shares_and_their_bounds():
    employees, size = draw_employees(np.random.default_rng(2), 1000, 0.1)
    assert np.bincount(size, minlength=3) / 1000 == pytest.approx(SIZE_SHARES, abs=0.001)
    assert (employees > 0).all()


def test_the_number_of_establishments_scales_with_the_population_and_is_at_least_20():
    assert firm_count(1.0) == 9740
    assert firm_count(0.1) == 974
    assert firm_count(0.0001) == 20
