"""Reference runs: the numbers a speed-up must reproduce exactly.

Twelve (seed, parameters, scale) cases: the defaults at two scales, the four presets of
``calibration/presets.toml``, and points with every uncertainty or every lever at an end of its
SA range (``model.parameters.by_role``). For each, the stored file keeps the full parameter
dict (every registry parameter, resolved when the case was written, so that later changes of the
defaults do not move the case), the quarterly ``trajectory()`` and the final ``indicators()``;
``tests/model/test_reference_runs.py`` reruns them and asks for identical numbers.

Run: ``.venv/bin/python benchmarks/reference_runs.py`` to check the current code against the
stored outputs, ``--write`` to store them again (only after a deliberate change of the model's
results: say so in the commit).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from model import ServitizationModel, by_role, load_preset, resolve

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CASES_FILE = DATA / "reference_cases.json"
TRAJECTORIES_FILE = DATA / "reference_trajectories.parquet"


def _ends(role: str, end: int) -> dict:
    """Every parameter of a role at one end of its SA range (0: low, 1: high)."""
    out = {}
    for p in by_role(role):
        value = p.sa_range[end]
        out[p.name] = p.kind(value) if p.kind is not bool else bool(value)
    return out


def cases() -> dict[str, tuple[int, dict]]:
    """Case name -> (seed, parameter overrides incl. population_scale)."""
    lo_u, hi_u = _ends("uncertainty", 0), _ends("uncertainty", 1)
    lo_l, hi_l = _ends("lever", 0), _ends("lever", 1)
    return {
        "defaults": (1, {"population_scale": 0.25}),
        "defaults_full_scale": (7, {"population_scale": 1.0}),
        "preset_low": (2, {**load_preset("low"), "population_scale": 0.25}),
        "preset_trend": (3, {**load_preset("trend"), "population_scale": 0.25}),
        "preset_high": (4, {**load_preset("high"), "population_scale": 0.25}),
        "preset_bass": (5, {**load_preset("bass"), "population_scale": 0.25}),
        "uncertainties_low": (11, {**lo_u, "population_scale": 0.1}),
        "uncertainties_high": (12, {**hi_u, "population_scale": 0.1}),
        "levers_low": (13, {**lo_l, "population_scale": 0.25}),
        "levers_high": (14, {**hi_l, "population_scale": 0.25}),
        "levers_high_uncertainties_low": (15, {**hi_l, **lo_u, "population_scale": 0.1}),
        "levers_low_uncertainties_high": (16, {**lo_l, **hi_u, "population_scale": 0.05}),
    }


def run_case(seed: int, params: dict) -> ServitizationModel:
    """One finished headless run."""
    model = ServitizationModel(rng=seed, headless=True, **params)
    model.run()
    return model


def write() -> None:
    """Run every case with the current code and store its outputs."""
    stored, frames = {}, []
    for name, (seed, overrides) in cases().items():
        params = resolve(overrides)
        model = run_case(seed, params)
        stored[name] = {"seed": seed, "params": params, "indicators": model.indicators()}
        frames.append(model.trajectory().assign(case=name))
        print(f"{name}: {model.scenario()}")
    DATA.mkdir(exist_ok=True)
    CASES_FILE.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    pd.concat(frames, ignore_index=True).to_parquet(TRAJECTORIES_FILE, index=False)


def load() -> tuple[dict, pd.DataFrame]:
    """The stored cases and trajectories."""
    return json.loads(CASES_FILE.read_text()), pd.read_parquet(TRAJECTORIES_FILE)


def check(name: str, case: dict, trajectories: pd.DataFrame) -> None:
    """Rerun one stored case; raise AssertionError if any number differs."""
    model = run_case(case["seed"], case["params"])
    expected = trajectories[trajectories["case"] == name].drop(columns="case")
    pd.testing.assert_frame_equal(model.trajectory(), expected.reset_index(drop=True),
                                  check_exact=True)
    assert model.indicators() == case["indicators"], name


def main() -> None:
    """Check (default) or write the reference outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the current outputs")
    if parser.parse_args().write:
        write()
        return
    stored, trajectories = load()
    failed = 0
    for name, case in stored.items():
        try:
            check(name, case, trajectories)
            print(f"{name}: identical")
        except AssertionError as err:
            failed += 1
            print(f"{name}: DIFFERS\n{err}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
