"""A crossed design's variance split comes with intervals that resample policies and futures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.variance import PARTS, class_shares, variance_shares


def _crossed(policies: int, futures: int, seed: int, seeds_a_cell: int = 2
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """y = policy effect (variance 1) + future effect (variance 2) + seed noise (variance 1)."""
    rng = np.random.default_rng(seed)
    cells = pd.DataFrame({"policy_id": np.repeat(range(policies), futures),
                          "scenario_id": np.tile(range(futures), policies)})
    samples = cells.loc[cells.index.repeat(seeds_a_cell)].reset_index(drop=True)
    samples["point_id"] = range(len(samples))
    y = (rng.normal(size=policies)[samples["policy_id"]]
         + rng.normal(scale=np.sqrt(2), size=futures)[samples["scenario_id"]]
         + rng.normal(size=len(samples)))
    return samples, samples[["point_id"]].assign(y=y)


def test_each_interval_holds_its_share():
    shares = variance_shares(*_crossed(30, 30, seed=1), ["y"]).iloc[0]
    for part in PARTS:
        assert shares[f"{part}_lo"] <= shares[part] <= shares[f"{part}_hi"]


def test_the_intervals_hold_the_shares_of_the_process_that_made_the_runs():
    # Shares of the process: policy 1/4, futures 2/4, interaction 0, seed 1/4.
    shares = variance_shares(*_crossed(40, 40, seed=2), ["y"]).iloc[0]
    for part, true in (("policy", 0.25), ("scenario", 0.5), ("seed", 0.25)):
        assert shares[f"{part}_lo"] < true < shares[f"{part}_hi"], part


def test_a_share_known_from_few_policies_has_a_wider_interval_than_from_many():
    few = variance_shares(*_crossed(8, 40, seed=3), ["y"]).iloc[0]
    many = variance_shares(*_crossed(80, 40, seed=3), ["y"]).iloc[0]
    assert few["policy_hi"] - few["policy_lo"] > 2 * (many["policy_hi"] - many["policy_lo"])


def test_the_intervals_come_from_the_policies_and_futures_drawn_not_from_the_runs():
    # With the effects of only 10 policies and 10 futures drawn, resampling the runs gives the
    # policies' share an interval 10 points wide (13-23%); what 10 policies tell is vaguer.
    shares = variance_shares(*_crossed(10, 10, seed=4), ["y"]).iloc[0]
    assert shares["policy_hi"] - shares["policy_lo"] > 0.2


def test_the_same_runs_give_the_same_intervals():
    design = _crossed(12, 12, seed=5)
    pd.testing.assert_frame_equal(variance_shares(*design, ["y"]),
                                  variance_shares(*design, ["y"]), check_exact=True)


def test_without_replicates_there_are_shares_and_no_intervals():
    shares = variance_shares(*_crossed(6, 6, seed=6), ["y"], replicates=0).iloc[0]
    assert np.isfinite(shares["policy"]) and np.isnan(shares["policy_lo"])


def test_an_outcome_gets_the_same_intervals_whichever_outcomes_are_split_beside_it():
    samples, runs = _crossed(12, 12, seed=7)
    runs = runs.assign(z=runs["y"] ** 2)
    alone = variance_shares(samples, runs, ["y"]).iloc[0]
    second = variance_shares(samples, runs, ["z", "y"]).iloc[1]
    pd.testing.assert_series_equal(alone, second, check_names=False)


def test_the_intervals_of_a_small_design_stay_within_zero_and_one():
    # Seed noise alone in 3 x 3 cells: a replicate that draws one policy and one future three
    # times each estimates the seed's variance at up to twice the total it sees.
    samples, _ = _crossed(3, 3, seed=8)
    runs = samples[["point_id"]].assign(y=np.random.default_rng(8).normal(size=len(samples)))
    shares = variance_shares(samples, runs, ["y"]).iloc[0]
    for part in PARTS:
        assert 0 <= shares[f"{part}_lo"] <= shares[f"{part}_hi"] <= 1


def test_a_share_estimated_from_seed_noise_alone_is_at_most_one():
    samples, _ = _crossed(3, 3, seed=9)
    for seed in range(20):
        y = np.random.default_rng(seed).normal(size=len(samples))
        shares = variance_shares(samples, samples[["point_id"]].assign(y=y), ["y"],
                                 replicates=0).iloc[0]
        assert 0 <= shares["seed"] <= 1


def _classed(policies: int, futures: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs that reach high in 30% of the futures (drawn), whatever the policy."""
    samples, _ = _crossed(policies, futures, seed)
    high = np.random.default_rng(seed).random(futures) < 0.3
    scenario = np.where(high[samples["scenario_id"]], "high", "trend")
    return samples, samples[["point_id"]].assign(scenario=scenario)


def test_a_class_share_s_interval_holds_the_share_of_the_process_that_made_the_runs():
    shares = class_shares(*_classed(20, 40, seed=3), ("low", "trend", "high")).set_index(
        "scenario")
    assert shares.loc["high", "share_lo"] < 0.3 < shares.loc["high", "share_hi"]
    assert shares.loc["low", "runs"] == 0 and shares.loc["low", "share_hi"] == 0


def test_a_class_share_known_from_few_futures_is_not_taken_for_a_share_of_many_runs():
    # 1,600 runs, but whether a run is high depends on its future alone: 40 futures decide.
    samples, runs = _classed(20, 40, seed=4)
    high = class_shares(samples, runs, ("low", "trend", "high")).iloc[2]
    p, n = high["share"], len(runs)
    runs_only = 2 * 1.96 * np.sqrt(p * (1 - p) / n)
    assert high["share_hi"] - high["share_lo"] > 3 * runs_only
