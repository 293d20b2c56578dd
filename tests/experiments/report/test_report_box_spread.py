"""A crossed design's box says how many futures (and policies) its runs come from."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from experiments.report.batch import Batch
from experiments.report.boxes import box_sentences, leading_sentences
from experiments.report.i18n import Translator
from experiments.report.region import box_sentence

CROSSED = {"model": "servisim", "design": "crossed"}


def _batch(tmp_path: Path, boxes: list[dict], spec: dict | None = None) -> Batch:
    """100 kept runs, 1 of them low, with the given discovered ``low`` boxes on one parameter.

    A box's ``futures``, ``policies`` (and their totals), when given, are its stored counts.
    """
    results = pd.DataFrame({"run_id": range(100), "status": "ok",
                            "scenario": ["low"] + ["trend"] * 99})
    summary = pd.DataFrame([{"scenario": "low", "res_dim": 1, "density": 0.04, "coverage": 1.0,
                             **b} for b in boxes])
    limits = pd.DataFrame([{"scenario": "low", "box": b["box"],
                            "parameter": "platform_cost_advantage", "low": 0.5, "high": 0.651,
                            "restricted": "high", "recurrence": 10, "draws": 10}
                           for b in boxes])
    return Batch(tmp_path, spec or CROSSED, results, None, {},
                 {"discovery_boxes": summary, "discovery": limits})


def _low(batch: Batch, lang: str = "en") -> str:
    return box_sentences(batch, batch.results, Translator(lang))["low"][0]


ON_SIX = {"box": 1, "runs": 25, "futures": 6, "futures_total": 128}


def test_a_box_says_from_how_many_of_the_design_s_futures_its_runs_come(tmp_path: Path):
    sentence = _low(_batch(tmp_path, [ON_SIX]))
    assert "4% of the 25 runs there (from 6 of the 128 futures) end in the low scenario" \
        in sentence


def test_a_box_says_from_how_many_futures_its_runs_come_in_french_too(tmp_path: Path):
    sentence = _low(_batch(tmp_path, [ON_SIX]), "fr")
    assert ("4\u00a0% des 25 simulations de cette zone (issues de 6 des 128 futurs) "
            "aboutissent au scénario bas") in sentence


def test_a_box_that_restricts_a_lever_also_says_from_how_many_policies(tmp_path: Path):
    box = {**ON_SIX, "futures": 83, "policies": 24, "policies_total": 32}
    batch = _batch(tmp_path, [box])
    assert "(from 83 of the 128 futures and 24 of the 32 policies)" in _low(batch)
    assert "(issues de 83 des 128 futurs et de 24 des 32 politiques)" in _low(batch, "fr")


@pytest.mark.parametrize(("futures", "lead"), [(9, True), (10, False), (83, False)])
def test_a_box_is_a_lead_resting_on_few_futures_exactly_under_ten(tmp_path: Path, futures: int,
                                                                   lead: bool):
    batch = _batch(tmp_path, [{**ON_SIX, "futures": futures}])
    assert ("With its runs from fewer than 10 futures, this region is a lead resting on few "
            "futures, not a finding." in _low(batch)) is lead
    assert ("Ses simulations venant de moins de 10 futurs, cette zone est une piste qui "
            "repose sur peu de futurs, pas un résultat." in _low(batch, "fr")) is lead


def test_a_lever_box_on_few_policies_and_few_futures_names_both(tmp_path: Path):
    box = {**ON_SIX, "policies": 4, "policies_total": 32}
    assert ("With its runs from fewer than 10 futures and fewer than 10 policies, this region "
            "is a lead resting on few futures and few policies, not a finding."
            ) in _low(_batch(tmp_path, [box]))


def test_a_lead_on_few_futures_comes_after_a_firm_box_on_the_first_page(tmp_path: Path):
    batch = _batch(tmp_path, [ON_SIX, {**ON_SIX, "box": 2, "runs": 30, "futures": 40}])
    t = Translator("en")
    in_order = box_sentences(batch, batch.results, t)["low"]
    assert leading_sentences(batch, batch.results, t)["low"] == [in_order[1], in_order[0]]


def test_a_design_that_is_not_crossed_tells_its_boxes_as_before(tmp_path: Path):
    # an LHS study, or an analysis made before the counts were stored: no column, no words
    batch = _batch(tmp_path, [{"box": 1, "runs": 25}], {"model": "servisim", "design": "lhs"})
    sentence = _low(batch)
    assert "4% of the 25 runs there end in the low scenario (against 1% overall)" in sentence
    assert "futures" not in sentence.split("How firm")[0] and "a lead resting" not in sentence


def _policy_batch(tmp_path: Path, counts: dict) -> Batch:
    """A crossed batch whose lever box holds 4 policies' runs (890 of 7,141)."""
    row = {"kind": "levers_high", "parameter": "cluster_share", "low": 0.293,
           "high": math.inf, "density": 335 / 890, "coverage": 335 / 744,
           "share": 744 / 7141, "runs": 890, "method": "prim", "left_out": 0.69,
           "recurrence": 20, "draws": 20, **counts}
    policies = pd.DataFrame({"policy_id": range(32)})
    return Batch(tmp_path, CROSSED, pd.DataFrame(), None, {},
                 {"policy_boxes": pd.DataFrame([row]), "policies": policies})


def test_a_policy_box_says_which_futures_and_policies_its_runs_come_from(tmp_path: Path):
    batch = _policy_batch(tmp_path, {"futures": 127, "futures_total": 128, "policies": 4,
                                     "policies_total": 32})
    en = box_sentence(batch, "levers_high", Translator("en"))
    fr = box_sentence(batch, "levers_high", Translator("fr"))
    assert ("These 890 runs come from 127 of the 128 futures and 4 of the 32 policies. With its "
            "runs from fewer than 10 policies, this region is a lead resting on few policies, "
            "not a finding. How firm") in en
    assert ("Ces 890 simulations sont issues de 127 des 128 futurs et de 4 des 32 politiques. "
            "Ses simulations venant de moins de 10 politiques, cette zone est une piste qui "
            "repose sur peu de politiques, pas un résultat.") in fr


def test_a_policy_box_without_stored_counts_says_nothing_of_them(tmp_path: Path):
    sentence = box_sentence(_policy_batch(tmp_path, {}), "levers_high", Translator("en"))
    assert "come from" not in sentence and "a lead resting" not in sentence
    assert "How firm" in sentence
