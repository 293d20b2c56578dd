"""A run's 2020-2024 history against the region's data (history matching)."""

import math

from model import ServitizationModel
from model.history import (
    CUTOFF,
    QUARTERS,
    SUMMARIES,
    History,
    Range,
    load_ranges,
    plausibility,
    step_with_history,
)


def test_implausibility_is_zero_inside_and_counts_half_widths_outside():
    band = Range("t", "s", 0.2, 0.4)
    assert band.implausibility(0.3) == 0
    assert math.isclose(band.implausibility(0.5), 1.0)
    assert math.isclose(band.implausibility(0.0), 2.0)
    assert math.isnan(band.implausibility(math.nan))


def test_a_run_is_implausible_when_one_target_is_beyond_three_half_widths():
    band = Range("t", "s", 0.2, 0.4)
    assert plausibility({"s": 0.2 - 0.1 * CUTOFF + 1e-9}, [band]).plausible
    judged = plausibility({"s": 0.75}, [band])
    assert not judged.plausible and judged.misses == ("t",)


def test_history_is_judged_on_the_calibrated_targets_only():
    ranges = load_ranges()
    assert {r.summary for r in ranges} <= set(SUMMARIES)
    assert "service_capture" not in {r.target for r in ranges}  # set by construction
    assert len(ranges) == 17


def test_history_gives_every_summary_after_twenty_quarters():
    model = ServitizationModel(rng=3, headless=True, population_scale=0.05)
    history = History(model)
    for _ in range(QUARTERS + 2):
        step_with_history(model, history)
    values = history.summaries()
    assert set(values) == set(SUMMARIES)
    assert 0.85 < values["service_capture_2020"] < 1.0


def _trajectory(**params):
    model = ServitizationModel(rng=5, headless=True, population_scale=0.05, **params)
    model.run()
    return model.trajectory().drop(columns="quarter")


def test_levers_held_until_their_start_year_leave_2020_2024_as_the_data_describe():
    today = {"secure_framework": 0.6, "subsidy_budget_after": 40e6, "subsidy_rate": 0.4,
             "cluster_share": 0.35, "cluster_imitation_multiplier": 2.2}
    default = _trajectory()
    later = _trajectory(lever_start_year=2025, **today)
    assert default.iloc[: 4 * 5 + 1].equals(later.iloc[: 4 * 5 + 1])  # 2019Q4 .. 2024Q4
    assert not default.equals(later)


def test_held_levers_take_their_values_in_their_start_year():
    model = ServitizationModel(rng=1, headless=True, population_scale=0.05,
                               lever_start_year=2025, secure_framework=0.5)
    assert model.p["secure_framework"] != 0.5
    while model.year < 2025:
        model.step()
    model.step()
    assert model.p["secure_framework"] == 0.5 and not model.held_levers


def _members(model) -> float:
    f = model.firms
    return float(f.cluster[: f.n][f.alive[: f.n]].mean())


def test_a_held_cluster_share_brings_members_in_its_start_year():
    model = ServitizationModel(rng=2, headless=True, population_scale=0.25,
                               lever_start_year=2025, cluster_share=0.35)
    assert model.p["cluster_share"] == 0.15
    while model.year < 2025:
        model.step()
    held = _members(model)
    model.step()
    assert abs(held - 0.15) < 0.03 and abs(_members(model) - 0.35) < 0.03
