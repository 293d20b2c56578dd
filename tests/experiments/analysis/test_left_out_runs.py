"""The runs the history check leaves out weigh on no index: PAWN and the seed's share.

A run marked implausible (``plausible`` false) must count as if it had never run, however
wild its outcome; a run of a model without a history check (``plausible`` missing) is kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import latin

from experiments.analysis.sensitivity import SCENARIO_SCORE, sensitivity

PROBLEM = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
OUTCOMES = ["y", SCENARIO_SCORE]


@pytest.fixture(scope="module")
def lhs_batch() -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """An LHS batch of 300 points, two seeds each, every run plausible."""
    x = latin.sample(PROBLEM, 300, seed=4)
    samples = pd.DataFrame(x, columns=PROBLEM["names"])
    samples.insert(0, "point_id", np.arange(len(x)))
    rng = np.random.default_rng(7)
    runs = samples.loc[samples.index.repeat(2)].reset_index(drop=True)
    runs["replicate"] = np.tile([0, 1], len(x))
    runs["y"] = np.sin(6 * runs["a"]) + 0.3 * runs["b"] + 0.1 * rng.normal(size=len(runs))
    runs["scenario"] = np.where(runs["y"] > 0.5, "high", np.where(runs["y"] < -0.5, "low",
                                                                  "trend"))
    runs["status"], runs["plausible"] = "ok", True
    spec = {"design": "lhs", "samples": 300, "seed": 5, "problem": PROBLEM,
            "outcomes": ["y"], "n_runs": len(runs)}
    return spec, samples, runs


def left_out_wildly(runs: pd.DataFrame, rows: list[int]) -> pd.DataFrame:
    """The runs with ``rows`` marked implausible and their outcomes made extreme."""
    out = runs.copy()
    out.loc[rows, "plausible"] = False
    out.loc[rows, "y"] = 1e6
    out.loc[rows, "scenario"] = "low"
    return out


def tables(spec: dict, samples: pd.DataFrame, runs: pd.DataFrame) -> dict:
    """The sensitivity tables of the runs, with ``notes`` (a list of the notes' sentences)."""
    result = sensitivity(spec, samples, runs, OUTCOMES)
    return {**result.tables, "notes": [str(n) for n in result.notes]}


# One seed of points 0-39 and both seeds of points 40-44: the indices must be those of the
# batch where these runs never ran.
LEFT = [*range(0, 80, 2), *range(80, 90)]


@pytest.fixture(scope="module")
def marked_and_absent(lhs_batch):
    spec, samples, runs = lhs_batch
    marked = tables(spec, samples, left_out_wildly(runs, LEFT))
    absent = tables(spec, samples, runs.drop(index=LEFT))
    return marked, absent


def test_a_run_left_out_by_the_history_check_does_not_change_pawn(marked_and_absent):
    marked, absent = marked_and_absent
    pd.testing.assert_frame_equal(marked["pawn"], absent["pawn"])


def test_a_run_left_out_by_the_history_check_does_not_change_the_seed_share(
        marked_and_absent):
    marked, absent = marked_and_absent
    pd.testing.assert_frame_equal(marked["seed_variance"], absent["seed_variance"])


def test_a_wild_run_would_change_pawn_if_it_were_kept(lhs_batch, marked_and_absent):
    # guards the two tests above: the wild outcomes do move the indices when they count
    spec, samples, runs = lhs_batch
    kept_wild = left_out_wildly(runs, LEFT).assign(plausible=True)
    wild = tables(spec, samples, kept_wild)["pawn"]
    assert not np.allclose(wild["pawn"], marked_and_absent[1]["pawn"]["pawn"])


def test_a_point_whose_runs_are_all_left_out_is_not_said_to_have_no_finished_run(
        marked_and_absent):
    marked, _ = marked_and_absent
    assert not any("no finished run" in note for note in marked["notes"])


def test_runs_without_a_history_check_are_kept(lhs_batch):
    spec, samples, runs = lhs_batch
    unchecked = runs.assign(plausible=None)
    pd.testing.assert_frame_equal(tables(spec, samples, unchecked)["pawn"],
                                  tables(spec, samples, runs)["pawn"])
