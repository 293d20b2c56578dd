"""Stored reference runs are reproduced to the last bit.

``tests/data/reference_cases.json`` and ``reference_trajectories.parquet`` hold, for twelve
(seed, parameters, scale) cases, the quarterly trajectory and the final indicators of the
model as it was before its speed-ups (``benchmarks/reference_runs.py`` wrote them). Each case
stores its full parameter dict and the run is given all of it, so new defaults (e.g. a new
``calibration/calibrated.toml``) do not change the cases. Making the model faster must not
change a single number; a deliberate change of the model's results
rewrites them with ``benchmarks/reference_runs.py --write``.
"""

import json
from pathlib import Path

import pandas as pd
import pytest

from model import ServitizationModel

DATA = Path(__file__).resolve().parents[1] / "data"
CASES = json.loads((DATA / "reference_cases.json").read_text())


@pytest.fixture(scope="module")
def trajectories():
    return pd.read_parquet(DATA / "reference_trajectories.parquet")


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_reproduces_the_stored_trajectory_and_indicators_exactly(name, trajectories):
    case = CASES[name]
    model = ServitizationModel(rng=case["seed"], headless=True, **case["params"])
    model.run()
    expected = trajectories[trajectories["case"] == name].drop(columns="case")
    pd.testing.assert_frame_equal(model.trajectory(), expected.reset_index(drop=True),
                                  check_exact=True)
    assert model.indicators() == case["indicators"]
