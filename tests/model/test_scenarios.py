"""Classification v2: contiguous bands, monotone votes, the median class."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import class_probabilities, classify, votes
from model.scenarios import SCORES, BandsError, load_bands, load_votes, median_class

TREND = {"industrial_service_capture": 0.6, "servitized_share_sme": 0.25, "two_tier_gap": 0.35,
         "jobs_index_2017": 0.8, "cumulative_exits_share": 0.2, "digital_adoption_sme": 0.6,
         "cluster_adoption_share": 0.25}
VOTES = load_votes()


def _improve(indicators, name, step):
    """The same run with one indicator moved ``step`` toward the high scenario."""
    sign = 1 if VOTES[name].better == "higher" else -1
    return indicators | {name: indicators[name] + sign * step}


def test_the_cut_points_lie_in_the_gaps_of_the_workshop_bands():
    bands = load_bands()
    assert bands["industrial_service_capture"]["low"].describe() == "< 0.475"
    assert bands["industrial_service_capture"]["high"].describe() == ">= 0.725"
    assert bands["cumulative_exits_share"]["low"].describe() == "> 0.265"
    assert "low" not in bands["two_tier_gap"]


def test_every_value_casts_exactly_one_vote():
    bands = load_bands()
    for name, classes in bands.items():
        for x in [i / 100 for i in range(-50, 151)]:
            holders = [c for c, band in classes.items() if band.contains(x)]
            assert len(holders) == 1, (name, x, holders)


def test_each_indicator_votes_for_the_band_that_holds_it():
    assert set(votes(TREND).values()) == {"trend"}
    assert classify(TREND) == "trend"


def test_the_class_is_the_median_vote():
    three_low = TREND | {"industrial_service_capture": 0.3, "servitized_share_sme": 0.05,
                         "jobs_index_2017": 0.6}
    assert classify(three_low) == "trend"
    four_low = three_low | {"digital_adoption_sme": 0.3}
    assert classify(four_low) == "low"
    assert median_class(["high", "high", "trend", "low"]) == "trend"  # the lower middle


def test_a_narrow_gap_votes_high_only_when_smes_have_moved():
    nobody_moved = TREND | {"two_tier_gap": 0.05, "servitized_share_sme": 0.10}
    assert votes(nobody_moved)["two_tier_gap"] == "trend"
    smes_moved = TREND | {"two_tier_gap": 0.05, "servitized_share_sme": 0.30}
    assert votes(smes_moved)["two_tier_gap"] == "high"


indicator_values = st.fixed_dictionaries(
    {name: st.floats(-0.2, 1.5, allow_nan=False) for name in VOTES})


@settings(max_examples=300, deadline=None)
@given(run=indicator_values, name=st.sampled_from(sorted(VOTES)),
       step=st.floats(0.0, 1.0, allow_nan=False))
def test_raising_one_voting_indicator_alone_never_lowers_the_class(run, name, step):
    better = _improve(run, name, step)
    assert SCORES[classify(better)] >= SCORES[classify(run)]
    for other, vote in votes(better).items():
        assert SCORES[vote] >= SCORES[votes(run)[other]], other


def test_class_probabilities_are_shares_of_replicates():
    assert class_probabilities(["low", "high", "high", "trend"]) == {
        "low": 0.25, "trend": 0.25, "high": 0.5}
    assert all(math.isnan(v) for v in class_probabilities([]).values())
    with pytest.raises(ValueError, match="allowed low, trend, high"):
        class_probabilities(["medium"])


def test_a_bands_file_whose_votes_would_not_be_monotone_is_refused(tmp_path):
    path = tmp_path / "bands.toml"
    path.write_text('[x]\nbetter = "higher"\ntrend = 0.8\nhigh = 0.5\n')
    with pytest.raises(BandsError, match="not be monotone"):
        load_votes(path)


def test_batches_give_each_points_class_probabilities_over_its_seeds():
    import pandas as pd

    from experiments import scenario_probabilities

    results = pd.DataFrame({
        "point_id": [0, 0, 0, 0, 1, 1],
        "status": ["ok", "ok", "ok", "failed", "ok", "ok"],
        "scenario": ["low", "high", "high", None, "trend", "trend"],
    })
    table = scenario_probabilities(results).set_index("point_id")
    assert table.loc[0, ["p_low", "p_trend", "p_high"]].tolist() == pytest.approx(
        [1 / 3, 0.0, 2 / 3])
    assert table.loc[0, "runs"] == 3 and table.loc[1, "p_trend"] == 1.0
