"""Levers and uncertainties in an experiment file (``[levers]``, ``[uncertainties]``), crossing.

An experiment may split its varied parameters into what the region decides (``[levers]``) and
what it does not (``[uncertainties]``), in place of one ``[parameters]`` table. Then:

* ``design = "crossed"`` samples each part on its own, as EMA Workbench's
  ``perform_experiments(scenarios, policies)`` does: ``policies`` lever combinations crossed
  with ``scenarios`` uncertainty combinations, ``replicates`` seeds each::

      [experiment]
      design = "crossed"
      policies = 16             # lever combinations
      scenarios = 32            # uncertainty combinations
      policy_design = "lhs"     # lhs (default) or grid (the [levers] list their levels)
      scenario_design = "lhs"   # lhs (default) or grid
      replicates = 2

* ``design = "sobol"`` groups the parameters by part (SALib's ``groups``): the indices are
  those of the two groups, the share of each outcome's variance that is the region's to move
  and the share that is not, at ``N (2 x 2 + 2)`` points.

* Any other design varies the two parts together, as if they were one ``[parameters]`` table.
"""

from __future__ import annotations

from typing import Any

from experiments.spec.tomlfile import Where, toml_value

#: The tables of varied parameters by role (the registry's roles ``lever``, ``uncertainty``).
PARTS = ("levers", "uncertainties")
#: The designs one part of a crossed design may use.
PART_DESIGNS = ("lhs", "grid")
CROSSED_KEYS = ("policies", "scenarios", "policy_design", "scenario_design")


def varied_tables(data: dict[str, Any], where: Where) -> tuple[dict[str, Any], dict[str, str]]:
    """The varied parameters and the part of each (empty when ``[parameters]`` is used).

    Returns:
        ``(varied, groups)``: parameter -> its entry, and parameter -> ``levers`` or
        ``uncertainties`` (empty without the two tables).

    Raises:
        UsageError: ``[parameters]`` mixed with ``[levers]``/``[uncertainties]``, or a
            parameter in both.

    """
    parts = {t: data.get(t) or {} for t in PARTS if t in data}
    if not parts:
        return dict(data.get("parameters") or {}), {}
    if data.get("parameters"):
        raise where.fail("parameters", None, "cannot be used with [levers] or "
                         "[uncertainties]; put each varied parameter under one of them")
    varied: dict[str, Any] = {}
    groups: dict[str, str] = {}
    for table, entries in parts.items():
        for key, value in entries.items():
            if key in varied:
                raise where.fail(table, key, "is under both [levers] and [uncertainties]; a "
                                 "parameter is either one or the other")
            varied[key] = value
            groups[key] = table
    return varied, groups


#: Keys of one design only, beside the crossed design's (:data:`CROSSED_KEYS`).
DESIGN_KEYS = (("second_order", "sobol"), ("num_levels", "morris"))


def crossed_settings(design: str, exp: dict[str, Any], groups: dict[str, str],
                     where: Where) -> dict[str, Any]:
    """Check the keys of a crossed design (or that none is used by another design).

    Returns:
        ``policies``, ``scenarios``, ``policy_design``, ``scenario_design`` (``None`` each for
        another design).

    Raises:
        UsageError: a missing or bad key, or a part without parameters.

    """
    # a key of another design would be ignored without a word: refused instead
    for key, only in (*((k, "crossed") for k in CROSSED_KEYS), *DESIGN_KEYS):
        if key in exp and design != only:
            raise where.fail("experiment", key, f"applies to design '{only}' only, not "
                             f"'{design}'; remove it")
    if design in ("grid", "points") and "samples" in exp:
        raise where.fail("experiment", "samples", f"does not apply to design '{design}' (its "
                         "runs are the levels or points listed); remove it")
    if design != "crossed":
        if design == "sobol" and groups and len(set(groups.values())) < 2:
            raise where.fail("experiment", "design", "a Sobol design grouped by role needs "
                             "parameters under both [levers] and [uncertainties]")
        return dict.fromkeys(CROSSED_KEYS)
    for table in PARTS:
        if table not in groups.values():
            raise where.fail("experiment", "design", "design 'crossed' needs varied "
                             f"parameters under both [levers] and [uncertainties]; [{table}] "
                             "has none")
    if "samples" in exp:
        raise where.fail("experiment", "samples", "design 'crossed' counts its points with "
                         "policies = ... and scenarios = ...; remove samples")
    out: dict[str, Any] = {}
    for key in ("policy_design", "scenario_design"):
        value = exp.get(key, "lhs")
        if value not in PART_DESIGNS:
            raise where.fail("experiment", key, f"{toml_value(value)} is not allowed; allowed "
                             f"{', '.join(PART_DESIGNS)}")
        out[key] = value
    for key, part_design in (("policies", out["policy_design"]),
                             ("scenarios", out["scenario_design"])):
        out[key] = _part_size(exp, key, part_design, where)
    return out


def _part_size(exp: dict[str, Any], key: str, part_design: str, where: Where) -> int | None:
    """``policies`` or ``scenarios``: points of an LHS part (a grid part counts its levels)."""
    value = exp.get(key)
    if part_design == "grid":
        if key in exp:
            raise where.fail("experiment", key, "a grid part counts its levels itself; "
                             "remove it")
        return None
    if value is None:
        raise where.fail("experiment", None, f"missing key '{key}' for design 'crossed'; "
                         "allowed a whole number >= 2")
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise where.fail("experiment", key, f"{toml_value(value)} is not allowed; allowed a whole "
                         "number >= 2")
    return value


def part_design(design: str, name: str, groups: dict[str, str],
                settings: dict[str, Any]) -> str:
    """The design that samples parameter ``name`` (a crossed design's part, or the design)."""
    if design != "crossed":
        return design
    return settings["policy_design" if groups[name] == "levers" else "scenario_design"]

