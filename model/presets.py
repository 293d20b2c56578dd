"""Scenario presets (``low``, ``trend``, ``high``, ``bass``) from ``calibration/presets.toml``.

A preset is also found by its scenario's French name (``bas``, ``tendanciel``, ``haut``), the
one the app and the French report show: a facilitator types what the room sees.

The data file lives with the calibration (it encodes the workshop's hypotheses on calibrated
defaults); reading it here keeps the import direction: nothing in ``model`` imports
``calibration`` code.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.labels import load_labels
from model.parameters import ParameterError, resolve

PRESETS_FILE = Path(__file__).resolve().parent.parent / "calibration" / "presets.toml"
PRESETS: tuple[str, ...] = ("low", "trend", "high", "bass")


@lru_cache(maxsize=1)
def _read() -> dict[str, dict[str, Any]]:
    with open(PRESETS_FILE, "rb") as fh:
        return tomllib.load(fh)


def french_names() -> dict[str, str]:
    """The presets named after a scenario, by the scenario's French name: ``{"haut": "high"}``."""
    classes = load_labels()["class"]
    return {classes[name]["fr"]: name for name in PRESETS if name in classes}


def preset_key(name: str) -> str:
    """The preset's own name for ``name``, given in English or in French (``haut`` -> ``high``).

    Raises:
        ParameterError: unknown preset (the field is ``preset``), with the names allowed.

    """
    if name in PRESETS:
        return name
    key = french_names().get(name)
    if key is None:
        raise ParameterError("preset", f"unknown preset {name!r}; allowed "
                             f"{', '.join(PRESETS)} (in French {', '.join(french_names())})")
    return key


def load_preset(name: str) -> dict[str, Any]:
    """Return a preset's parameter overrides (without its description).

    Args:
        name: ``low``, ``trend``, ``high`` or ``bass``, or a scenario's French name.

    Raises:
        ParameterError: unknown preset (the field is ``preset``).

    """
    entry = _read()[preset_key(name)]
    overrides = {k: v for k, v in entry.items() if not k.startswith("description")}
    resolve(overrides)  # a preset is checked like any user input
    return overrides


def describe_preset(name: str, lang: str | None = None) -> str:
    """The preset's one-line story, as written (``lang=None``) or in ``fr`` / ``en``."""
    entry = _read()[preset_key(name)]
    if lang is not None and f"description_{lang}" in entry:
        return entry[f"description_{lang}"]
    return entry.get("description", "")
