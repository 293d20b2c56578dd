"""Scenario presets (``low``, ``trend``, ``high``, ``bass``) from ``calibration/presets.toml``.

The data file lives with the calibration (it encodes the workshop's hypotheses on calibrated
defaults); reading it here keeps the import direction: nothing in ``model`` imports
``calibration`` code.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.parameters import ParameterError, resolve

PRESETS_FILE = Path(__file__).resolve().parent.parent / "calibration" / "presets.toml"
PRESETS: tuple[str, ...] = ("low", "trend", "high", "bass")


@lru_cache(maxsize=1)
def _read() -> dict[str, dict[str, Any]]:
    with open(PRESETS_FILE, "rb") as fh:
        return tomllib.load(fh)


def load_preset(name: str) -> dict[str, Any]:
    """Return a preset's parameter overrides (without its description).

    Args:
        name: ``low``, ``trend``, ``high`` or ``bass``.

    Raises:
        ParameterError: unknown preset (the field is ``preset``).

    """
    table = _read()
    if name not in table:
        raise ParameterError("preset", f"unknown preset {name!r}; allowed {', '.join(table)}")
    overrides = {k: v for k, v in table[name].items() if not k.startswith("description")}
    resolve(overrides)  # a preset is checked like any user input
    return overrides


def describe_preset(name: str, lang: str | None = None) -> str:
    """The preset's one-line story, as written (``lang=None``) or in ``fr`` / ``en``."""
    load_preset(name)
    entry = _read()[name]
    if lang is not None and f"description_{lang}" in entry:
        return entry[f"description_{lang}"]
    return entry.get("description", "")
