"""The workshop study's analysis on a model with a known answer (``model = "module:function"``).

The model: ``y = 2a + b + 3u``; the run is ``high`` where the lever ``a`` is above 0.7 and the
uncertainty ``u`` below 0.6, ``low`` where ``u`` is above 0.6, ``trend`` elsewhere; runs with
``v`` above 0.9 tell a history that contradicts the data. So the policies with ``a > 0.7`` reach
``high`` in 60% of the futures, the best policies break where ``u > 0.6``, levers hold 5/14 of
``y``'s variance and uncertainties 9/14.
"""

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from experiments import analyze, load_results
from experiments.analysis.policies import (
    TOP_POLICIES,
    clustered_wilson,
    pair_box,
    stands_out,
    wilson,
    wilson_share,
)
from experiments.analysis.variance import class_shares, variance_shares
from experiments.cli import main
from experiments.report.build import build_report
from experiments.report.i18n import Translator
from experiments.report.region import box_counts

MODEL = '''
import numpy as np

def known(params, seed):
    rng = np.random.default_rng(seed)
    a, b, u, v = params["a"], params["b"], params["u"], params["v"]
    klass = "high" if a > 0.7 and u < 0.6 else "low" if u > 0.6 else "trend"
    return {"y": 2 * a + b + 3 * u + 0.01 * rng.standard_normal(), "scenario": klass,
            "plausible": bool(v <= 0.9), "implausibility": 4.0 if v > 0.9 else 0.0,
            "history_misses": "jobs_trend" if v > 0.9 else ""}
'''

TABLES = """
[levers]
a = [0.0, 1.0]
b = [0.0, 1.0]

[uncertainties]
u = [0.0, 1.0]
v = [0.0, 1.0]
"""


def _batch(folder, head):
    folder.mkdir(exist_ok=True)
    (folder / "known.py").write_text(MODEL)
    (folder / "study.toml").write_text(head + TABLES)
    out = folder / "out"
    assert main(["batch", str(folder / "study.toml"), "--out", str(out),
                 "--progress", "none"]) == 0
    return out


@pytest.fixture(scope="module")
def crossed(tmp_path_factory):
    out = _batch(tmp_path_factory.mktemp("crossed"), """
[experiment]
design = "crossed"
policies = 40
scenarios = 40
replicates = 2
seed = 7
model = "known:known"
outcomes = ["y"]
""")
    analyze(out, figures=False)
    return out


def _table(out, name):
    return pd.read_csv(out / "analysis" / f"{name}.csv")


def test_crossed_design_crosses_every_policy_with_every_future(crossed):
    samples = pd.read_parquet(crossed / "samples.parquet")
    assert len(samples) == 40 * 40
    cells = samples.groupby("policy_id")["scenario_id"].nunique()
    assert (cells == 40).all()
    assert samples.groupby("policy_id")["a"].nunique().eq(1).all()


def test_runs_that_contradict_the_history_are_counted_and_left_out(crossed):
    results = load_results(crossed)
    summary = json.loads((crossed / "analysis" / "summary.json").read_text())
    left = int(results["plausible"].eq(False).sum())
    assert left > 0 and summary["plausibility"]["left_out"] == left
    assert _table(crossed, "policies")["runs"].sum() == len(results) - left


def test_a_crossed_study_s_history_note_does_not_mention_sobol_or_morris(crossed):
    notes = _table(crossed, "notes").set_index("key")
    note = notes.loc["history_left_out", "note"]
    assert "runs contradict the region's 2020-2024 data" in note
    assert "Sobol" not in note and "Morris" not in note


def test_policy_analysis_finds_the_lever_region_that_gives_high(crossed):
    box = _table(crossed, "policy_boxes")
    lever = box[box["kind"].eq("levers_high")].set_index("parameter")
    assert list(lever.index) == ["a"]
    assert abs(lever.loc["a", "low"] - 0.7) < 0.05 and lever.loc["a", "high"] == math.inf


def test_policies_in_the_lever_region_reach_high_in_the_futures_where_it_can(crossed):
    policies = _table(crossed, "policies")
    inside = policies[policies["a"] > 0.72]
    samples = pd.read_parquet(crossed / "samples.parquet")
    kept = samples[samples["v"] <= 0.9].drop_duplicates("scenario_id")
    expected = float((kept["u"] < 0.6).mean())
    assert np.allclose(inside["p_high"], expected, atol=0.05)
    assert policies.iloc[0]["a"] > 0.7 and policies.iloc[-1]["p_high"] == 0


def test_prim_finds_the_uncertainties_that_break_the_best_policies(crossed):
    box = _table(crossed, "policy_boxes")
    breaks = box[box["kind"].eq("breaks_best")].set_index("parameter")
    assert list(breaks.index) == ["u"]
    assert abs(breaks.loc["u", "low"] - 0.6) < 0.05


def test_variance_shares_of_a_crossed_design_match_the_analytic_values(crossed):
    shares = _table(crossed, "variance_shares").set_index("outcome")
    assert abs(shares.loc["y", "policy"] - 5 / 14) < 0.05
    assert abs(shares.loc["y", "scenario"] - 9 / 14) < 0.05
    assert shares.loc["y", "seed"] < 0.01


def test_grouped_sobol_indices_match_the_analytic_values(tmp_path):
    out = _batch(tmp_path, """
[experiment]
design = "sobol"
samples = 512
second_order = false
seed = 3
model = "known:known"
outcomes = ["y"]
""")
    analyze(out, figures=False)
    sobol = _table(out, "sobol").query("outcome == 'y'").set_index("parameter")
    assert set(sobol.index) == {"levers", "uncertainties"}
    assert abs(sobol.loc["levers", "ST"] - 5 / 14) < 0.05
    assert abs(sobol.loc["uncertainties", "S1"] - 9 / 14) < 0.05


def _answer(crossed) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The English report's visible text, the stored runs, the design, the kept runs."""
    html = build_report(crossed, "en").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    results = load_results(crossed)
    samples = pd.read_parquet(crossed / "samples.parquet")
    kept = results[results["plausible"].ne(False)].merge(samples[["point_id", "policy_id"]])
    return text, results, samples, kept


def _interval_over_futures(runs: pd.DataFrame) -> tuple[float, float]:
    """A policy's chance of high, Wilson at n over the design effect of its futures' seeds."""
    hits = runs["scenario"].eq("high")
    n, p = len(hits), hits.mean()
    per_future = hits.groupby(runs["scenario_id"]).agg(["sum", "size"])
    futures = len(per_future)
    spread = ((per_future["sum"] - p * per_future["size"]) ** 2).sum() * futures / (futures - 1)
    deff = max(1.0, spread / (n * p * (1 - p))) if 0 < p < 1 else 1.0
    return wilson_share(p, n / deff)


def test_every_number_of_the_answer_is_recomputed_from_the_stored_runs(crossed):
    text, results, samples, kept = _answer(crossed)
    by_policy = kept.groupby("policy_id")["scenario"]
    p_high = by_policy.apply(lambda s: s.eq("high").mean())
    p_low = by_policy.apply(lambda s: s.eq("low").mean())
    order = pd.DataFrame({"h": p_high, "l": p_low}).sort_values(["h", "l"],
                                                                ascending=[False, True])
    futures = kept.merge(samples[["point_id", "scenario_id"]])
    best = order.index[0]
    lo, hi = _interval_over_futures(futures[futures["policy_id"].eq(best)])
    stated = f"{round(100 * p_high[best])}% ({round(100 * lo)}% to {round(100 * hi)}%)"
    assert f"Under the best policy, high has a chance of {stated}" in text
    left = int(results["plausible"].eq(False).sum())
    assert f"{left:,} of {len(results):,} runs" in text
    worst = order.index[-1]
    lo, hi = _interval_over_futures(futures[futures["policy_id"].eq(worst)])
    assert (f"under the worst, {round(100 * p_high[worst])}% ({round(100 * lo)}% to "
            f"{round(100 * hi)}%)") in text
    share = kept["scenario"].eq("high").mean()
    box = _table(crossed, "policy_boxes")
    box = box[box["kind"].eq("levers_high")]
    runs = kept
    inside = pd.Series(True, index=runs.index)
    for r in box.itertuples():
        inside &= runs[r.parameter].between(r.low, r.high)
    outside = runs.loc[~inside, "scenario"].eq("high")
    assert (f"{round(100 * runs.loc[inside, 'scenario'].eq('high').mean())}% of the "
            f"{int(inside.sum()):,} runs reach the high scenario, against "
            f"{round(100 * outside.mean())}% of the {len(outside):,} runs of the other policies "
            f"({round(100 * share)}% over all policies)") in text


def test_where_the_best_policies_miss_high_is_set_against_their_runs_elsewhere(crossed):
    text, results, samples, kept = _answer(crossed)
    policies = _table(crossed, "policies")
    best = policies["policy_id"].head(max(1, round(TOP_POLICIES * len(policies))))
    runs = kept[kept["policy_id"].isin(best)]
    box = _table(crossed, "policy_boxes")
    inside = pd.Series(True, index=runs.index)
    for r in box[box["kind"].eq("breaks_best")].itertuples():
        inside &= runs[r.parameter].between(r.low, r.high)
    miss = runs["scenario"].ne("high")
    assert f"The {len(best)} best policies (the top quarter of the ranking) miss" in text
    assert (f"there, {round(100 * miss[inside].mean())}% of their {int(inside.sum()):,} runs "
            f"miss it, against {round(100 * miss[~inside].mean())}% of their "
            f"{int((~inside).sum()):,} runs elsewhere ({round(100 * miss.mean())}% over all "
            "their runs)") in text


def test_each_class_share_on_the_first_page_has_its_interval_from_the_stored_runs(crossed):
    text, _, samples, kept = _answer(crossed)
    shares = class_shares(samples, kept.drop(columns="policy_id"), ("low", "trend", "high"))
    t = Translator("en")
    for row in shares.itertuples():
        if row.runs:
            assert (f"runs: {row.runs:,} of {int(round(row.runs / row.share)):,} 95% interval, "
                    f"redrawing the policies and the futures: {t.pct(row.share_lo)} to "
                    f"{t.pct(row.share_hi)}") in text


def test_a_box_s_run_counts_follow_from_its_stored_ratios():
    row = pd.Series({"runs": 805, "density": 568 / 805, "coverage": 568 / 593,
                     "share": 593 / 902})
    assert box_counts(row) == (805, 568, 902, 593)
    assert box_counts(pd.Series({**row, "density": 0.0})) is None


def test_the_report_gives_each_variance_share_with_its_interval_from_the_stored_runs(crossed):
    text, _, samples, kept = _answer(crossed)
    kept = kept.drop(columns="policy_id").assign(
        scenario_score=kept["scenario"].map({"low": -1, "trend": 0, "high": 1}))
    row = variance_shares(samples, kept, ["scenario_score"]).iloc[0]
    t = Translator("en")
    stated = {p: f"{t.pct(row[p])} ({t.pct(row[p + '_lo'])} to {t.pct(row[p + '_hi'])})"
              for p in ("policy", "scenario", "interaction", "seed")}
    assert (f"the policy holds {stated['policy']}, the uncertainties {stated['scenario']}, "
            f"their interaction {stated['interaction']} and randomness (the seed) "
            f"{stated['seed']}") in text


def test_the_two_parameter_search_finds_a_corner_twice_as_dense_as_the_class():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(size=(2000, 4)), columns=list("abcd"))
    y = ((x["a"] > 0.8) & (x["c"] < 0.2)).to_numpy() | (rng.uniform(size=2000) < 0.05)
    found = pair_box(x, y)
    assert set(found["limits"]) == {"a", "c"} and stands_out(found, y.mean())
    assert abs(found["limits"]["a"][0] - 0.8) < 0.05


def test_no_zone_is_said_to_stand_out_only_when_no_pair_box_holds_the_class_twice(tmp_path):
    model = MODEL.replace('klass = "high" if a > 0.7 and u < 0.6 else "low" if u > 0.6 '
                          'else "trend"',
                          'klass = "high" if (0.3 < a < 0.5 and 0.6 < u < 0.8) or '
                          'rng.uniform() < 0.05 else "trend"')
    folder = tmp_path / "corner"
    folder.mkdir()
    (folder / "known.py").write_text(model)
    (folder / "study.toml").write_text("""
[experiment]
design = "lhs"
samples = 1500
seed = 5
model = "known:known"
outcomes = ["y"]
""" + TABLES.replace("[levers]", "[parameters]").replace("[uncertainties]\n", ""))
    out = folder / "out"
    assert main(["batch", str(folder / "study.toml"), "--out", str(out),
                 "--progress", "none"]) == 0
    analyze(out, figures=False)
    boxes = _table(out, "discovery_boxes")
    high = boxes[boxes["scenario"].eq("high")]
    assert (high["res_dim"] > 0).any() and (high["density"] >= 2 * high["share"]).any()
    html = build_report(out, "en").read_text(encoding="utf-8")
    assert "No region stands out: the runs of the high" not in html


def test_wilson_interval_holds_the_proportion_and_stays_in_zero_one():
    lo, hi = wilson(0, 10)
    assert lo == 0 and 0.2 < hi < 0.35
    lo, hi = wilson(5, 10)
    assert lo < 0.5 < hi


def test_variance_shares_split_an_additive_outcome_between_policy_and_future():
    samples = pd.DataFrame({"point_id": range(100), "policy_id": np.repeat(range(10), 10),
                            "scenario_id": np.tile(range(10), 10)})
    y = samples["policy_id"] * 1.0 + samples["scenario_id"] * 2.0
    runs = samples[["point_id"]].assign(y=y)
    shares = variance_shares(samples, runs, ["y"]).iloc[0]
    assert abs(shares["policy"] - 0.2) < 1e-9 and abs(shares["scenario"] - 0.8) < 1e-9
    assert shares["interaction"] < 1e-9


def test_with_one_run_a_cell_the_seed_share_is_missing_not_zero():
    samples = pd.DataFrame({"point_id": range(16), "policy_id": np.repeat(range(4), 4),
                            "scenario_id": np.tile(range(4), 4)})
    runs = samples[["point_id"]].assign(y=np.random.default_rng(1).normal(size=16))
    assert np.isnan(variance_shares(samples, runs, ["y"]).iloc[0]["seed"])


def test_with_two_seeds_a_cell_the_seed_share_is_the_whole_noise_not_half_of_it():
    # y = policy effect + seed noise of the same variance: half the variance is the seed's,
    # and none is interaction, though the noise also moves each cell's two-seed mean.
    rng = np.random.default_rng(7)
    cells = pd.DataFrame({"policy_id": np.repeat(range(40), 40),
                          "scenario_id": np.tile(range(40), 40)})
    samples = cells.loc[cells.index.repeat(2)].reset_index(drop=True)
    samples["point_id"] = range(len(samples))
    effect = rng.normal(size=40)
    effect = (effect - effect.mean()) / effect.std()  # a variance of exactly 1, as the noise's
    y = effect[samples["policy_id"]] + rng.normal(size=len(samples))
    runs = samples[["point_id"]].assign(y=y)
    shares = variance_shares(samples, runs, ["y"]).iloc[0]
    assert abs(shares["seed"] - 0.5) < 0.05 and shares["interaction"] < 0.03
    assert abs(shares[["policy", "scenario", "interaction", "seed"]].sum() - 1) < 0.03


def _clustered_studies(studies: int, futures: int, seed: int):
    """Studies of 2 seeds a future where the future decides: it makes high likely (95%) or
    unlikely (5%), likely in 40% of futures, so high's chance over the process is 41%."""
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(futures), 2)
    for _ in range(studies):
        likely = rng.random(futures) < 0.4
        chance = np.where(likely, 0.95, 0.05)[clusters]
        yield rng.random(len(clusters)) < chance, clusters


def test_the_interval_over_futures_covers_the_chance_as_often_as_it_says():
    intervals = [clustered_wilson(hits, clusters)
                 for hits, clusters in _clustered_studies(400, 40, 1)]
    assert sum(lo <= 0.41 <= hi for lo, hi in intervals) / 400 >= 0.92


def test_a_wilson_interval_over_the_runs_would_cover_it_far_less_often():
    intervals = [wilson(int(hits.sum()), len(hits)) for hits, _ in _clustered_studies(400, 40, 1)]
    assert sum(lo <= 0.41 <= hi for lo, hi in intervals) / 400 < 0.88


def test_runs_of_a_future_each_keep_about_wilson_s_interval():
    # one run a future: the cluster-robust variance is the binomial one times n / (n - 1)
    hits = np.random.default_rng(2).random(120) < 0.3
    assert np.allclose(clustered_wilson(hits, np.arange(120)), wilson(int(hits.sum()), 120),
                       rtol=0.01)


def test_a_policy_that_never_reaches_a_class_keeps_wilson_s_interval_at_zero():
    hits = np.zeros(110, dtype=bool)
    assert clustered_wilson(hits, np.repeat(np.arange(55), 2)) == wilson(0, 110)


def test_the_built_in_regions_come_back_in_nearly_every_half_of_the_futures(crossed):
    box = _table(crossed, "policy_boxes").set_index(["kind", "parameter"])
    assert (box["draws"] == 20).all()
    assert box.loc[("levers_high", "a"), "recurrence"] >= 18
    assert box.loc[("breaks_best", "u"), "recurrence"] >= 18


def test_the_report_says_how_often_each_box_condition_comes_back(crossed):
    text, *_ = _answer(crossed)
    t = Translator("en")
    boxes = _table(crossed, "policy_boxes").query("kind != 'levers_low'")
    lead = "with half of the futures drawn at random 20 times, the same search restricts again"
    assert text.count(lead) == boxes["kind"].nunique() == 2
    for r in boxes.itertuples():
        assert f"{t.param_phrase(r.parameter)} ({r.recurrence} of {r.draws})" in text


def test_each_discovered_box_says_how_often_a_half_of_the_futures_finds_it_again(crossed):
    text, *_ = _answer(crossed)
    t = Translator("en")
    found = _table(crossed, "discovery")
    assert not found.empty and (found["draws"] == 10).all()
    assert "with half of the futures drawn at random 10 times" in text
    for r in found.itertuples():
        assert f"{t.param_phrase(r.parameter)} ({r.recurrence} of 10)" in text
