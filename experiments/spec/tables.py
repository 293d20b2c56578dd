"""An experiment given from Python: the same tables as a file, the same checks, its TOML text.

A program that runs experiments (the calibration: one per ABC generation) builds them in memory
with :func:`experiment` and hands the result to :func:`experiments.run_batch`; nothing is
parsed from text. The tables are also written out as TOML, the text that the result folder
keeps as ``experiment.toml`` and that error messages point into (line and key).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from experiments.spec.experiment import ExperimentSpec, check_tables
from experiments.spec.tomlfile import Where

TABLES = ("experiment", "parameters", "fixed")


def experiment(experiment: dict[str, Any], parameters: dict[str, list],
               fixed: dict[str, Any] | None = None, folder: str | Path = ".") -> ExperimentSpec:
    """Check an experiment given as tables, as :func:`~experiments.load_experiment` checks a file.

    Args:
        experiment: the ``[experiment]`` table (``name``, ``design``, ``seed``, ``model``, ...).
        parameters: the ``[parameters]`` table (for ``design = "points"``: each parameter's
            value at each point).
        fixed: the ``[fixed]`` table.
        folder: where a custom model's module may be (as the folder of an experiment file).

    Returns:
        The checked, resolved experiment; ``source`` is its TOML text.

    Raises:
        UsageError: any problem, named by the line and key of that text.

    """
    data = {"experiment": dict(experiment), "parameters": dict(parameters),
            "fixed": dict(fixed or {})}
    text = to_toml(data)
    path = Path(folder) / f"{experiment.get('name', 'experiment')}.toml"
    return check_tables(path, text.encode(), {k: v for k, v in data.items() if v},
                        Where(path, text))


def to_toml(tables: dict[str, dict[str, Any]]) -> str:
    """Write tables of strings, numbers, booleans and lists of them as TOML."""
    lines = ["# An experiment given from Python (servisim)"]
    for table in TABLES:
        if tables.get(table):
            lines += ["", f"[{table}]"]
            lines += [f"{key} = {_value(value)}" for key, value in tables[table].items()]
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if value != value else
                                                         ("inf" if value > 0 else "-inf"))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value))
