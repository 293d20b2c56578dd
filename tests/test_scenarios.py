from model import classify, votes
from model.scenarios import load_bands

TREND = {"industrial_service_capture": 0.6, "servitized_share_sme": 0.25, "two_tier_gap": 0.35,
         "jobs_index_2017": 0.8, "cumulative_exits_share": 0.2}


def test_bands_file_holds_the_spec_thresholds():
    bands = load_bands()
    assert bands["industrial_service_capture"]["low"].describe() == "< 0.45"
    assert bands["cumulative_exits_share"]["low"].describe() == "> 0.28"
    assert "low" not in bands["two_tier_gap"]


def test_each_indicator_votes_for_the_band_that_holds_it():
    assert set(votes(TREND).values()) == {"trend"}
    assert classify(TREND) == "trend"


def test_values_between_bands_do_not_vote():
    cast = votes(TREND | {"industrial_service_capture": 0.72})
    assert cast["industrial_service_capture"] is None


def test_majority_decides():
    low = TREND | {"industrial_service_capture": 0.3, "servitized_share_sme": 0.05,
                   "jobs_index_2017": 0.6}
    assert classify(low) == "low"


def test_a_tie_goes_to_the_nearest_class():
    tie = {"industrial_service_capture": 0.80, "servitized_share_sme": 0.5,
           "two_tier_gap": 0.31, "jobs_index_2017": 0.8, "cumulative_exits_share": 0.26}
    # two votes high, two trend, exits in no band: exits 0.26 is nearer trend (<=0.25) than
    # high (<0.15), so trend wins.
    assert classify(tie) == "trend"
