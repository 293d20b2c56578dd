"""How many futures and policies each box's runs come from, recomputed from the stored runs.

The model: a run is ``low`` where the uncertainty ``u`` is above 0.9 (a handful of the 40
futures), ``high`` where the lever ``a`` is above 0.4 and ``u`` below 0.5, ``trend`` elsewhere;
runs with ``w`` above 0.95 tell a history that contradicts the data. So the ``low`` box holds
every policy's runs in about 4 futures: a lead resting on few futures, whatever its run count.
"""

import re

import numpy as np
import pandas as pd
import pytest

from experiments import analyze, load_results
from experiments.analysis.discovery import discover
from experiments.analysis.policies import TOP_POLICIES
from experiments.analysis.sentences import box_sentence
from experiments.analysis.spread import FEW
from experiments.cli import main
from experiments.report.build import build_report

MODEL = '''
import numpy as np

def spread(params, seed):
    rng = np.random.default_rng(seed)
    a, u, w = params["a"], params["u"], params["w"]
    klass = "low" if u > 0.9 else "high" if a > 0.4 and u < 0.5 else "trend"
    return {"y": a + u + 0.01 * rng.standard_normal(), "scenario": klass,
            "plausible": bool(w <= 0.95), "implausibility": 4.0 if w > 0.95 else 0.0,
            "history_misses": "jobs_trend" if w > 0.95 else ""}
'''

STUDY = """
[experiment]
design = "crossed"
policies = 24
scenarios = 40
replicates = 2
seed = 11
model = "spread:spread"
outcomes = ["y"]

[levers]
a = [0.0, 1.0]
b = [0.0, 1.0]

[uncertainties]
u = [0.0, 1.0]
w = [0.0, 1.0]
"""


@pytest.fixture(scope="module")
def crossed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spread")
    (folder / "spread.py").write_text(MODEL)
    (folder / "study.toml").write_text(STUDY)
    out = folder / "out"
    assert main(["batch", str(folder / "study.toml"), "--out", str(out),
                 "--progress", "none"]) == 0
    analyze(out, figures=False)
    return out


def _table(out, name):
    return pd.read_csv(out / "analysis" / f"{name}.csv")


def _kept(out) -> pd.DataFrame:
    """The classified runs the conclusions use, with their future, policy and design values."""
    results = load_results(out)
    samples = pd.read_parquet(out / "samples.parquet")
    kept = results[results["status"].eq("ok") & results["plausible"].ne(False)
                   & results["scenario"].isin(["low", "trend", "high"])]
    return kept[["point_id", "scenario"]].merge(samples, on="point_id")


def _inside(runs: pd.DataFrame, limits: pd.DataFrame) -> pd.Series:
    inside = pd.Series(True, index=runs.index)
    for r in limits.itertuples():
        inside &= runs[r.parameter].between(r.low, r.high)
    return inside


def test_each_discovered_box_stores_the_futures_and_policies_of_its_runs(crossed):
    runs = _kept(crossed)
    summary, limits = _table(crossed, "discovery_boxes"), _table(crossed, "discovery")
    boxes = summary[summary["res_dim"] > 0]
    assert not boxes.empty
    for row in boxes.itertuples():
        mine = limits[limits["scenario"].eq(row.scenario) & limits["box"].eq(row.box)]
        inside = runs[_inside(runs, mine)]
        assert len(inside) == row.runs
        assert row.futures == inside["scenario_id"].nunique() and row.futures_total == 40
        if mine["parameter"].isin(["a", "b"]).any():  # a box that restricts a lever
            assert row.policies == inside["policy_id"].nunique() and row.policies_total == 24
        else:
            assert np.isnan(row.policies) and np.isnan(row.policies_total)


def test_each_policy_box_stores_the_futures_and_policies_of_the_runs_it_searched(crossed):
    runs = _kept(crossed)
    boxes = _table(crossed, "policy_boxes")
    policies = _table(crossed, "policies")
    best = policies["policy_id"].head(max(1, round(TOP_POLICIES * len(policies))))
    assert {"levers_high", "breaks_best"} <= set(boxes["kind"])
    for kind, mine in boxes.groupby("kind"):
        searched = runs[runs["policy_id"].isin(best)] if kind == "breaks_best" else runs
        inside = searched[_inside(searched, mine)]
        first = mine.iloc[0]
        assert len(inside) == first["runs"]
        assert first["futures"] == inside["scenario_id"].nunique()
        assert first["futures_total"] == 40
        if kind.startswith("levers"):
            assert first["policies"] == inside["policy_id"].nunique()
        else:
            assert np.isnan(first["policies"])


def test_discovery_md_tells_each_box_s_runs_with_the_futures_they_come_from(crossed):
    summary = _table(crossed, "discovery_boxes")
    text = (crossed / "analysis" / "discovery.md").read_text(encoding="utf-8")
    for row in summary[summary["res_dim"] > 0].itertuples():
        origin = f"from {row.futures} of the 40 futures"
        if not np.isnan(row.policies):
            origin += f" and {int(row.policies)} of the 24 policies"
        told = f"of the {row.runs} runs of this box ({origin}) are {row.scenario}"
        assert told in row.sentence and told in text


def test_the_low_box_of_a_handful_of_futures_is_called_a_lead_in_discovery_md(crossed):
    summary = _table(crossed, "discovery_boxes").set_index("scenario")
    low = summary.loc["low"]
    assert low["futures"] < FEW and low["runs"] >= 5 * low["futures"]
    assert "; a lead resting on few futures" in low["sentence"]
    assert "a lead resting on few" not in summary.loc["high", "sentence"]


def _report(out, lang: str) -> str:
    html = build_report(out, lang).read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ") \
        .replace("\xa0", " ")


def test_the_english_report_tells_each_box_s_futures_recomputed_from_the_runs(crossed):
    text = _report(crossed, "en")
    runs = _kept(crossed)
    limits = _table(crossed, "discovery")
    for (scenario, _), mine in limits.groupby(["scenario", "box"]):
        inside = runs[_inside(runs, mine)]
        origin = f"{inside['scenario_id'].nunique()} of the 40 futures"
        if mine["parameter"].isin(["a", "b"]).any():
            origin += f" and {inside['policy_id'].nunique()} of the 24 policies"
        assert f"of the {len(inside):,} runs there (from {origin}) end in the {scenario}" in text
    lever = _table(crossed, "policy_boxes").query("kind == 'levers_high'")
    inside = runs[_inside(runs, lever)]
    assert (f"These {len(inside):,} runs come from {inside['scenario_id'].nunique()} of the 40 "
            f"futures and {inside['policy_id'].nunique()} of the 24 policies.") in text


def test_the_french_report_tells_each_box_s_futures_too(crossed):
    text = _report(crossed, "fr")
    summary = _table(crossed, "discovery_boxes").set_index("scenario")
    low = summary.loc["low"]
    assert (f"des {int(low['runs'])} simulations de cette zone (issues de {int(low['futures'])} "
            "des 40 futurs) aboutissent au scénario bas") in text
    assert ("cette zone est une piste qui repose sur peu de futurs, pas un résultat") in text


def test_the_report_calls_a_box_a_lead_on_few_futures_exactly_when_the_table_says_so(crossed):
    text = _report(crossed, "en")
    summary = _table(crossed, "discovery_boxes")
    # the report tells levers_high and breaks_best; each discovered box twice (first page and
    # details), each policy box once
    boxes = _table(crossed, "policy_boxes").drop_duplicates("kind").query("kind != 'levers_low'")
    for unit in ("futures", "policies"):
        few = 2 * int((summary[unit] < FEW).sum()) + int((boxes[unit] < FEW).sum())
        assert text.count(f"this region is a lead resting on few {unit}, not a finding") == few
    assert (summary["futures"] < FEW).sum() == 1  # the low box; the others rest on more


def test_a_design_that_is_not_crossed_stores_and_tells_no_futures():
    rng = np.random.default_rng(3)
    x = rng.random((600, 2))
    samples = pd.DataFrame({"point_id": range(600), "x1": x[:, 0], "x2": x[:, 1]})
    scenario = np.where((x[:, 0] > 0.7) & (x[:, 1] < 0.3), "high", "trend")
    results = pd.DataFrame({"point_id": range(600), "status": "ok", "scenario": scenario})
    spec = {"design": "lhs", "problem": {"names": ["x1", "x2"], "bounds": [[0, 1], [0, 1]]}}
    found = discover(spec, samples, results)
    box = found.summary[found.summary["res_dim"] > 0].iloc[0]
    assert found.summary[["futures", "futures_total", "policies", "policies_total"]] \
        .isna().all().all()
    assert "% of runs are high" in box["sentence"]
    assert "futures" not in box["sentence"] and "a lead" not in box["sentence"]


@pytest.mark.parametrize(("futures", "lead"), [(FEW - 1, True), (FEW, False)])
def test_the_analysis_sentence_says_lead_only_under_ten_futures(futures, lead):
    spread = {"futures": futures, "futures_total": 128, "policies": pd.NA,
              "policies_total": pd.NA}
    sentence = box_sentence("low", ["x > 1"], 1.0, 0.04, 0.002, 366, spread)
    assert f"4% of the 366 runs of this box (from {futures} of the 128 futures) are low" \
        in sentence
    assert ("a lead resting on few futures" in sentence) is lead
