"""Calibration files (TOML) and the targets file (CSV): parse, check, resolve.

A calibration file::

    [calibration]
    name = "servisim-2020-2024"
    model = "servisim"            # or "package.module:function" returning the target outputs
    targets_file = "targets.csv"  # relative to this file (the shipped one: ../model/targets.csv)
    targets = ["jobs_trend", "establishments_trend"]   # ids used in the distance
    budget = 4000                 # simulations in all, every generation included
    population = 400              # particles per generation; the posterior keeps alpha of them
    alpha = 0.5
    min_acceptance = 0.05         # stop when fewer new particles than this beat the threshold
    scale = 0.5                   # population_scale of the runs (servisim only)
    seed = 2024
    point_candidates = 20         # calibrated defaults: the best of the medians and the best
    point_seeds = 10              #   particles, each run with this many seeds
    effects_runs = 50             # posterior particles run to 2040 for the effects (servisim)
    preset_seeds = 20             # seeds per preset for the preset check (servisim)
    preset_threshold = 0.85       # calibrated defaults: the best-fitting candidate with which
    preset_candidates = 5         #   every preset lands in its own class this often

    [priors]                      # free parameters: uniform on [low, high]
    bass_q = [0.05, 0.50]

    [fixed]                       # set for every run; everything else at its default
    covid_shock = 0.10

Every problem (an unknown target or parameter, an empty prior range, a prior outside the
registry's bounds, a bad number) is one :class:`~experiments.errors.UsageError` naming the
file, the line and the field, raised before anything is run or written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calibration.targets import Target, load_targets
from experiments.errors import ArgumentError, UsageError
from experiments.spec.tomlfile import Where, close_names, field_reason, read_toml, toml_value
from experiments.spec.values import fixed_value

SERVISIM = "servisim"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "calibration.toml"
TABLES = ("calibration", "priors", "fixed")
KEYS = ("name", "description", "model", "targets_file", "targets", "budget", "population",
        "alpha", "min_acceptance", "scale", "seed", "effects_runs", "effects_scale",
        "preset_seeds", "preset_scale", "preset_threshold", "preset_candidates",
        "point_candidates", "point_seeds")
_CALLABLE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class CalibrationConfig:
    """A checked calibration file.

    Attributes:
        path: the file; ``source`` its bytes.
        targets: every row of the targets file, by id; ``used`` the ids in the distance.
        priors: free parameter -> (low, high); ``kinds`` -> ``float`` or ``int``.
        fixed: values set for every run (servisim: registry names; ``scale`` included).
        outputs: the model outputs the runs must return (used and reported targets).

    """

    path: Path
    source: bytes
    name: str
    model: str
    targets_path: Path
    targets: dict[str, Target]
    used: list[str]
    priors: dict[str, tuple[float, float]]
    kinds: dict[str, str]
    fixed: dict[str, Any]
    budget: int
    population: int
    alpha: float
    min_acceptance: float
    seed: int
    scale: float | None = None
    effects_runs: int = 0
    effects_scale: float | None = None
    preset_seeds: int = 0
    preset_scale: float = 0.25
    preset_threshold: float = 0.85
    preset_candidates: int = 5
    point_candidates: int = 20
    point_seeds: int = 10
    description: str = ""
    outputs: list[str] = field(default_factory=list)

    @property
    def is_servisim(self) -> bool:
        """Whether the runs use the servisim model."""
        return self.model == SERVISIM

    @property
    def run_function(self) -> str:
        """The ``module:function`` a calibration batch runs for one particle."""
        return "calibration.summaries:simulate" if self.is_servisim else self.model

    @property
    def model_paths(self) -> tuple[str, ...]:
        """The folders a custom model may come from: this file's folder, then PYTHONPATH."""
        from experiments.spec.models import search_paths

        return search_paths(self.path.resolve().parent)

    @property
    def kept(self) -> int:
        """Particles kept each generation (the posterior's size)."""
        return max(2, int(round(self.alpha * self.population)))


def load_config(path: str | Path, budget: int | None = None) -> CalibrationConfig:
    """Read and check a calibration file and its targets file.

    Args:
        path: the TOML file.
        budget: overrides ``budget`` (``--budget``).

    Raises:
        UsageError: any problem, with the file, line and field.

    """
    path = Path(path)
    source, data, where = read_toml(path, "calibration file")
    if not data:
        raise UsageError(f"{path}: the file is empty; expected a [calibration] table and a "
                         "[priors] table of free parameters")
    where.check_tables(data, TABLES)
    cal = data.get("calibration")
    if cal is None:
        raise UsageError(f"{path}: no [calibration] table (targets, budget, ...)")
    for key in cal:
        if key not in KEYS:
            raise where.fail("calibration", key, f"unknown key; allowed {', '.join(KEYS)}")
    priors = data.get("priors") or {}
    if not priors:
        raise UsageError(f"{path}: no free parameter; add e.g. bass_q = [0.05, 0.5] under "
                         "[priors]")
    return _build(path, source, cal, priors, data.get("fixed") or {}, where, budget)


def _get(cal: dict, key: str, types: tuple, default: Any, where: Where, what: str) -> Any:
    value = cal.get(key, default)
    if key in cal and (not isinstance(value, types) or isinstance(value, bool)):
        raise where.fail("calibration", key,
                         f"{toml_value(value)} has the wrong type; expected {what}")
    return value


def _number(cal: dict, key: str, default: Any, where: Where, low: float, high: float,
            what: str, whole: bool = False) -> Any:
    value = _get(cal, key, (int,) if whole else (int, float), default, where, what)
    if not low <= value <= high:
        raise where.fail("calibration", key,
                         f"{toml_value(value)} is out of range; allowed {what}")
    return value


def _build(path: Path, source: bytes, cal: dict, priors: dict, fixed: dict, where: Where,
           budget: int | None) -> CalibrationConfig:
    model = _get(cal, "model", (str,), SERVISIM, where, "\"servisim\" or \"module:function\"")
    if model != SERVISIM and not _CALLABLE.match(model):
        raise where.fail("calibration", "model", f"{toml_value(model)} is not allowed; allowed "
                         "\"servisim\" or \"package.module:function\"")
    targets_file = _get(cal, "targets_file", (str,), "targets.csv", where, "a file name")
    targets_path = (path.parent / targets_file).resolve()
    targets = load_targets(targets_path)
    default_used = [t.id for t in targets.values() if t.use == "calibrate"]
    used = cal.get("targets", default_used)
    if not isinstance(used, list) or not used or not all(isinstance(t, str) for t in used):
        raise where.fail("calibration", "targets", "expected a non-empty list of target ids, "
                         f"e.g. [\"{next(iter(targets))}\"]")
    for tid in used:
        if tid not in targets:
            raise where.fail("calibration", "targets", f"unknown target {tid!r}; allowed "
                             f"the ids of {targets_path.name}: {', '.join(targets)}")
        t = targets[tid]
        if not t.model_output:
            raise where.fail("calibration", "targets", f"target {tid!r} has no model_output "
                             f"in {targets_path.name} (use '{t.use}'); it cannot be fitted")
        if not t.has_range or not t.low < t.high:
            raise where.fail("calibration", "targets", f"target {tid!r} needs a range "
                             f"low < high in {targets_path.name} (the distance's unit)")
    if len(set(used)) != len(used):
        raise where.fail("calibration", "targets", "lists a target twice")
    cfg = CalibrationConfig(
        path=path, source=source,
        name=_get(cal, "name", (str,), path.stem, where, "a string"),
        description=_get(cal, "description", (str,), "", where, "a string"),
        model=model, targets_path=targets_path, targets=targets, used=list(used),
        priors={}, kinds={}, fixed={},
        budget=budget if budget is not None else _number(
            cal, "budget", 4000, where, 2, 10**8, "a whole number >= 2", whole=True),
        population=_number(cal, "population", 400, where, 4, 10**7, "a whole number >= 4",
                           whole=True),
        alpha=_number(cal, "alpha", 0.5, where, 0.05, 0.95, "a number in [0.05, 0.95]"),
        min_acceptance=_number(cal, "min_acceptance", 0.05, where, 0.0, 1.0,
                               "a number in [0, 1]"),
        seed=_number(cal, "seed", 1, where, 0, 2**63 - 1, "a whole number >= 0", whole=True),
        effects_runs=_number(cal, "effects_runs", 0, where, 0, 10**6,
                             "a whole number >= 0 (0: no effects)", whole=True),
        preset_seeds=_number(cal, "preset_seeds", 0, where, 0, 10**4,
                             "a whole number >= 0 (0: no preset check)", whole=True),
        preset_threshold=_number(cal, "preset_threshold", 0.85, where, 0.0, 1.0,
                                 "a number in [0, 1]"),
        preset_candidates=_number(cal, "preset_candidates", 5, where, 1, 10**4,
                                  "a whole number >= 1", whole=True),
        point_candidates=_number(cal, "point_candidates", 20, where, 1, 10**4,
                                 "a whole number >= 1", whole=True),
        point_seeds=_number(cal, "point_seeds", 10, where, 1, 10**4, "a whole number >= 1",
                            whole=True),
    )
    if budget is not None and budget < 2:
        raise ArgumentError("budget", budget, "allowed a whole number >= 2")
    if budget is not None and budget < cfg.population:
        raise ArgumentError("budget", budget, f"must be at least the population of {path} "
                                              f"({cfg.population}); allowed >= {cfg.population}")
    if cfg.budget < cfg.population:
        raise where.fail("calibration", "budget", f"{cfg.budget} is below population "
                         f"({cfg.population}); the first generation alone needs that many")
    if model == SERVISIM:
        _servisim_parts(cfg, cal, priors, fixed, where)
    else:
        _custom_parts(cfg, cal, priors, fixed, where)
    outputs = [targets[t].model_output for t in cfg.used]
    outputs += [t.model_output for t in targets.values()
                if t.use == "report" and t.model_output and t.id not in cfg.used]
    cfg.outputs = list(dict.fromkeys(outputs))
    _check_outputs(cfg, where)
    return cfg


def _prior_range(key: str, value: Any, where: Where) -> tuple[float, float]:
    shape = "[low, high], e.g. [0.05, 0.5]"
    if not isinstance(value, list) or len(value) != 2:
        raise where.fail("priors", key,
                         f"{toml_value(value)} is not a range; expected {shape}")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(
                item):
            raise where.fail("priors", key,
                             f"{toml_value(item)} is not a finite number; expected {shape}")
    low, high = float(value[0]), float(value[1])
    if not low < high:
        raise where.fail("priors", key, f"empty prior range: low {toml_value(value[0])} is not "
                         f"below high {toml_value(value[1])}; allowed [low, high] with low < high")
    return low, high


def _registry_prior(prm: Any, value: Any, where: Where) -> tuple[float, float]:
    """A prior of a registry parameter: a number range within the registry's bounds."""
    key = prm.name
    if prm.kind is bool:
        raise where.fail("priors", key, "is true/false; a prior needs a number "
                         "(set it under [fixed])")
    low, high = _prior_range(key, value, where)
    b_low, b_high = prm.bounds
    if low < b_low or high > b_high:
        raise where.fail("priors", key, f"[{low:g}, {high:g}] is outside the registry's "
                         f"bounds; allowed within [{b_low:g}, {b_high:g}]")
    if prm.kind is int and high - low < 1:
        raise where.fail("priors", key, "is a whole number; the range must hold at least "
                         "two whole numbers")
    return low, high


def _servisim_parts(cfg: CalibrationConfig, cal: dict, priors: dict, fixed: dict,
                    where: Where) -> None:
    from model import REGISTRY, resolve
    from model.parameters import ParameterError

    scale_prm = REGISTRY["population_scale"]
    for key, default in (("scale", 0.5), ("effects_scale", None), ("preset_scale", 0.25)):
        value = _get(cal, key, (int, float), default, where, "a number")
        if value is None:
            continue
        try:
            setattr(cfg, key, float(scale_prm.coerce(value)))
        except ParameterError as err:
            raise where.fail("calibration", key, field_reason(err)) from None
    if cfg.effects_scale is None:
        cfg.effects_scale = cfg.scale
    for table, entries in (("priors", priors), ("fixed", fixed)):
        for key in entries:
            if key not in REGISTRY:
                raise where.fail(table, key, f"unknown parameter; {close_names(key, REGISTRY)}")
            if key == "population_scale":
                raise where.fail(table, key, "set it with scale = ... under [calibration]")
    for key, value in priors.items():
        if key in fixed:
            raise where.fail("fixed", key, "is also a free parameter under [priors]")
        prm = REGISTRY[key]
        cfg.priors[key] = _registry_prior(prm, value, where)
        cfg.kinds[key] = prm.kind.__name__
    for key, value in fixed.items():
        try:  # as an experiment's [fixed]: true/false for a switch, no quoted numbers
            cfg.fixed[key] = fixed_value(REGISTRY[key], value)
        except ParameterError as err:
            raise where.fail("fixed", key, field_reason(err)) from None
    cfg.fixed["population_scale"] = cfg.scale
    try:
        resolve(cfg.fixed)
    except ParameterError as err:
        raise where.fail("fixed", err.field, field_reason(err)) from None


def _custom_parts(cfg: CalibrationConfig, cal: dict, priors: dict, fixed: dict,
                  where: Where) -> None:
    for key in ("scale", "effects_scale", "effects_runs", "preset_seeds", "preset_scale",
                "preset_threshold", "preset_candidates"):
        if key in cal:
            raise where.fail("calibration", key, "applies to model = \"servisim\" only")
    for table, entries in (("priors", priors), ("fixed", fixed)):
        for key in entries:
            if not _NAME.match(key):
                raise where.fail(table, key, "is not allowed as a parameter name; allowed a "
                                 "Python identifier")
    for key, value in priors.items():
        if key in fixed:
            raise where.fail("fixed", key, "is also a free parameter under [priors]")
        cfg.priors[key] = _prior_range(key, value, where)
        cfg.kinds[key] = "float"
    for key, value in fixed.items():
        if not isinstance(value, bool | int | float | str):
            raise where.fail("fixed", key, f"{toml_value(value)} has the wrong type; expected a "
                             "number, a string or true/false")
        cfg.fixed[key] = value


def _check_outputs(cfg: CalibrationConfig, where: Where) -> None:
    """Every target's model output must be one the runs return."""
    if cfg.is_servisim:
        from calibration.summaries import SUMMARIES

        known = set(SUMMARIES)
    else:
        known = set(_trial_outputs(cfg, where))
    for tid in cfg.used:
        out = cfg.targets[tid].model_output
        if out not in known:
            raise where.fail("calibration", "targets", f"target {tid!r}: the model has no "
                             f"output {out!r} ({cfg.targets_path.name}, column model_output); "
                             f"allowed {', '.join(sorted(known))}")
    cfg.outputs = [o for o in cfg.outputs if o in known]


def _trial_outputs(cfg: CalibrationConfig, where: Where) -> list[str]:
    """Call a custom model once at the priors' midpoints to learn its outputs."""
    from experiments.errors import ModelImportError
    from experiments.spec.models import import_model

    try:
        func = import_model(cfg.model, cfg.model_paths)
    except ModelImportError as err:
        raise where.fail("calibration", "model", err.reason) from None
    mid = {k: (lo + hi) / 2 for k, (lo, hi) in cfg.priors.items()}
    try:
        out = func({**cfg.fixed, **mid}, cfg.seed)
    except Exception as err:  # noqa: BLE001 - reported as the user's model failing
        raise where.fail("calibration", "model", f"{cfg.model} failed at the priors' "
                         f"midpoints ({type(err).__name__}: {err})") from None
    if not isinstance(out, dict):
        raise where.fail("calibration", "model", f"{cfg.model} returned "
                         f"{type(out).__name__}; expected a dict of outputs")
    return [k for k in out if k not in ("scenario", "_trajectory")]
