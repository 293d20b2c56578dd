"""The first page tells each discovered box by what its runs show."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.report.batch import Batch
from experiments.report.boxes import box_sentences, condition, leading_sentences
from experiments.report.i18n import Translator


def _batch(tmp_path: Path, boxes: list[dict], high: int = 10, runs: int = 100) -> Batch:
    """A batch of ``runs`` kept runs, ``high`` of them high, with the given discovered boxes.

    A box's ``recurrence`` (of 10 halves), when one is given, is its restriction's.
    """
    results = pd.DataFrame({"run_id": range(runs), "status": "ok",
                            "scenario": ["high"] * high + ["trend"] * (runs - high)})
    summary = pd.DataFrame([{"scenario": "high", "res_dim": 1,
                             **{k: v for k, v in b.items() if k != "recurrence"}}
                            for b in boxes])
    firmness = any("recurrence" in b for b in boxes)
    limits = pd.DataFrame([{"scenario": "high", "box": b["box"], "parameter": "subsidy_rate",
                            "low": 0.2, "high": 0.3, "restricted": "both",
                            **({"recurrence": b.get("recurrence", 10), "draws": 10}
                               if firmness else {})}
                           for b in boxes])
    return Batch(tmp_path, {"model": "servisim"}, results, None, {},
                 {"discovery_boxes": summary, "discovery": limits})


def test_a_box_that_stands_out_is_told_as_leading_to_its_class(tmp_path: Path):
    batch = _batch(tmp_path, [{"box": 1, "runs": 10, "density": 0.6, "coverage": 0.6}])
    sentence = box_sentences(batch, batch.results, Translator("en"))["high"][0]
    assert "60% of the 10 runs there end in the high scenario (against 10% overall)" in sentence
    assert "not stand out" not in sentence


def test_a_box_holding_almost_all_of_a_class_counts_the_runs_outside_it(tmp_path: Path):
    # 70 runs inside, 9 of the 10 high ones: 1 of the 30 runs outside is high.
    batch = _batch(tmp_path, [{"box": 1, "runs": 70, "density": 9 / 70, "coverage": 0.9}])
    sentence = box_sentences(batch, batch.results, Translator("en"))["high"][0]
    assert ("13% of the 70 runs there end in the high scenario (against 10% overall), and this "
            "region holds 90% of all runs of that scenario: outside it, 1 of the 30 runs end "
            "there") in sentence


def test_a_box_that_neither_stands_out_nor_holds_its_class_says_so(tmp_path: Path):
    batch = _batch(tmp_path, [{"box": 1, "runs": 40, "density": 0.15, "coverage": 0.6}])
    sentence = box_sentences(batch, batch.results, Translator("en"))["high"][0]
    assert ("15% of the 40 runs there end in the high scenario, against 10% overall: this "
            "region does not stand out") in sentence


def test_a_box_stands_out_from_twice_its_class_share(tmp_path: Path):
    at = _batch(tmp_path, [{"box": 1, "runs": 40, "density": 0.2, "coverage": 0.8}])
    below = _batch(tmp_path, [{"box": 1, "runs": 40, "density": 0.19, "coverage": 0.76}])
    t = Translator("en")
    assert "not stand out" not in box_sentences(at, at.results, t)["high"][0]
    assert "not stand out" in box_sentences(below, below.results, t)["high"][0]


def test_a_box_of_a_class_most_runs_reach_is_told_with_its_numbers_alone(tmp_path: Path):
    # 80% of the runs are high: no region can hold it twice as often, so none is said not to
    # stand out, and one holding almost all of it is not told as where the class happens.
    batch = _batch(tmp_path, [{"box": 1, "runs": 85, "density": 0.94, "coverage": 1.0}],
                   high=80)
    sentence = box_sentences(batch, batch.results, Translator("en"))["high"][0]
    assert sentence.endswith("94% of the 85 runs there end in the high scenario (against 80% "
                             "overall); this region holds 100% of all runs of that scenario.")


def test_the_first_page_tells_the_boxes_that_stand_out_first(tmp_path: Path):
    batch = _batch(tmp_path, [{"box": 1, "runs": 70, "density": 9 / 70, "coverage": 0.9},
                              {"box": 2, "runs": 8, "density": 0.75, "coverage": 0.6}])
    t = Translator("en")
    in_order = box_sentences(batch, batch.results, t)["high"]
    first = leading_sentences(batch, batch.results, t)["high"]
    assert first == [in_order[1], in_order[0]]
    assert first[0].startswith("When the subsidy rate")


def test_the_first_page_tells_a_firm_box_before_a_lead_that_stands_out(tmp_path: Path):
    batch = _batch(tmp_path, [{"box": 1, "runs": 8, "density": 0.75, "coverage": 0.6,
                               "recurrence": 4},
                              {"box": 2, "runs": 70, "density": 9 / 70, "coverage": 0.9,
                               "recurrence": 9}])
    t = Translator("en")
    in_order = box_sentences(batch, batch.results, t)["high"]
    assert "read it as a lead" in in_order[0] and "read it as a lead" not in in_order[1]
    assert leading_sentences(batch, batch.results, t)["high"] == [in_order[1], in_order[0]]


def test_a_class_most_runs_reach_with_no_box_is_not_called_scattered(tmp_path: Path):
    results = pd.DataFrame({"run_id": range(100), "status": "ok",
                            "scenario": ["trend"] * 86 + ["high"] * 14})
    summary = pd.DataFrame([{"scenario": "trend", "box": 1, "res_dim": 0, "runs": 100,
                             "density": 0.86, "coverage": 1.0}])
    batch = Batch(tmp_path, {"model": "servisim"}, results, None, {},
                  {"discovery_boxes": summary, "discovery": pd.DataFrame()})
    sentence = box_sentences(batch, batch.results, Translator("en"))["trend"][0]
    assert sentence.startswith("The trend scenario is the one most runs reach (86% of all): no "
                               "region can hold it twice as often")
    assert "scattered" not in sentence


def test_every_box_sentence_is_written_in_french_too(tmp_path: Path):
    batch = _batch(tmp_path, [{"box": 1, "runs": 70, "density": 9 / 70, "coverage": 0.9},
                              {"box": 2, "runs": 40, "density": 0.15, "coverage": 0.6},
                              {"box": 3, "runs": 8, "density": 0.75, "coverage": 0.6}])
    holds, weak, leads = box_sentences(batch, batch.results, Translator("fr"))["high"]
    assert "hors d'elle, 1 des 30 simulations y aboutissent" in holds
    assert "ne ressort pas" in weak
    assert "75" in leads and "ne ressort pas" not in leads


def test_a_box_limit_is_told_as_holding_the_runs_on_it(tmp_path: Path):
    # a crossed design puts a policy's lever value exactly on a limit, and the box counts it
    batch = _batch(tmp_path, [{"box": 1, "runs": 10, "density": 0.6, "coverage": 0.6}])
    en, fr = Translator("en"), Translator("fr")
    assert condition("subsidy_rate", 0.2, 0.4, "low", batch, en).endswith("is at least 20%")
    assert condition("subsidy_rate", 0.2, 0.4, "high", batch, en).endswith("is at most 40%")
    assert condition("subsidy_rate", 0.2, 0.4, "high", batch, fr).endswith(
        "ne dépasse pas 40\u00a0%")


def test_a_limit_that_leaves_out_few_runs_is_told_as_narrow(tmp_path: Path):
    batch = _batch(tmp_path, [{"box": 1, "runs": 10, "density": 0.6, "coverage": 0.6}])
    en, fr = Translator("en"), Translator("fr")
    narrow = condition("subsidy_rate", 0.2, 0.4, "high", batch, en, left=0.055)
    assert narrow.endswith("is at most 40% (which leaves out only 6% of the runs)")
    assert "n'écarte que 6" in condition("subsidy_rate", 0.2, 0.4, "high", batch, fr, 0.055)
    assert condition("subsidy_rate", 0.2, 0.4, "high", batch, en, left=0.3).endswith(
        "is at most 40%")
    assert condition("subsidy_rate", 0.2, 0.4, "high", batch, en, left=float("nan")).endswith(
        "is at most 40%")


def test_the_policies_tied_with_the_best_are_counted_from_their_intervals():
    from experiments.report.region import _ties

    table = pd.DataFrame({"p_high": [0.5, 0.4, 0.35, 0.2], "p_high_lo": [0.42, 0.3, 0.28, 0.1],
                          "p_high_hi": [0.6, 0.46, 0.42, 0.3]})
    t = Translator("en")
    assert _ties(table, t).startswith("2 other policies have a chance of high whose interval")
    assert "highest of 4 estimates" in _ties(table, t)
    assert _ties(table.iloc[:2], t).startswith("One other policy has")
    assert _ties(table.iloc[[0, 3]], t).startswith("No other policy's interval")


def test_a_box_limit_is_rounded_away_from_the_box_so_the_runs_on_it_meet_the_printed_condition(
        tmp_path: Path):
    # the workshop's low box: a future sits on both limits (0.9107 and 0.6511); rounded to the
    # nearest, "at least 91.1%" and "at most x0.651" would leave its runs out of the printed rule
    batch = _batch(tmp_path, [{"box": 1, "runs": 10, "density": 0.6, "coverage": 0.6}])
    en, fr = Translator("en"), Translator("fr")
    edge, cost = 0.9107115203193147, 0.651111780939345
    assert condition("platform_usage_edge", edge, 1.0, "low", batch, en).endswith(
        "is at least 91%")
    assert condition("platform_cost_advantage", 0.5, cost, "high", batch, en).endswith(
        "is at most ×0.652")
    assert condition("platform_usage_edge", edge, 0.9988, "both", batch, fr).endswith(
        "entre 91\u00a0% et 99,9\u00a0%")


def test_the_policies_whose_interval_reaches_the_worst_ones_are_counted():
    from experiments.report.region import _worst_ties

    # the last policy is the worst: 0% of high (0% to 2%); the two before it reach down to 2%
    table = pd.DataFrame({"p_high": [0.5, 0.1, 0.01, 0.0, 0.0],
                          "p_high_lo": [0.42, 0.05, 0.002, 0.0, 0.0],
                          "p_high_hi": [0.6, 0.18, 0.04, 0.02, 0.02]})
    en, fr = Translator("en"), Translator("fr")
    assert _worst_ties(table, en) == (" 2 other policies have a chance of high whose interval "
                                      "reaches the worst one's: which one is worst is not firm.")
    assert "on ne peut pas dire laquelle est la pire" in _worst_ties(table, fr)
    assert _worst_ties(table.iloc[[0, 2, 4]], en).startswith(" One other policy")
    assert _worst_ties(table.iloc[[0, 4]], en) == ""
