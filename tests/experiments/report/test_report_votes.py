"""The report's classification tables and box sentences say what the model and the runs say."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from experiments.report.batch import Batch
from experiments.report.boxes import box_sentences
from experiments.report.i18n import Translator
from experiments.report.votes import band_text, cast_votes, votes
from model.scenarios import classify, load_bands
from model.scenarios import votes as model_votes

VOTERS = list(load_bands())


def _run(**changes: float) -> dict[str, float]:
    """2040 indicators that vote trend on every indicator, with ``changes``."""
    run = {"industrial_service_capture": 0.6, "servitized_share_sme": 0.3,
           "digital_adoption_sme": 0.6, "jobs_index_2017": 0.8, "cumulative_exits_share": 0.2,
           "cluster_adoption_share": 0.3, "two_tier_gap": 0.35}
    run.update(changes)
    return run


def test_a_high_vote_whose_condition_fails_is_counted_as_the_model_casts_it():
    # A narrow gap because SMEs have not moved is not the high story: the model votes trend.
    final = pd.DataFrame([_run(two_tier_gap=0.1, servitized_share_sme=0.1)])
    assert cast_votes(final, VOTERS)["two_tier_gap"][0] == "trend"
    assert model_votes(final.iloc[0].to_dict())["two_tier_gap"] == "trend"


def test_every_cast_vote_is_the_models_vote():
    runs = [_run(), _run(two_tier_gap=0.1), _run(two_tier_gap=0.1, servitized_share_sme=0.1),
            _run(industrial_service_capture=0.724), _run(industrial_service_capture=0.725)]
    cast = cast_votes(pd.DataFrame(runs), VOTERS)
    for i, run in enumerate(runs):
        assert {name: cast[name][i] for name in VOTERS} == model_votes(run)


def test_a_missing_indicator_casts_no_vote():
    final = pd.DataFrame([_run(jobs_index_2017=math.nan)])
    assert cast_votes(final, VOTERS)["jobs_index_2017"][0] == "none"


def test_the_votes_table_shares_add_up_to_the_runs_of_each_class():
    runs = [_run(), _run(two_tier_gap=0.1, servitized_share_sme=0.1)]
    final = pd.DataFrame(runs)
    classes = pd.Series([classify(r) for r in runs])
    rows = votes(final, classes, VOTERS, Translator("en"))
    gap = VOTERS.index("two_tier_gap")
    assert [cell["text"] for row in rows for cell in row["cells"][gap]] == ["trend 100%"]


def test_the_thresholds_table_prints_each_cut_point_as_it_is():
    t = Translator("en")
    high = load_bands()["industrial_service_capture"]["high"]
    assert band_text(high, "industrial_service_capture", "high", t) == "≥ 72.5%"


def test_the_thresholds_table_states_the_condition_of_a_high_vote():
    t = Translator("en")
    high = load_bands()["two_tier_gap"]["high"]
    text = band_text(high, "two_tier_gap", "high", t)
    assert text.endswith(f" and {t.indicator('servitized_share_sme')} ≥ 17.5%")


def test_a_box_is_set_against_the_class_share_of_the_runs_the_conclusions_use(tmp_path: Path):
    # Four kept runs (one high) and four left out (all high): the box's 50% is set against 25%.
    results = pd.DataFrame({"run_id": range(8), "status": "ok",
                            "scenario": ["high", "trend", "trend", "trend"] + ["high"] * 4,
                            "plausible": [True] * 4 + [False] * 4})
    summary = pd.DataFrame({"scenario": ["high"], "box": [1], "runs": [2], "density": [0.5],
                            "coverage": [1.0], "res_dim": [1]})
    limits = pd.DataFrame({"scenario": ["high"], "box": [1], "parameter": ["subsidy_rate"],
                           "low": [0.2], "high": [0.3], "restricted": ["both"]})
    batch = Batch(tmp_path, {"model": "servisim"}, results, None, {},
                  {"discovery_boxes": summary, "discovery": limits})
    kept = results[results["plausible"]]
    sentence = box_sentences(batch, kept, Translator("en"))["high"][0]
    assert "50% of the 2 runs there end in the high scenario (against 25% overall)" in sentence


def test_a_vote_that_not_every_run_casts_never_reads_100_percent_nor_is_left_out():
    # 997 runs vote trend on the gap, 3 vote high: "trend 100%" alone would say all of them
    runs = [_run()] * 997 + [_run(two_tier_gap=0.1)] * 3
    rows = votes(pd.DataFrame(runs), pd.Series(["trend"] * 1000), VOTERS, Translator("en"))
    gap = VOTERS.index("two_tier_gap")
    assert [cell["text"] for cell in rows[0]["cells"][gap]] == ["trend 99.7%", "high 0.3%"]
