"""One varied parameter of an experiment: ``[low, high]``, ``"sa"``, or the values it takes."""

from __future__ import annotations

import math
from typing import Any

from experiments.spec.tomlfile import Where, field_reason, toml_value
from model.parameters import ParameterError

#: Designs whose [parameters] list the values (grid: levels crossed; points: one per point).
LISTED = ("grid", "points")


def varied_values(design: str, key: str, value: Any, where: Where, prm: Any,
                  table: str = "parameters") -> list:
    """Check one varied entry (of ``[parameters]`` or ``table``): a range, ``"sa"`` or values."""
    listed = design in LISTED
    if value == "sa" and not listed:
        if prm is None or prm.sa_range is None:
            raise where.fail(table, key, "has no registry SA range; give [low, high]")
        value = list(prm.sa_range)
        value = [prm.kind(v) if prm.kind is int else v for v in value]
    shape = ("a list of values, e.g. [0.1, 0.2, 0.3]" if listed
             else "[low, high], e.g. [0.10, 0.40], or \"sa\" for the registry's SA range")
    if not isinstance(value, list) or not value:
        raise where.fail(table, key, f"{toml_value(value)} has the wrong type; expected {shape}")
    if not listed and len(value) != 2:
        raise where.fail(table, key, f"{toml_value(value)} is not a range; expected {shape}")
    out = [_item(item, key, listed, shape, where, prm, table) for item in value]
    if not listed and not out[0] < out[1]:
        raise where.fail(table, key, f"low {toml_value(out[0])} is not below high "
                         f"{toml_value(out[1])}; allowed [low, high] with low < high")
    if design == "grid" and len(set(out)) != len(out):
        raise where.fail(table, key, f"levels {toml_value(out)} repeat a value")
    return out


def _item(item: Any, key: str, listed: bool, shape: str, where: Where, prm: Any,
          table: str) -> Any:
    """Check one value of a ``[parameters]`` entry (typed by the registry when it knows it)."""
    if isinstance(item, bool) and (not listed or (prm is not None and prm.kind is not bool)):
        raise where.fail(table, key, f"{toml_value(item)} has the wrong type; expected a "
                         "number (a true/false parameter is varied with design = 'grid')")
    if not isinstance(item, bool | int | float):
        raise where.fail(table, key, f"{toml_value(item)} has the wrong type; expected {shape}")
    if isinstance(item, float) and not math.isfinite(item):
        raise where.fail(table, key, f"{toml_value(item)} is not a finite number")
    if prm is None:
        return item
    if prm.kind is bool and not listed:
        raise where.fail(table, key, "is true/false; vary it with design = "
                         "'grid' (levels [true, false]) or set it under [fixed]")
    if prm.kind is bool and not isinstance(item, bool):
        # as [fixed] and --set: a 0/1 for a switch is refused, not read as false/true
        raise where.fail(table, key, f"{toml_value(item)} is not true or false; allowed true "
                         "or false")
    try:
        return prm.coerce(item)
    except ParameterError as err:
        raise where.fail(table, key, field_reason(err)) from None


def fixed_value(prm: Any, value: Any) -> Any:
    """A ``[fixed]`` value of a registry parameter, of its type as TOML writes it.

    TOML has numbers and ``true``/``false``: a quoted number or a 0/1 for a switch is a typo
    that ``--set``'s text parsing would let through.

    Raises:
        ParameterError: the value is text, or not true/false for a switch, or out of bounds.

    """
    if isinstance(value, str):
        raise ParameterError(prm.name, f"{toml_value(value)} is text; write it without quotes")
    if prm.kind is bool and not isinstance(value, bool):
        raise ParameterError(prm.name, f"{toml_value(value)} is not true or false; allowed "
                             "true or false")
    return prm.coerce(value)

