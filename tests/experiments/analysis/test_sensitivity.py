"""Sensitivity indices on functions with known answers (pure functions, no batch folder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import pawn
from SALib.sample import latin, morris
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from experiments.analysis import merge_notes, ranking
from experiments.analysis.sensitivity import (
    SCENARIO_SCORE,
    growing_sizes,
    ks_by_level,
    pawn_slices,
    sensitivity,
)

PI = np.pi
ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-PI, PI]] * 3}
# Analytic indices of Ishigami with a = 7, b = 0.1 (Sobol' & Levitan 1999).
S1_TRUE = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST_TRUE = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def batch(problem: dict, x: np.ndarray, y: np.ndarray, design: str, samples: int,
          replicates: int = 1, noise: float = 0.0, seed: int = 5) -> tuple[dict, pd.DataFrame,
                                                                           pd.DataFrame]:
    """A batch as the store gives it: spec, design rows, one result row per run."""
    design_rows = pd.DataFrame(x, columns=problem["names"])
    design_rows.insert(0, "point_id", np.arange(len(x)))
    rng = np.random.default_rng(seed)
    rows = []
    for point, value in enumerate(y):
        for rep in range(replicates):
            rows.append({"point_id": point, "replicate": rep, "status": "ok",
                         "y": value + noise * rng.normal(), "scenario": None})
    spec = {"design": design, "samples": samples, "seed": seed, "problem": problem,
            "outcomes": ["y"], "n_runs": len(rows)}
    return spec, design_rows, pd.DataFrame(rows)


@pytest.fixture(scope="module")
def ishigami_1024():
    x = sobol_sample.sample(ISHIGAMI, 1024, calc_second_order=True, seed=20240917)
    return batch(ISHIGAMI, x, Ishigami.evaluate(x), "sobol", 1024)


def test_ishigami_sobol_indices_match_the_analytic_values_within_their_cis(ishigami_1024):
    result = sensitivity(*ishigami_1024, outcomes=["y"])
    assert result.method == "sobol"
    table = result.tables["sobol"].set_index("parameter")
    assert list(table.columns[:5]) == ["outcome", "S1", "S1_conf", "ST", "ST_conf"]
    for name in ISHIGAMI["names"]:
        row = table.loc[name]
        assert abs(row.S1 - S1_TRUE[name]) <= row.S1_conf, (name, row.S1, row.S1_conf)
        assert abs(row.ST - ST_TRUE[name]) <= row.ST_conf, (name, row.ST, row.ST_conf)
    assert table["n_base"].eq(1024).all()
    s2 = result.tables["sobol_s2"].set_index(["parameter_1", "parameter_2"])
    # Ishigami's only interaction is x1-x3: S2 = ST1 - S1 = 0.244.
    assert abs(s2.loc[("x1", "x3"), "S2"] - 0.2437) <= s2.loc[("x1", "x3"), "S2_conf"]
    assert ranking(result) == ["x1", "x2", "x3"]


def test_convergence_table_grows_in_powers_of_two_and_cis_narrow(ishigami_1024):
    result = sensitivity(*ishigami_1024, outcomes=["y"])
    conv = result.tables["sobol_convergence"]
    assert sorted(conv["n_base"].unique()) == [16, 32, 64, 128, 256, 512, 1024]
    assert (conv["n_points"] == conv["n_base"] * 8).all()
    width = conv.groupby("n_base")["ST_conf"].mean()
    assert width.loc[1024] < width.loc[64] < width.loc[16]
    last = conv[conv["n_base"] == 1024].set_index("parameter")
    full = result.tables["sobol"].set_index("parameter")
    assert np.allclose(last["ST"], full["ST"]) and np.allclose(last["S1"], full["S1"])
    # The indices settle: the last doubling moves them much less than the first ones.
    st = conv.pivot(index="n_base", columns="parameter", values="ST")
    assert (st.loc[1024] - st.loc[512]).abs().max() < 0.02
    assert (st.loc[1024] - st.loc[512]).abs().max() < (st.loc[32] - st.loc[16]).abs().max()
    shift = result.tables["sobol"].set_index("parameter")["ST_shift"]
    assert np.allclose(shift, (st.loc[1024] - st.loc[512]).abs()[shift.index])


def test_growing_sizes_end_at_the_number_of_complete_rows():
    assert growing_sizes(100) == [16, 32, 64, 100]
    assert growing_sizes(8) == [8]


def test_incomplete_sobol_rows_are_dropped_and_said():
    x = sobol_sample.sample(ISHIGAMI, 64, calc_second_order=True, seed=3)
    spec, design_rows, results = batch(ISHIGAMI, x, Ishigami.evaluate(x), "sobol", 64)
    results.loc[[5, 200], "status"] = "failed"  # base rows 0 and 25 lose a point
    results = results.drop(index=range(400, 416))  # base rows 50 and 51: unfinished
    result = sensitivity(spec, design_rows, results, ["y"])
    assert result.tables["sobol"]["n_base"].eq(60).all()
    assert any("dropped 4 of 64 Sobol base rows (32 design points)" in n for n in result.notes)


def test_notes_shared_by_every_outcome_are_said_once():
    notes = ["a: dropped 1 row", "b: dropped 1 row", "b: constant", "the batch is partial"]
    assert merge_notes(notes, ["a", "b"]) == ["every outcome: dropped 1 row", "b: constant",
                                              "the batch is partial"]
    assert merge_notes(notes, ["a", "b", "c"])[0] == "a, b: dropped 1 row"


def test_seed_share_separates_the_noise_from_the_parameters():
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    x = sobol_sample.sample(problem, 256, calc_second_order=False, seed=1)
    y = 2 * x[:, 0]  # variance 4/12 = 1/3
    spec, design_rows, results = batch(problem, x, y, "sobol", 256, replicates=4,
                                       noise=np.sqrt(1 / 3))
    result = sensitivity(spec, design_rows, results, ["y"])
    noise = result.tables["seed_variance"].iloc[0]
    assert noise["seed_share"] == pytest.approx(0.5, abs=0.05)
    # Averaging 4 replicates leaves a quarter of the seed's variance in the means.
    assert noise["seed_share_of_means"] == pytest.approx(0.2, abs=0.05)
    # The seed's noise is in every ST (it acts like an interaction with every parameter):
    # b has no effect, and its ST is the noise left in the means, told beside it.
    table = result.tables["sobol"].set_index("parameter")
    assert abs(table.loc["b", "S1"]) < table.loc["b", "S1_conf"]
    assert table.loc["b", "ST"] == pytest.approx(noise["seed_share_of_means"], abs=0.05)
    assert table["seed_share_of_means"].eq(noise["seed_share_of_means"]).all()


def test_morris_ranks_parameters_by_mu_star():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = morris.sample(problem, 40, num_levels=4, seed=2)
    y = 10 * x[:, 0] + 2 * x[:, 1] ** 2
    spec, design_rows, results = batch(problem, x, y, "morris", 40)
    spec["num_levels"] = 4
    result = sensitivity(spec, design_rows, results, ["y"])
    table = result.tables["morris"].set_index("parameter")
    assert list(result.tables["morris"].columns[:5]) == ["outcome", "parameter", "mu_star",
                                                          "mu_star_conf", "sigma"]
    assert table.loc["a", "mu_star"] == pytest.approx(10, rel=1e-6)
    assert table.loc["a", "sigma"] == pytest.approx(0, abs=1e-6)  # linear: no interaction
    assert table.loc["b", "mu_star"] > table.loc["c", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert ranking(result) == ["a", "b", "c"]
    conv = result.tables["morris_convergence"]
    assert sorted(conv["trajectories"].unique()) == [4, 8, 16, 32, 40]


def test_pawn_for_latin_hypercube_matches_salib_and_flags_parameters_without_effect():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = latin.sample(problem, 600, seed=4)
    y = np.sin(6 * x[:, 0]) + 0.3 * x[:, 1]
    spec, design_rows, results = batch(problem, x, y, "lhs", 600)
    result = sensitivity(spec, design_rows, results, ["y"])
    assert result.method == "pawn"
    table = result.tables["pawn"].set_index("parameter")
    salib = pawn.analyze(problem, x, y, S=pawn_slices(600), seed=1)
    assert np.allclose(table["pawn"], salib["median"])
    dummy = table["pawn_dummy"].iloc[0]
    assert table.loc["a", "pawn"] - table.loc["a", "pawn_conf"] > dummy
    assert table.loc["b", "pawn"] > dummy
    assert table.loc["c", "pawn"] < dummy + table.loc["c", "pawn_conf"]
    assert (table["pawn_conf"] > 0).all()


def test_pawn_slices_a_grid_parameter_by_level_as_salib_cannot():
    levels = np.repeat([0.0, 0.5, 1.0], 40)
    y = np.where(levels == 1.0, 2.0, 0.0) + np.linspace(0, 0.1, len(levels))
    ks = ks_by_level(levels, y)
    # one slice per level: the outer levels hold the lowest and the highest third of the
    # outcomes (distance 2/3 from the whole), the middle level the middle third (1/3)
    assert ks == pytest.approx([2 / 3, 1 / 3, 2 / 3])


def test_scenario_score_is_an_outcome_and_a_constant_outcome_is_skipped():
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    x = sobol_sample.sample(problem, 64, calc_second_order=True, seed=1)
    spec, design_rows, results = batch(problem, x, np.ones(len(x)), "sobol", 64)
    results["scenario"] = np.where(x[:, 0] > 0.5, "high", "low")
    result = sensitivity(spec, design_rows, results, ["y", SCENARIO_SCORE])
    table = result.tables["sobol"]
    assert set(table["outcome"]) == {SCENARIO_SCORE}
    assert table.set_index("parameter").loc["a", "ST"] > 0.8
    assert any(n.startswith("y: the same value at every point") for n in result.notes)


def test_the_precision_counts_only_as_many_top_parameters_as_the_design_varies():
    from experiments.analysis.precision import top_precision

    sobol = pd.DataFrame({"outcome": ["y", "y"], "parameter": ["a", "b"], "S1": [0.7, 0.2],
                          "S1_conf": [0.05, 0.05], "ST": [0.8, 0.2], "ST_conf": [0.05, 0.3]})
    precision = top_precision(sobol, top=3)
    assert precision["top"] == 2
    assert precision["share_within"] == 0.5


def test_a_sobol_index_above_one_is_found_and_one_at_one_as_shown_is_not():
    from experiments.analysis.precision import above_one

    def table(st_a: float) -> pd.DataFrame:
        return pd.DataFrame({"outcome": ["y", "y", "z"], "parameter": ["a", "b", "a"],
                             "S1": [0.1, 0.2, 1.3], "S1_conf": 0.1, "ST": [st_a, 0.3, 0.9],
                             "ST_conf": 0.1})

    top = above_one(table(2.57), ["y"])
    assert (top["parameter"], top["index"], top["value"]) == ("a", "ST", 2.57)
    assert above_one(table(1.004), ["y"]) is None
    assert above_one(table(1.004))["outcome"] == "z"  # S1 1.3 on z
