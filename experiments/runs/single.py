"""One model run for ``servisim run``: parameters from a preset and ``--set``, outputs to a folder.

``--out`` must be a new or empty folder, or one holding only an earlier ``servisim run``
(:func:`experiments.files.check_run_folder`); it is checked before the run and again before
writing. The folder's marker is written first and every file through a temporary name and a
rename, so an interrupted or failed write leaves no half-written file, and the folder is still
recognised as a run's the next time.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import UsageError, argument
from experiments.files import (
    RUN_FILES,
    RUN_MARKER,
    check_run_folder,
    remove_stale_temps,
    write_all_atomically,
    writing,
)
from model import REGISTRY, ServitizationModel, load_preset, resolve, votes
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
        UsageError: an assignment without ``=`` or with an empty name.

    """
    out: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{argument('assignments')}: {item!r} is not NAME=VALUE")
        if name.strip() in out and out[name.strip()] != value.strip():
            raise UsageError(f"{argument('assignments')}: {name.strip()} is set twice "
                             f"({out[name.strip()]} and {value.strip()}); give it once")
        out[name.strip()] = value.strip()
    return out


def build_parameters(preset: str | None, assignments: list[str], scale: float | None) -> dict:
    """Resolve the parameters of a run: registry defaults, then the preset, then ``--set``.

    Raises:
        ParameterError: unknown preset or parameter, wrong type, value out of range.
        UsageError: ``population_scale`` given both by ``--set`` and by ``--scale``.

    """
    assigned: dict[str, Any] = parse_assignments(assignments)
    for name, value in list(assigned.items()):
        prm = REGISTRY.get(name)
        # the message asks for true or false, as a TOML file takes: 1, 0 or True would be a
        # typo let through on the command line alone
        if prm is not None and prm.kind is bool:
            if value not in ("true", "false"):
                raise ParameterError(name, f"{value!r} is not a boolean; allowed true or false")
            assigned[name] = value == "true"  # the registry takes a switch as a bool only
    overrides: dict = dict(load_preset(preset)) if preset is not None else {}
    if scale is not None and "population_scale" in assigned:
        # two answers to one question: refuse rather than silently drop one of them
        raise UsageError(f"{argument('assignments')} population_scale="
                         f"{assigned['population_scale']}: conflicts with "
                         f"{argument('scale', scale)}; give one of them")
    overrides.update(assigned)
    if scale is not None:
        overrides["population_scale"] = scale
    return resolve(overrides)


def simulate(parameters: dict, seed: int) -> RunResult:
    """Run the model headless to the end of the horizon."""
    model = ServitizationModel(rng=seed, headless=True, **parameters)
    model.run()
    final = model.indicators()
    return RunResult(parameters, seed, final, model.scenario(), votes(final), model.trajectory())


def check_seed(seed: int) -> int:
    """Check a run's seed.

    Raises:
        UsageError: a negative seed.

    """
    if seed < 0:
        raise UsageError(f"{argument('seed')}: {seed} is out of range; allowed a whole number "
                         ">= 0")
    return seed


def write_outputs(result: RunResult, out_dir: str | Path) -> None:
    """Write ``trajectory.csv``, ``indicators.json`` and ``trajectory.png`` to ``out_dir``.

    Raises:
        OutputPathError: ``out_dir`` holds something other than an earlier run.
        WriteError: a file cannot be written (full disk, read-only folder); nothing
            half-written is left.

    """
    from experiments.figures.text import FigureText
    from experiments.figures.trajectory import trajectory

    t = FigureText("en")
    title = t("fig.run_title", seed=result.seed, klass=t.klass(result.scenario))
    out = Path(out_dir)
    check_run_folder(out)
    payload = {**result.indicators, "scenario": result.scenario, "votes": result.votes,
               "seed": result.seed, "parameters": result.parameters}
    writers = {
        "trajectory.csv": lambda p: result.trajectory.to_csv(p, index=False),
        "indicators.json": lambda p: p.write_text(json.dumps(payload, indent=2)),
        "trajectory.png": lambda p: p.write_bytes(trajectory(result.trajectory, t, title)),
    }
    created = not out.exists()
    try:
        with writing(out):
            out.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(out, (RUN_MARKER, *RUN_FILES))
            marker = {"written_by": "servisim run", "seed": result.seed,
                      "created": datetime.now(UTC).isoformat(timespec="seconds")}
            # All or none: a full disk midway leaves an earlier run whole, not a mix of two.
            write_all_atomically({
                out / RUN_MARKER: lambda p: p.write_text(json.dumps(marker) + "\n"),
                **{out / name: write for name, write in writers.items()}})
    except BaseException:
        if created:  # a folder this call made holds only this run's files: take it back
            shutil.rmtree(out, ignore_errors=True)
        raise

