"""A run that ends before the 2020-2024 history it would be checked on."""

import math

from experiments.runs.worker import servisim_model
from model.parameters import defaults


def _run(end_year: int) -> dict:
    params = defaults() | {"population_scale": 0.02, "end_year": end_year}
    return servisim_model(params, seed=3)


def test_a_run_ending_before_2024_is_stored_unchecked_instead_of_failing():
    out = _run(2023)
    assert out["plausible"] is None and out["implausibility"] is None
    assert out["scenario"] in ("low", "trend", "high")


def test_a_run_reaching_2024_is_checked():
    out = _run(2024)
    assert isinstance(out["plausible"], bool) and math.isfinite(out["implausibility"])
