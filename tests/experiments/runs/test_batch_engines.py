"""The engine never changes results: sequential == local pool == Dask LocalCluster."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments import load_results, load_trajectories, run_batch

SERVISIM = """\
[experiment]
name = "engines"
design = "lhs"
samples = 4
replicates = 2
seed = 99
scale = 0.03
preset = "trend"
trajectories = true
outcomes = ["industrial_service_capture", "servitized_share_sme", "jobs_index_2017"]

[parameters]
subsidy_rate = [0.10, 0.40]
platform_entry_rate = [0.02, 0.50]
covid_hurdle_until = [2020, 2024]
"""


def _table(folder) -> pd.DataFrame:
    return load_results(folder).drop(columns="runtime_s")


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    path = folder / "engines.toml"
    path.write_text(SERVISIM)
    return path


@pytest.fixture(scope="module")
def sequential(experiment):
    out = experiment.parent / "sequential"
    summary = run_batch(experiment, out, engine="sequential", progress="none")
    assert summary.complete and summary.n_failed == 0
    return out


def test_sequential_results_are_complete_and_classified(sequential):
    table = _table(sequential)
    assert len(table) == 8 and (table["status"] == "ok").all()
    assert set(table["scenario"]) <= {"low", "trend", "high"}
    assert table["covid_hurdle_until"].dtype == "int64"
    trajectories = load_trajectories(sequential)
    assert len(trajectories) == 8 * 85  # 2019Q4 (initial state) .. 2040Q4
    last = trajectories.groupby("run_id", sort=False).tail(1).set_index("run_id")
    final = table.set_index("run_id")
    assert (last["quarter"] == "2040Q4").all()
    for name in ("industrial_service_capture", "jobs_index_2017"):
        assert (last.loc[final.index, name] == final[name]).all()


@pytest.mark.parametrize("workers", [1, 2])
def test_local_pool_equals_sequential(experiment, sequential, workers):
    out = experiment.parent / f"local{workers}"
    run_batch(experiment, out, engine="local", workers=workers, progress="none")
    pd.testing.assert_frame_equal(_table(out), _table(sequential))
    pd.testing.assert_frame_equal(load_trajectories(out), load_trajectories(sequential))


@pytest.mark.distributed
def test_dask_local_cluster_equals_sequential(experiment, sequential):
    out = experiment.parent / "dask"
    summary = run_batch(experiment, out, engine="dask", workers=2, progress="none")
    assert summary.engine == "dask LocalCluster x2"
    pd.testing.assert_frame_equal(_table(out), _table(sequential))
    pd.testing.assert_frame_equal(load_trajectories(out), load_trajectories(sequential))


def test_same_numbers_as_calling_the_model_directly(sequential):
    from model import ServitizationModel, classify, load_preset

    row = load_results(sequential).iloc[3]
    params = dict(load_preset("trend"), population_scale=0.03, subsidy_rate=row["subsidy_rate"],
                  platform_entry_rate=row["platform_entry_rate"],
                  covid_hurdle_until=int(row["covid_hurdle_until"]))
    model = ServitizationModel(rng=int(row["seed"]), headless=True, **params)
    model.run()
    final = model.indicators()
    assert final["jobs_index_2017"] == row["jobs_index_2017"]
    assert classify(final) == row["scenario"]
