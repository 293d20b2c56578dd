"""With the defaults, the first years look like the region (targets in shared/data)."""

import numpy as np
import pytest

from model import ServitizationModel

SEEDS = range(3)


@pytest.fixture(scope="module")
def early_years():
    rows = []
    for seed in SEEDS:
        m = ServitizationModel(rng=seed, headless=True, population_scale=1.0)
        for _ in range(20):
            m.step()
        rows.append(m.trajectory())  # 2019Q4 .. 2024Q4
    return rows


def test_jobs_fall_about_one_percent_a_year(early_years):
    rates = [(t["jobs"].iloc[20] / t["jobs"].iloc[0]) ** (1 / 5) - 1 for t in early_years]
    assert -0.025 <= np.mean(rates) <= -0.005


def test_jobs_start_at_the_2017_anchor_less_three_years_of_trend(early_years):
    assert early_years[0]["jobs_index_2017"].iloc[0] == pytest.approx(0.99**3, abs=0.005)


def test_sme_digital_adoption_is_near_ten_percent_in_2020_2024(early_years):
    mean = np.mean([t["digital_adoption_sme"].mean() for t in early_years])
    assert 0.07 <= mean <= 0.17


def test_large_firm_digital_adoption_is_near_thirty_percent_in_2020_2024(early_years):
    mean = np.mean([t["digital_adoption_large"].mean() for t in early_years])
    assert 0.22 <= mean <= 0.42
