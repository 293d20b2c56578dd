"""Scenario discovery on a synthetic classification with a known box (no batch folder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import discovery_markdown
from experiments.analysis.discovery import BOX_COLUMNS, discover, scenario_shares
from experiments.analysis.sentences import box_sentence, condition

NAMES = ["x1", "x2", "x3", "x4"]


def classified(n: int = 1000, seed: int = 11, rule=None) -> tuple[dict, pd.DataFrame,
                                                                  pd.DataFrame]:
    """Runs on the unit square: high exactly when x1 > 0.7 and x2 < 0.3, low when x3 < 0.4."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, len(NAMES)))
    high = (x[:, 0] > 0.7) & (x[:, 1] < 0.3)
    classes = rule(x) if rule else np.where(high, "high", np.where(x[:, 2] < 0.4, "low",
                                                                   "trend"))
    samples = pd.DataFrame(x, columns=NAMES)
    samples.insert(0, "point_id", np.arange(n))
    results = samples.copy()
    results["status"], results["scenario"] = "ok", classes
    spec = {"problem": {"num_vars": len(NAMES), "names": NAMES, "bounds": [[0, 1]] * 4}}
    return spec, samples, results


@pytest.fixture(scope="module")
def found():
    return discover(*classified())


def test_prim_recovers_the_known_high_box_within_0_05_with_density_above_0_9(found):
    boxes = found.boxes
    assert list(boxes.columns) == BOX_COLUMNS
    high = boxes[(boxes["scenario"] == "high") & (boxes["box"] == 1)].set_index("parameter")
    assert set(high.index) == {"x1", "x2"}  # x3, x4 are irrelevant and left free
    assert high.loc["x1", "low"] == pytest.approx(0.7, abs=0.05)
    assert high.loc["x1", "high"] == 1.0 and high.loc["x1", "restricted"] == "low"
    assert high.loc["x2", "high"] == pytest.approx(0.3, abs=0.05)
    assert high.loc["x2", "low"] == 0.0 and high.loc["x2", "restricted"] == "high"
    assert high["density"].iloc[0] > 0.9 and high["coverage"].iloc[0] > 0.9


def test_each_box_is_one_plain_sentence(found):
    row = found.summary.set_index("scenario").loc["high"]
    assert row["sentence"].startswith("when x1 >= 0.7") and " and x2 <= 0.3" in row["sentence"]
    assert f"{round(100 * row['density'])}% of runs are high, against 9% overall" in row[
        "sentence"]
    assert row["share"] == pytest.approx(0.092)
    low = found.summary.set_index("scenario").loc["low"]
    assert low["sentence"].startswith("when x3 <= 0.")


def test_sentences_read_like_the_issue_asks():
    text = box_sentence("low", [condition("subsidy_rate", -np.inf, 0.15),
                                condition("platform_entry_rate", 0.3, np.inf)], 0.64, 0.82)
    assert text == ("when subsidy_rate <= 0.15 and platform_entry_rate >= 0.3, 82% of runs are "
                    "low (this box holds 64% of all low runs)")
    assert box_sentence("high", ["x > 1"], 0.99, 0.11, overall=0.023) == (
        "when x > 1, 11% of runs are high, against 2% overall (this box holds 99% of all high "
        "runs)")
    assert condition("x", 0.2, 0.5) == "x between 0.2 and 0.5"
    assert condition("budget", 27_712_345.0, np.inf) == "budget >= 27,700,000"
    assert condition("covid_hurdle_until", -np.inf, 2022.0) == "covid_hurdle_until <= 2022"
    assert condition("transition_quarters", 6.0, 12.0) == "transition_quarters between 6 and 12"


def test_box_limits_read_inclusive_and_a_tree_s_lower_limits_strict():
    assert condition("x", 0.7, np.inf) == "x >= 0.7"
    assert condition("x", 0.7, np.inf, strict_low=True) == "x > 0.7"
    assert condition("x", 0.2, 0.5, strict_low=True) == "0.2 < x <= 0.5"


def test_a_box_limit_is_rounded_away_from_the_box_so_the_runs_on_it_meet_the_printed_rule():
    # the workshop's low box: one future sits on both limits; to the nearest, ">= 0.911" and
    # "<= 0.651" would leave its 64 runs out of the rule whose 366 runs the sentence counts
    assert condition("platform_usage_edge", 0.9107115203193147, np.inf) == (
        "platform_usage_edge >= 0.91")
    assert condition("platform_cost_advantage", -np.inf, 0.651111780939345) == (
        "platform_cost_advantage <= 0.652")
    assert condition("x", 0.20685, 0.35105) == "x between 0.206 and 0.352"
    assert condition("x", 0.6511, np.inf, strict_low=True) == "x > 0.651"  # a tree's cut


def test_a_limit_that_leaves_out_few_runs_is_told_as_narrow():
    assert condition("cluster_attraction", -np.inf, 0.189, left=0.055) == (
        "cluster_attraction <= 0.189 (which leaves out only 6% of runs)")
    assert condition("cluster_share", 0.293, np.inf, left=0.32) == "cluster_share >= 0.293"


def test_stored_boxes_say_how_many_runs_each_limit_leaves_out(found):
    high = found.boxes[found.boxes["scenario"].eq("high")].set_index("parameter")
    assert high.loc["x1", "left_out"] == pytest.approx(0.7, abs=0.06)
    assert high.loc["x2", "left_out"] == pytest.approx(0.7, abs=0.06)


def test_a_narrow_limit_found_by_prim_is_told_as_narrow():
    def rule(x):  # high is rare where x2 > 0.95: PRIM cuts that top 5% off
        dense = (x[:, 0] > 0.6) & ((x[:, 1] < 0.95) | (x[:, 3] > 0.9))
        return np.where(dense, "high", "trend")

    boxes = discover(*classified(4000, seed=3, rule=rule)).boxes
    narrow = boxes[boxes["left_out"] < 0.1]
    assert not narrow.empty
    summary = discover(*classified(4000, seed=3, rule=rule)).summary
    high = summary.set_index("scenario").loc["high", "sentence"]
    assert "which leaves out only" in high


def test_the_shares_line_never_calls_a_rare_class_0_percent():
    rare = classified(2000, rule=lambda x: np.where(x[:, 0] > 0.996, "low", np.where(
        x[:, 1] > 0.5, "high", "trend")))
    text = discovery_markdown(discover(*rare), {"name": "rare"})
    share = float(np.mean(rare[2]["scenario"].eq("low")))
    assert 0 < share < 0.005 and "Share of runs: low 0." in text and "low 0%" not in text


def test_a_rare_class_still_gets_a_dense_box():
    def rule(x):  # 2% of the runs: x1 > 0.9 and x2 > 0.8
        return np.where((x[:, 0] > 0.9) & (x[:, 1] > 0.8), "high", "trend")

    result = discover(*classified(1000, rule=rule))
    row = result.summary.set_index("scenario").loc["high"]
    assert row["density"] > 0.8 and row["coverage"] > 0.8
    high = result.boxes[result.boxes["scenario"] == "high"].set_index("parameter")
    assert high.loc["x1", "low"] == pytest.approx(0.9, abs=0.05)
    assert high.loc["x2", "low"] == pytest.approx(0.8, abs=0.05)


def test_decision_tree_cross_checks_the_boxes(found):
    assert found.tree_accuracy > 0.95
    high_leaves = found.tree[found.tree["scenario"] == "high"]
    assert not high_leaves.empty
    assert high_leaves["rule"].str.contains(r"x1 > 0\.(?:69|70)").all()
    assert high_leaves["rule"].str.contains(r"x2 <= 0\.(?:29|3)").all()
    agreement = found.summary.set_index("scenario")["tree_agreement"]
    assert agreement.loc["high"] > 0.9


def test_scenario_shares_overall_and_along_each_parameter(found):
    shares = found.shares
    overall = shares[shares["parameter"] == "all"].set_index("scenario")["share"]
    assert overall.sum() == pytest.approx(1.0)
    assert overall.loc["high"] == pytest.approx(0.3 * 0.3, abs=0.03)
    x1 = shares[shares["parameter"] == "x1"]
    assert sorted(x1["bin"].unique()) == [0, 1, 2, 3, 4]
    assert x1.groupby("bin")["share"].sum().round(9).eq(1).all()
    top_bin = x1[(x1["bin"] == 4) & (x1["scenario"] == "high")]["share"].iloc[0]
    assert top_bin == pytest.approx(0.3, abs=0.08)
    assert x1[(x1["bin"] == 0) & (x1["scenario"] == "high")]["share"].iloc[0] == 0


def test_grid_parameters_get_one_bin_per_level():
    x = pd.DataFrame({"g": [0.1, 0.1, 0.4, 0.4]})
    shares = scenario_shares(x, pd.Series(["low", "high", "high", "high"]), {"g": (0.1, 0.4)})
    g = shares[(shares["parameter"] == "g") & (shares["scenario"] == "high")]
    assert g["bin_low"].tolist() == [0.1, 0.4] and g["share"].tolist() == [0.5, 1.0]


def test_a_rare_or_absent_class_gets_a_sentence_and_no_box():
    def rule(x):
        out = np.where(x[:, 0] > 0.5, "trend", "low").astype(object)
        out[:3] = "high"
        return out

    result = discover(*classified(300, rule=rule))
    summary = result.summary.set_index("scenario")
    assert summary.loc["high", "box"] == 0
    assert summary.loc["high", "sentence"] == ("only 3 of 300 runs are high: too few to find "
                                               "the ranges that lead there")
    assert "high" not in set(result.boxes["scenario"])
    low = result.boxes[result.boxes["scenario"] == "low"].set_index("parameter")
    assert low.loc["x1", "high"] == pytest.approx(0.5, abs=0.05)

    absent = discover(*classified(200, rule=lambda x: np.where(x[:, 0] > 0.5, "trend", "low")))
    assert absent.summary.set_index("scenario").loc["high", "sentence"] == "no run is high"


def test_runs_without_a_class_or_failed_runs_are_left_out():
    spec, samples, results = classified(200)
    results.loc[:49, "status"] = "failed"
    results.loc[50:99, "scenario"] = None
    result = discover(spec, samples, results)
    assert result.shares[result.shares["parameter"] == "all"]["runs"].iloc[0] == 100
    results["scenario"] = None
    empty = discover(spec, samples, results)
    assert empty.summary.empty and "no scenario discovery" in empty.notes[0]


def test_a_box_below_twice_its_class_share_is_said_not_to_stand_out():
    assert box_sentence("high", ["x > 1"], 0.99, 0.16, overall=0.12) == (
        "when x > 1, 16% of runs are high, against 12% overall (this box holds 99% of all high "
        "runs); it does not stand out")


def test_the_known_box_comes_back_in_every_half_of_the_runs(found):
    high = found.boxes[found.boxes["scenario"].eq("high") & found.boxes["box"].eq(1)]
    assert set(high["parameter"]) == {"x1", "x2"}
    assert (high["recurrence"] == high["draws"]).all() and (high["draws"] == 10).all()




def test_each_box_sentence_ends_with_how_many_halves_find_its_parameters_again(found):
    sentence = found.summary.set_index("scenario").loc["high", "sentence"]
    assert sentence.endswith("; found again in 10 halves: x1 10, x2 10")


def test_a_box_sentence_never_calls_a_share_that_is_not_zero_0_percent():
    sentence = box_sentence("low", ["x1 > 0.9"], 1.0, 12 / 366, overall=13 / 7141)
    assert sentence == ("when x1 > 0.9, 3% of runs are low, against 0.2% overall (this box "
                        "holds 100% of all low runs)")
