"""Experiments given from Python: the same checks as a file, a design of listed points."""

from __future__ import annotations

import pytest

from experiments import load_results, run_batch
from experiments.errors import UsageError
from experiments.spec.tables import experiment


def test_a_points_design_runs_each_listed_point_with_the_seeds_of_its_place(in_toy_dir):
    spec = experiment({"name": "pts", "design": "points", "replicates": 2, "seed": 5,
                       "model": "servisim_toy:toy", "outcomes": ["y"]},
                      {"a": [0.1, 0.4, 0.4], "b": [1, 2, 3]}, {"noise": 0.0},
                      folder=in_toy_dir)
    summary = run_batch(spec, in_toy_dir / "out", engine="sequential", progress="none")
    assert summary.n_ok == 6
    runs = load_results(in_toy_dir / "out")
    assert runs["a"].tolist() == [0.1, 0.1, 0.4, 0.4, 0.4, 0.4]
    assert runs["y"].tolist() == pytest.approx([a + 2 * b for a, b in
                                                zip(runs["a"], runs["b"], strict=True)])
    assert (in_toy_dir / "out" / "experiment.toml").read_bytes() == spec.source


def test_lists_of_different_lengths_are_refused_with_the_line_of_the_table(in_toy_dir):
    with pytest.raises(UsageError, match=r"pts.toml: line 8, table \[parameters\]: design 'points' "
                                         r"needs one value per point in each list; the lists "
                                         r"have 2 and 3 values"):
        experiment({"name": "pts", "design": "points", "model": "servisim_toy:toy"},
                   {"a": [0.1, 0.2], "b": [1, 2, 3]}, folder=in_toy_dir)
