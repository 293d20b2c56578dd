"""Designs and the run plan: SALib samplers with a seed, grids, integer mapping, run seeds."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.sample import morris, sobol

from experiments.runs.sampling import build_design, build_plan, n_points, run_seeds, to_int
from experiments.spec.experiment import load_experiment

BASE = """\
[experiment]
design = "{design}"
samples = {samples}
replicates = {replicates}
seed = {seed}
scale = 0.05

[parameters]
subsidy_rate = [0.10, 0.40]
secure_framework = [0.0, 0.6]
covid_hurdle_until = [2020, 2024]
"""


def _spec(tmp_path, design="sobol", samples=8, replicates=2, seed=11, extra=""):
    path = tmp_path / f"{design}-{samples}-{replicates}-{seed}.toml"
    path.write_text(BASE.format(design=design, samples=samples, replicates=replicates,
                                seed=seed) + extra)
    return load_experiment(path)


def test_sobol_design_is_saltelli_with_second_order_and_the_seed(tmp_path):
    spec = _spec(tmp_path)
    design = build_design(spec)
    d = 3
    assert len(design.samples) == n_points(spec) == 8 * (2 * d + 2)
    expected = sobol.sample(dict(design.problem), 8, calc_second_order=True, seed=11)
    assert np.array_equal(design.samples[list(spec.parameters)].to_numpy(), expected)
    assert design.samples["point_id"].tolist() == list(range(len(expected)))
    assert design.problem == {"num_vars": 3,
                              "names": ["subsidy_rate", "secure_framework", "covid_hurdle_until"],
                              "bounds": [[0.1, 0.4], [0.0, 0.6], [2020.0, 2024.0]]}


def test_sobol_design_without_second_order_has_n_times_d_plus_2_points(tmp_path):
    path = tmp_path / "first.toml"
    path.write_text(BASE.format(design="sobol", samples=8, replicates=1, seed=11).replace(
        'design = "sobol"', 'design = "sobol"\nsecond_order = false'))
    spec = load_experiment(path)
    design = build_design(spec)
    assert len(design.samples) == n_points(spec) == 8 * (3 + 2)
    expected = sobol.sample(dict(design.problem), 8, calc_second_order=False, seed=11)
    assert np.array_equal(design.samples[list(spec.parameters)].to_numpy(), expected)


def test_same_seed_same_design_other_seed_other_design(tmp_path):
    a = build_design(_spec(tmp_path)).samples
    b = build_design(_spec(tmp_path)).samples
    c = build_design(_spec(tmp_path, seed=12)).samples
    assert a.equals(b)
    assert not a.equals(c)


def test_morris_and_lhs_sizes(tmp_path):
    spec = _spec(tmp_path, design="morris", samples=5)
    design = build_design(spec)
    assert len(design.samples) == 5 * 4
    expected = morris.sample(dict(design.problem), 5, num_levels=4, seed=11)
    assert np.array_equal(design.samples[list(spec.parameters)].to_numpy(), expected)
    lhs = build_design(_spec(tmp_path, design="lhs", samples=10)).samples
    assert len(lhs) == 10
    # a Latin hypercube: one point in each tenth of every range
    strata = np.floor((lhs["subsidy_rate"] - 0.1) / 0.03).astype(int)
    assert sorted(strata) == list(range(10))


def test_integer_parameter_gets_equal_shares_and_stays_in_range():
    xs = np.linspace(2020, 2024, 100_001)
    values = np.array([to_int(x, 2020, 2024) for x in xs])
    counts = np.bincount(values - 2020)
    assert values.min() == 2020 and values.max() == 2024
    assert counts.min() / counts.max() > 0.99


def test_points_are_typed(tmp_path):
    design = build_design(_spec(tmp_path, design="lhs", samples=6))
    for point in design.points:
        assert isinstance(point["covid_hurdle_until"], int)
        assert 2020 <= point["covid_hurdle_until"] <= 2024
        assert isinstance(point["subsidy_rate"], float)


def test_grid_is_the_factorial_product_in_file_order(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text("[experiment]\ndesign = \"grid\"\nreplicates = 1\n\n[parameters]\n"
                    "subsidy_rate = [0.1, 0.2]\ntransition_quarters = [4, 8, 12]\n"
                    "cash_constraint = [true, false]\n")
    spec = load_experiment(path)
    design = build_design(spec)
    assert len(design.points) == 12
    assert design.points[0] == {"subsidy_rate": 0.1, "transition_quarters": 4,
                                "cash_constraint": True}
    assert design.points[1]["cash_constraint"] is False
    assert design.points[2]["transition_quarters"] == 8
    assert str(design.samples["transition_quarters"].dtype) == "int64"
    assert str(design.samples["cash_constraint"].dtype) == "bool"


def test_plan_seeds_come_from_seedsequence_spawn_by_run_index(tmp_path):
    spec = _spec(tmp_path, design="lhs", samples=5, replicates=3)
    plan = build_plan(spec, build_design(spec))
    assert len(plan) == 15
    assert plan["point_id"].tolist() == [p for p in range(5) for _ in range(3)]
    assert plan["replicate"].tolist() == [0, 1, 2] * 5
    children = np.random.SeedSequence(11).spawn(15)
    expected = [int(c.generate_state(1, np.uint64)[0]) & (2**63 - 1) for c in children]
    assert plan["seed"].tolist() == expected
    assert plan["run_id"].is_unique
    # a run's seed depends on its index only, not on how many runs follow it
    assert run_seeds(11, 4).tolist() == expected[:4]


@pytest.mark.parametrize("design", ["sobol", "morris", "lhs"])
def test_design_values_lie_within_bounds(tmp_path, design):
    spec = _spec(tmp_path, design=design, samples=8)
    samples = build_design(spec).samples
    for name, (low, high) in spec.parameters.items():
        assert samples[name].between(low, high).all()
