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


#: The registry's role that each table of varied parameters stands for.
TABLE_ROLE = {"levers": "lever", "uncertainties": "uncertainty"}
_A = {"lever": "a lever", "uncertainty": "an uncertainty", "constant": "a constant"}
_PLURAL = {"lever": "levers", "uncertainty": "uncertainties", "constant": "constants"}


def role_notes(groups: dict[str, str], roles: dict[str, str]) -> list[str]:
    """Say which parameters a file lists under the table of another role than the registry's.

    The split is the user's (``docs/batches.md``): a parameter the registry calls a lever may
    be what a study treats as out of its hands, so nothing is refused. But the analysis and
    the report follow the file, so a slip would quietly change what they call a policy. A
    constant (calibrated, or from the literature) is decided by nobody in the region: under
    ``[uncertainties]`` it is where it belongs, under ``[levers]`` it is not.

    Args:
        groups: parameter -> ``levers`` or ``uncertainties``, as the file splits them.
        roles: parameter -> its registry role (a parameter it does not know has no note).

    Returns:
        One line per registry role and table, naming its parameters in the file's order, e.g.
        ``note: subsidy_rate is a lever in the registry but listed under [uncertainties]; the
        analysis will treat it as an uncertainty``.

    """
    misplaced: dict[tuple[str, str], list[str]] = {}
    for name, table in groups.items():
        role = roles.get(name)
        if role is not None and role != TABLE_ROLE[table] and (role, table) != (
                "constant", "uncertainties"):
            misplaced.setdefault((role, table), []).append(name)
    lines = []
    for (role, table), names in misplaced.items():
        treated = TABLE_ROLE[table]
        if len(names) == 1:
            what = f"{names[0]} is {_A[role]}", f"it as {_A[treated]}"
        else:
            listed = f"{', '.join(names[:-1])} and {names[-1]}"
            what = f"{listed} are {_PLURAL[role]}", f"them as {_PLURAL[treated]}"
        lines.append(f"note: {what[0]} in the registry but listed under [{table}]; the "
                     f"analysis will treat {what[1]}")
    return lines


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

