"""The calibration runs on Dask (a scheduler address, or a LocalCluster) with the same result."""

from __future__ import annotations

import pandas as pd
import pytest
from test_calibration_toy import CONFIG, write_toy

from experiments.cli import main

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as c:
        yield c


def test_dask_scheduler_gives_the_same_posterior_as_the_local_pool(tmp_path, monkeypatch,
                                                                     cluster):
    write_toy(tmp_path, CONFIG.format(budget=120).replace("population = 200",
                                                          "population = 40"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["calibrate", "--config", "toy.toml", "--out", "local", "--workers", "2"]) == 0
    assert main(["calibrate", "--config", "toy.toml", "--out", "dask", "--engine", "dask",
                 "--scheduler", cluster.scheduler_address]) == 0
    local = pd.read_parquet(tmp_path / "local" / "posterior.parquet")
    dask = pd.read_parquet(tmp_path / "dask" / "posterior.parquet")
    pd.testing.assert_frame_equal(local, dask)
    assert pd.read_csv(tmp_path / "dask" / "generations.csv")["runs"].sum() == 120
