"""Experiment files (TOML): parse, check against the parameter registry, resolve.

An experiment file has three tables::

    [experiment]
    name = "subsidies-vs-platforms"
    design = "sobol"          # grid | lhs | sobol | morris | points
    samples = 256             # sobol: base N (a power of 2); lhs: points; morris: trajectories
    second_order = true       # sobol: also the S2 rows, N(2D+2) points; false: N(D+2)
    replicates = 2            # seeds per parameter point
    seed = 20261128           # root seed of the design and of every run's seed
    scale = 0.25              # population_scale of every run (servisim model only)
    model = "servisim"        # or "package.module:function"
    outcomes = ["industrial_service_capture", "jobs_index_2017"]
    preset = "trend"          # optional base parameter set (servisim model only)
    trajectories = false      # also store quarterly trajectories (servisim model only)
    run_timeout = 600         # seconds a run may take before it is stopped and stored failed

    [parameters]              # varied: [low, high], "sa" (the registry's SA range) or, for
    subsidy_rate = [0.10, 0.40]   # grid: the list of levels; points: one value per point

    [fixed]                   # set for every run; everything else at its default
    secure_framework = 0.3

Every problem is reported as one :class:`~experiments.errors.UsageError` naming the file, the
line and key, and what is allowed, before anything is run or written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.errors import ModelImportError, UsageError
from experiments.runs.watchdog import DEFAULT_RUN_TIMEOUT
from experiments.spec.description import read_description
from experiments.spec.models import MARKS, import_model, search_paths
from experiments.spec.roles import CROSSED_KEYS, PARTS, crossed_settings, part_design, varied_tables
from experiments.spec.tomlfile import Where, close_names, field_reason, read_toml, toml_value
from experiments.spec.values import LISTED, fixed_value, varied_values

DESIGNS = ("grid", "lhs", "sobol", "morris", "points", "crossed")
EXPERIMENT_KEYS = ("name", "description", "design", "samples", "replicates", "seed", "scale",
                   "model", "outcomes", "preset", "trajectories", "num_levels", "second_order",
                   "run_timeout", *CROSSED_KEYS)
TABLES = ("experiment", "parameters", *PARTS, "fixed")
#: Column names of the result table that outcomes and parameters may not take.
RESERVED = ("run_id", "point_id", "replicate", "seed", *MARKS, "status", "error", "runtime_s",
            "policy_id", "scenario_id")
SERVISIM = "servisim"
_CALLABLE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class ExperimentSpec:
    """A checked experiment, with every value resolved.

    Attributes:
        path: the experiment file.
        source: its bytes (copied verbatim into the result folder).
        name: experiment name (default: the file's stem).
        design: ``grid``, ``lhs``, ``sobol``, ``morris`` or ``points`` (the listed points).
        samples: sobol base N, lhs points, morris trajectories; ``None`` for grid, points.
        replicates: seeds per parameter point.
        seed: root seed.
        scale: ``population_scale`` of every run (``None`` for a custom model).
        model: ``"servisim"`` or ``"package.module:function"``.
        outcomes: outcome names; ``None`` for a custom model that lists none (taken from the
            first successful run).
        preset: base preset or ``None``.
        parameters: varied parameter -> ``[low, high]`` (grid: its levels; points: its value
            at each point).
        kinds: varied parameter -> ``"float"``, ``"int"`` or ``"bool"``.
        fixed: every non-varied model input: for the servisim model the full resolved
            parameter set (registry defaults, preset, ``[fixed]``, ``scale``); for a custom
            model the ``[fixed]`` table.
        num_levels: Morris grid levels.
        second_order: Sobol design with the rows for second-order indices (S2).
        trajectories: whether quarterly trajectories are stored.
        description: free text by language (``{"en": ...}``; see ``spec.description``).
        run_timeout: seconds a run may take before it is stopped and stored as failed (not
            part of the experiment's identity: a resume may use another limit).

    """

    path: Path
    source: bytes
    name: str
    design: str
    samples: int | None
    replicates: int
    seed: int
    scale: float | None
    model: str
    outcomes: list[str] | None
    preset: str | None
    parameters: dict[str, list]
    kinds: dict[str, str]
    fixed: dict[str, Any]
    num_levels: int = 4
    second_order: bool = True
    trajectories: bool = False
    description: dict[str, str] = field(default_factory=dict)
    run_timeout: float = DEFAULT_RUN_TIMEOUT
    lines: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    groups: dict[str, str] = field(default_factory=dict)
    crossed: dict[str, Any] = field(default_factory=dict)

    def design_of(self, name: str) -> str:
        """The design that samples parameter ``name`` (a crossed design's part, or the design)."""
        return part_design(self.design, name, self.groups, self.crossed)

    def table_of(self, name: str) -> str:
        """The table that varies ``name``: ``parameters``, ``levers`` or ``uncertainties``."""
        return self.groups.get(name, "parameters")

    @property
    def is_servisim(self) -> bool:
        """Whether the runs use the servisim model (not a custom function)."""
        return self.model == SERVISIM

    def resolved(self) -> dict[str, Any]:
        """Return the experiment as plain data (what the fingerprint hashes)."""
        return {
            "name": self.name, "design": self.design, "samples": self.samples,
            "replicates": self.replicates, "seed": self.seed, "scale": self.scale,
            "model": self.model, "outcomes": self.outcomes, "preset": self.preset,
            "parameters": self.parameters, "kinds": self.kinds, "fixed": self.fixed,
            "num_levels": self.num_levels if self.design == "morris" else None,
            "trajectories": self.trajectories,
            **({"second_order": False} if self.design == "sobol" and not self.second_order
               else {}),
            # only in experiments that use them, so older result folders keep their identity
            **({"groups": self.groups} if self.groups else {}),
            **({"crossed": self.crossed} if self.design == "crossed" else {}),
        }


def load_experiment(path: str | Path) -> ExperimentSpec:
    """Read and check an experiment file.

    Args:
        path: the TOML file.

    Returns:
        The resolved experiment.

    Raises:
        UsageError: any problem, named with file, line and key, and what is allowed.

    """
    path = Path(path)
    source, data, where = read_toml(path, "experiment file")
    return check_tables(path, source, data, where)


def check_tables(path: Path, source: bytes, data: dict[str, Any],
                 where: Where) -> ExperimentSpec:
    """Check an experiment's parsed tables (from a file or from Python) and resolve them.

    Args:
        path: the experiment file (for a custom model: its folder is searched).
        source: the file's bytes, kept with the results.
        data: the ``experiment``, ``parameters`` and ``fixed`` tables.
        where: names the line of each key in messages.

    Raises:
        UsageError: any problem, named with file, line and key, and what is allowed.

    """
    if not data:
        raise UsageError(f"{path}: the file is empty; expected an [experiment] table (design, "
                         "samples, seed, ...) and a [parameters] table of varied parameters")
    where.check_tables(data, TABLES)
    exp = data.get("experiment")
    if exp is None:
        raise UsageError(f"{path}: no [experiment] table; it needs at least design = "
                         f"{' | '.join(DESIGNS)}")
    for key in exp:
        if key not in EXPERIMENT_KEYS:
            raise where.fail("experiment", key,
                             f"unknown key; allowed {', '.join(EXPERIMENT_KEYS)}")
    varied, groups = varied_tables(data, where)
    return _build(path, source, exp, varied, data.get("fixed") or {}, where, groups)


def _get(exp: dict, key: str, types: tuple, default: Any, where: Where, what: str) -> Any:
    value = exp.get(key, default)
    if key in exp and (not isinstance(value, types) or isinstance(value, bool) != (bool in types)):
        raise where.fail("experiment", key,
                         f"{toml_value(value)} has the wrong type; expected {what}")
    return value


def _build(path: Path, source: bytes, exp: dict, varied: dict, fixed: dict,
           where: Where, groups: dict[str, str]) -> ExperimentSpec:
    name = _get(exp, "name", (str,), path.stem, where, "a string")
    if not re.match(r"^\w[\w.-]*$", name):
        raise where.fail("experiment", "name", f"{name!r} is not allowed; allowed letters, "
                         "digits, '_', '-' and '.' (it names the default result folder)")
    if "design" not in exp:
        raise where.fail("experiment", None, f"missing key 'design'; allowed {', '.join(DESIGNS)}")
    design = _get(exp, "design", (str,), None, where, f"one of {', '.join(DESIGNS)}")
    if design not in DESIGNS:
        raise where.fail("experiment", "design",
                         f"unknown design {design!r}; allowed {', '.join(DESIGNS)}")
    samples = _get(exp, "samples", (int,), None, where, "a whole number")
    crossed = crossed_settings(design, exp, groups, where)
    if design not in LISTED and design != "crossed":
        samples = _check_samples(design, samples, where)
    replicates = _get(exp, "replicates", (int,), 1, where, "a whole number >= 1")
    if replicates < 1:
        raise where.fail("experiment", "replicates", f"{replicates} is below 1; allowed >= 1")
    seed = _get(exp, "seed", (int,), 1, where, "a whole number >= 0")
    if not 0 <= seed < 2**63:
        raise where.fail("experiment", "seed", f"{seed} is out of range; allowed 0 to 2**63-1")
    num_levels = _get(exp, "num_levels", (int,), 4, where, "an even whole number >= 2")
    if design == "morris" and (num_levels < 2 or num_levels % 2):
        raise where.fail("experiment", "num_levels", f"{num_levels} is not allowed; "
                         "allowed an even whole number >= 2 (e.g. 4)")
    second_order = _get(exp, "second_order", (bool,), True, where, "true or false")
    trajectories = _get(exp, "trajectories", (bool,), False, where, "true or false")
    run_timeout = _get(exp, "run_timeout", (int, float), DEFAULT_RUN_TIMEOUT, where,
                       "a number of seconds > 0")
    _check_positive(run_timeout, where)
    model = _get(exp, "model", (str,), SERVISIM, where, "a string")
    if model != SERVISIM:
        _check_callable(model, path, where)
    _check_varied(design, varied, fixed, where)
    spec = ExperimentSpec(
        path=path, source=source, name=name, design=design, samples=samples,
        replicates=replicates, seed=seed, scale=None, model=model, outcomes=None, preset=None,
        parameters={}, kinds={}, fixed={}, num_levels=num_levels, second_order=second_order,
        trajectories=trajectories, run_timeout=float(run_timeout),
        description=read_description(exp, where), lines=where.lines, groups=groups,
        crossed=crossed if design == "crossed" else {})
    if model == SERVISIM:
        _servisim_parts(spec, exp, varied, fixed, where)
    else:
        _custom_parts(spec, exp, varied, fixed, where)
    lengths = {len(v) for v in spec.parameters.values()}
    if design == "points" and len(lengths) > 1:
        raise where.fail("parameters", None, "design 'points' needs one value per point in "
                         f"each list; the lists have {' and '.join(map(str, sorted(lengths)))} "
                         "values")
    return spec


def _check_positive(run_timeout: float, where: Where) -> None:
    if not (math.isfinite(run_timeout) and run_timeout > 0):
        raise where.fail("experiment", "run_timeout", f"{toml_value(run_timeout)} is not allowed; "
                         "allowed a finite number of seconds > 0, e.g. 600")


def _check_varied(design: str, varied: dict, fixed: dict, where: Where) -> None:
    """At least one varied parameter (two for Sobol), none of them also fixed."""
    if not varied:
        raise UsageError(f"{where('parameters')}: no varied parameter; add e.g. "
                         "subsidy_rate = [0.10, 0.40] under [parameters]")
    if design == "sobol" and len(varied) < 2:
        raise where.fail("parameters", None, "design 'sobol' needs at least 2 varied "
                         "parameters; allowed: 2 or more, or design = 'lhs'")
    for key in varied:
        if key in fixed:
            raise where.fail("fixed", key, "is also varied in this experiment; a parameter is "
                             "either varied or fixed")


def _check_samples(design: str, samples: Any, where: Where) -> int:
    allowed = {"sobol": "a power of 2 (e.g. 64, 128, 256): the base N",
               "lhs": "a whole number >= 2: the number of points",
               "morris": "a whole number >= 2: the number of trajectories"}[design]
    if samples is None:
        raise where.fail("experiment", None, f"missing key 'samples' for design '{design}'; "
                         f"allowed {allowed}")
    if samples < 2 or (design == "sobol" and samples & (samples - 1)):
        raise where.fail("experiment", "samples", f"{samples} is not allowed for design "
                         f"'{design}'; allowed {allowed}")
    return samples


def _check_callable(model: str, path: Path, where: Where) -> None:
    """Check a custom model: the user's own module, importable, with that function."""
    if not _CALLABLE.match(model):
        raise where.fail("experiment", "model", f"{model!r} is not allowed; allowed "
                         "\"servisim\" or \"package.module:function\"")
    try:
        import_model(model, search_paths(path.resolve().parent))
    except ModelImportError as err:
        raise where.fail("experiment", "model", err.reason) from None


def _check_outcomes(exp: dict, where: Where, allowed: tuple[str, ...] | None,
                    taken: set[str]) -> list[str] | None:
    outcomes = exp.get("outcomes")
    if outcomes is None:
        return list(allowed) if allowed is not None else None
    if not isinstance(outcomes, list) or not outcomes or not all(
            isinstance(o, str) for o in outcomes):
        raise where.fail("experiment", "outcomes", "expected a non-empty list of names, e.g. "
                         "[\"industrial_service_capture\"]")
    for name in outcomes:
        if allowed is not None and name not in allowed:
            raise where.fail("experiment", "outcomes",
                             f"unknown outcome {name!r}; allowed {', '.join(allowed)}")
        if not _NAME.match(name) or name in RESERVED or name in taken:
            raise where.fail("experiment", "outcomes", f"{name!r} is not allowed as an outcome "
                             f"name (a parameter or one of {', '.join(RESERVED)})")
    if len(set(outcomes)) != len(outcomes):
        raise where.fail("experiment", "outcomes", "lists a name twice")
    return list(outcomes)


def _servisim_parts(spec: ExperimentSpec, exp: dict, varied: dict, fixed: dict,
                    where: Where) -> None:
    from model import INDICATORS, PRESETS, REGISTRY, load_preset, preset_key, resolve
    from model.parameters import ParameterError

    scale_prm = REGISTRY["population_scale"]
    scale = _get(exp, "scale", (int, float), scale_prm.default, where, "a number")
    try:
        spec.scale = float(scale_prm.coerce(scale))
    except ParameterError as err:
        raise where.fail("experiment", "scale", field_reason(err)) from None
    preset = _get(exp, "preset", (str,), None, where, f"one of {', '.join(PRESETS)}")
    base: dict[str, Any] = {}
    if preset is not None:
        try:
            preset = preset_key(preset)  # the runs record the preset's own name
        except ParameterError as err:
            raise where.fail("experiment", "preset", field_reason(err)) from None
        base.update(load_preset(preset))
    spec.preset = preset
    for table, entries in (("parameters", varied), ("fixed", fixed)):
        for key in entries:
            table = spec.table_of(key) if table != "fixed" else table
            if key not in REGISTRY:
                close = close_names(key, REGISTRY)
                raise where.fail(table, key, f"unknown parameter; {close}")
            if key == "population_scale":
                raise where.fail(table, key, "set it with scale = ... under [experiment]")
    for key, value in fixed.items():
        try:
            base[key] = fixed_value(REGISTRY[key], value)
        except ParameterError as err:
            raise where.fail("fixed", key, field_reason(err)) from None
    base["population_scale"] = spec.scale
    for key, value in varied.items():
        prm = REGISTRY[key]
        spec.kinds[key] = prm.kind.__name__
        spec.parameters[key] = varied_values(spec.design_of(key), key, value, where, prm,
                                             spec.table_of(key))
    try:
        full = resolve(base)
        for pick in (0, -1):
            resolve({**base, **{k: v[pick] for k, v in spec.parameters.items()}})
    except ParameterError as err:
        raise where.fail("fixed", err.field, field_reason(err)) from None
    spec.fixed = {k: v for k, v in full.items() if k not in spec.parameters}
    spec.outcomes = _check_outcomes(exp, where, INDICATORS, set(REGISTRY))


def _custom_parts(spec: ExperimentSpec, exp: dict, varied: dict, fixed: dict,
                  where: Where) -> None:
    for key in ("scale", "preset", "trajectories"):
        if key in exp and (key != "trajectories" or exp[key]):
            raise where.fail("experiment", key, "applies to model = \"servisim\" only")
    for table, entries in (("parameters", varied), ("fixed", fixed)):
        for key in entries:
            table = spec.table_of(key) if table != "fixed" else table
            if not _NAME.match(key) or key in RESERVED:
                raise where.fail(table, key, "is not allowed as a parameter name; allowed a "
                                 f"Python identifier other than {', '.join(RESERVED)}")
    for key, value in fixed.items():
        if not isinstance(value, bool | int | float | str):
            raise where.fail("fixed", key, f"{toml_value(value)} has the wrong type; expected a "
                             "number, a string or true/false")
    spec.fixed = dict(fixed)
    for key, value in varied.items():
        levels = varied_values(spec.design_of(key), key, value, where, None,
                               spec.table_of(key))
        spec.parameters[key] = levels
        if spec.design_of(key) not in LISTED:
            spec.kinds[key] = "float"
        elif all(isinstance(v, bool) for v in levels):
            spec.kinds[key] = "bool"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
            spec.kinds[key] = "int"
        else:
            spec.kinds[key] = "float"
            spec.parameters[key] = [float(v) for v in levels]
    spec.outcomes = _check_outcomes(exp, where, None, set(varied) | set(fixed))
