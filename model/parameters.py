"""The parameter registry: the one place where every parameter's default, range and meaning live.

The model, the CLI (``--set name=value``), experiment files, the app's sliders, the sensitivity
problem and the report's tables all read this registry; no default is written anywhere else.
The entries themselves are in :mod:`model.registry`; this module holds what a parameter is and
how values are checked. Each parameter has two ranges:

* ``bounds``: what the model accepts at all (a share in [0, 1], a cost >= 0). Presets such as
  ``bass`` use values here that lie outside the sensitivity range on purpose.
* ``sa_range``: the plausible range explored by sensitivity analysis, or ``None`` for
  parameters that are not uncertain inputs (seed, horizon, switches).

and a role (XLRM): ``lever`` (what the region and the State decide), ``uncertainty`` (what
nobody in the region decides) or ``constant`` (held fixed in the workshop's studies; calibrated
or taken from the literature). A ``hypothesis`` is a link the seed asserts but no study measures:
its range starts at zero so that a study shows how much the conclusions hang on it.

Calibrated defaults: when ``calibration/calibrated.toml`` exists (written by ``servisim
calibrate``), its ``[defaults]`` replace the literature defaults of the parameters it names;
each such parameter keeps its literature value in ``literature_default``. Set the environment
variable ``SERVISIM_DEFAULTS=literature`` to ignore the file. Both are read once, lazily, by
:func:`load_registry`, never at import.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from model.errors import ServisimError
from model.registry import ENTRIES

Number = int | float | bool

#: The roles a parameter can have (XLRM: levers, uncertainties, constants).
ROLES: tuple[str, ...] = ("lever", "uncertainty", "constant")

CALIBRATED_FILE = Path(__file__).resolve().parent.parent / "calibration" / "calibrated.toml"


class ParameterError(ServisimError, ValueError):
    """A parameter name or value that the registry does not accept.

    Attributes:
        field: the parameter (or option) at fault.

    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes:
        name: binding name, used by the CLI, experiment files, the app and the report.
        default: the value used when nothing else is said.
        kind: ``float``, ``int`` or ``bool``.
        bounds: inclusive (low, high) of accepted values; ``None`` for booleans.
        sa_range: inclusive (low, high) explored by sensitivity analysis, or ``None``.
        unit: unit as shown to users.
        meaning: one line in plain English.
        source: where the default and range come from.
        group: the topic it belongs to (``policy``, ``market``, ``platforms``, ``firms``,
            ``digital``, ``cyber``, ``demography``, ``run`` or ``docking``).
        role: ``lever``, ``uncertainty`` or ``constant``.
        hypothesis: a link the seed asserts but no study measures (range starts at zero).
        literature_default: the literature value when ``default`` is a calibrated value
            (``calibration/calibrated.toml``), else ``None`` (``default`` is the literature's).

    """

    name: str
    default: Number
    kind: type
    bounds: tuple[float, float] | None
    sa_range: tuple[float, float] | None
    unit: str
    meaning: str
    source: str
    group: str
    role: str = "constant"
    hypothesis: bool = False
    literature_default: Number | None = None

    def coerce(self, value: Any) -> Number:
        """Check one value against this parameter's type and bounds.

        Args:
            value: a Python value, or a number as a string typed on a command line (a switch
                takes ``True`` or ``False`` only: a bool or a ``numpy.bool_``).

        Returns:
            The value as the parameter's type.

        Raises:
            ParameterError: wrong type or outside the accepted bounds.

        """
        value = _coerce_type(self, value)
        if self.bounds is not None:
            low, high = self.bounds
            if not (low <= value <= high):
                raise ParameterError(
                    self.name, f"{value!r} is out of range; allowed {_fmt(low)} to {_fmt(high)}"
                )
        return value


def _a_kind(p: Parameter) -> str:
    """The parameter's type with its article, for messages (``an int``, ``a float``)."""
    return {"int": "an integer", "float": "a number"}.get(p.kind.__name__, p.kind.__name__)


def _coerce_type(p: Parameter, value: Any) -> Number:
    if p.kind is bool:
        # A switch is True or False, nothing that merely reads as one: 1, 0 and "1" were
        # typos let through from Python alone (TOML and --set take true/false only), and "no"
        # or "False" from a form is truthy text. --set parses its true/false text itself.
        if isinstance(value, bool | np.bool_):
            return bool(value)
        raise ParameterError(p.name, f"{value!r} ({type(value).__name__}) is not a boolean; "
                             "allowed true or false (Python True or False)")
    if isinstance(value, bool | np.bool_):
        raise ParameterError(p.name, f"{value!r} is a boolean; expected {_a_kind(p)}")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace("_", ""))
        except ValueError:
            raise ParameterError(
                p.name, f"{value!r} is not a number; expected {_a_kind(p)}"
            ) from None
    if not isinstance(value, int | float) and not hasattr(value, "__float__"):
        raise ParameterError(p.name, f"{value!r} is not a number; expected {_a_kind(p)}")
    value = float(value)
    if not math.isfinite(value):
        raise ParameterError(p.name, f"{value!r} is not a finite number")
    if p.kind is int:
        if value != int(value):
            raise ParameterError(p.name, f"{value!r} is not a whole number")
        return int(value)
    return value


def _fmt(x: float) -> str:
    return f"{x:g}"


@lru_cache(maxsize=2)
def load_registry(calibrated: Path | None = CALIBRATED_FILE) -> tuple[Parameter, ...]:
    """Every parameter, with the calibrated defaults applied when they are in use.

    Read once per process (cached): the registry table, then ``calibrated`` unless the
    environment says ``SERVISIM_DEFAULTS=literature``.

    Args:
        calibrated: the calibrated-defaults file (``None``: literature defaults only).

    Returns:
        The parameters, in registry order.

    Raises:
        ParameterError: the calibrated file names an unknown parameter or a bad value.

    """
    table = tuple(Parameter(**entry) for entry in ENTRIES)
    ignore = os.environ.get("SERVISIM_DEFAULTS", "").strip().lower() == "literature"
    if ignore or calibrated is None or not calibrated.is_file():
        return table
    with open(calibrated, "rb") as fh:
        values = tomllib.load(fh).get("defaults", {})
    known = {p.name: p for p in table}
    for name in values:
        if name not in known:
            raise ParameterError(name, f"unknown parameter in {calibrated} [defaults]")
    return tuple(
        dataclasses.replace(p, default=p.coerce(values[p.name]), literature_default=p.default)
        if p.name in values else p
        for p in table
    )


def parameters() -> tuple[Parameter, ...]:
    """Every parameter with the defaults in use (see :func:`load_registry`)."""
    return load_registry()


def registry() -> dict[str, Parameter]:
    """Parameter name -> parameter, with the defaults in use."""
    params = load_registry()
    # Kept for the registry's tuple itself (the same object while it is cached): a cache
    # keyed by the tuple hashed its ninety parameters at each call, several per model built.
    if _BY_NAME[0] is not params:
        _BY_NAME[:] = [params, {p.name: p for p in params}]
    return _BY_NAME[1]


_BY_NAME: list[Any] = [None, {}]


def __getattr__(name: str) -> Any:
    # ``PARAMETERS`` and ``REGISTRY`` stay importable names, computed on first use so that
    # importing the package reads no file and no environment variable.
    if name == "PARAMETERS":
        return parameters()
    if name == "REGISTRY":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def defaults() -> dict[str, Number]:
    """Return every parameter at its registry default.

    Returns:
        A new dict name -> default.

    """
    return {p.name: p.default for p in parameters()}


def sa_parameters() -> list[Parameter]:
    """Return the parameters that have a sensitivity-analysis range, in registry order."""
    return [p for p in parameters() if p.sa_range is not None]


def by_role(role: str) -> list[Parameter]:
    """Return the parameters of one role (``lever``, ``uncertainty`` or ``constant``).

    Raises:
        ParameterError: an unknown role (the field is ``role``).

    """
    if role not in ROLES:
        raise ParameterError("role", f"unknown role {role!r}; allowed {', '.join(ROLES)}")
    return [p for p in parameters() if p.role == role]


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Number]:
    """Merge overrides onto the defaults, checking every name, type and range.

    Args:
        overrides: parameter name -> value (a number may be a string, as typed on a command
            line; a switch is ``True`` or ``False`` only).

    Returns:
        A complete, validated parameter dict.

    Raises:
        ParameterError: an unknown name, a wrong type, a value out of its bounds, or an
            inconsistent combination (e.g. ``end_year`` before ``start_year``).

    """
    params = defaults()
    known = registry()
    for name, value in (overrides or {}).items():
        if name not in known:
            raise ParameterError(name, f"unknown parameter; {_suggest(name, known)}")
        params[name] = known[name].coerce(value)
    if params["end_year"] < params["start_year"]:
        raise ParameterError("end_year", "must not be before start_year")
    return params


def _suggest(name: str, known: dict[str, Parameter]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=3)
    if close:
        return "did you mean " + ", ".join(close) + "?"
    return "see `servisim params` for the list"
