"""One model run for ``servisim run``: parameters from a preset and ``--set``, outputs to a folder.

Outputs are written to a temporary folder beside the target and renamed into place at the
end, so an interrupted or failed run leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model import ServitizationModel, load_preset, resolve, votes
from model.parameters import ParameterError


@dataclass
class RunResult:
    """What one run produced."""

    parameters: dict
    seed: int
    indicators: dict[str, float]
    scenario: str
    votes: dict[str, str | None]
    trajectory: pd.DataFrame


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """Parse ``NAME=VALUE`` strings from ``--set`` options.

    Raises:
        ParameterError: an assignment without ``=`` or with an empty name.

    """
    out: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError("--set", f"{item!r} is not NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def build_parameters(preset: str | None, assignments: list[str], scale: float | None) -> dict:
    """Resolve the parameters of a run: registry defaults, then the preset, then ``--set``.

    Raises:
        ParameterError: unknown preset or parameter, wrong type, value out of range.

    """
    overrides: dict = dict(load_preset(preset)) if preset else {}
    overrides.update(parse_assignments(assignments))
    if scale is not None:
        overrides["population_scale"] = scale
    return resolve(overrides)


def simulate(parameters: dict, seed: int) -> RunResult:
    """Run the model headless to the end of the horizon."""
    model = ServitizationModel(rng=seed, headless=True, **parameters)
    model.run()
    final = model.indicators()
    return RunResult(parameters, seed, final, model.scenario(), votes(final), model.trajectory())


def write_outputs(result: RunResult, out_dir: Path) -> None:
    """Write ``trajectory.csv``, ``indicators.json`` and ``trajectory.png`` atomically."""
    from experiments.plots import plot_trajectory

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        result.trajectory.to_csv(tmp / "trajectory.csv", index=False)
        payload = {**result.indicators, "scenario": result.scenario, "votes": result.votes,
                   "seed": result.seed, "parameters": result.parameters}
        (tmp / "indicators.json").write_text(json.dumps(payload, indent=2, sort_keys=False))
        plot_trajectory(result.trajectory, tmp / "trajectory.png",
                        title=f"servisim run (seed {result.seed}): {result.scenario}")
        if out_dir.exists():
            backup = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            os.replace(out_dir, backup)
            os.replace(tmp, out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
