"""Classify a run's 2040 indicators as ``low``, ``trend`` or ``high`` (classification v2).

Each voting indicator of ``scenario_bands.toml`` votes from two cut points on its value: the
bands are contiguous, so every value casts exactly one vote, and a vote only moves up as the
indicator improves. The class is the median vote (with an even number of votes, the lower of
the two middle ones): a run is ``high`` when at least half the indicators say so, ``low`` when
at least half say low, ``trend`` otherwise. The median is monotone, so improving one indicator
alone never lowers the class, and it needs no tie rule beyond the lower middle.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from model.errors import ServisimError

SCENARIOS: tuple[str, ...] = ("low", "trend", "high")
SCORES = {"low": -1, "trend": 0, "high": 1}
#: One colour per class, the same in the app, the figures and the report.
SCENARIO_COLOURS = {"low": "#c0392b", "trend": "#f39c12", "high": "#27ae60"}
BANDS_FILE = Path(__file__).with_name("scenario_bands.toml")
_KEYS = {"better", "trend", "high", "high_needs"}


@dataclass(frozen=True)
class Vote:
    """How one indicator votes.

    Attributes:
        indicator: the indicator's name.
        better: ``higher`` or ``lower``: the direction of the high scenario.
        trend: cut point from low to trend (``None``: never votes low).
        high: cut point from trend to high.
        high_needs: other indicators that must reach a value for a high vote.

    """

    indicator: str
    better: str
    trend: float | None
    high: float
    high_needs: dict[str, float] = field(default_factory=dict)

    def reached(self, value: float, cut: float) -> bool:
        """Whether ``value`` is at or beyond ``cut`` in the better direction."""
        return value >= cut if self.better == "higher" else value <= cut

    def cast(self, indicators: dict[str, float], votes_by_name: dict[str, Vote]) -> str:
        """The class this indicator votes for."""
        x = indicators[self.indicator]
        if self.trend is not None and not self.reached(x, self.trend):
            return "low"
        if not self.reached(x, self.high):
            return "trend"
        for name, cut in self.high_needs.items():
            if not votes_by_name[name].reached(indicators[name], cut):
                return "trend"
        return "high"

    def describe(self, klass: str, table: dict[str, Vote] | None = None) -> str:
        """The band of a class as text, e.g. ``< 0.475``, ``0.475-0.725`` or ``>= 0.725``.

        Args:
            klass: ``low``, ``trend`` or ``high``.
            table: every vote (to word the conditions of ``high_needs``).

        """
        worse, better = ("<", ">=") if self.better == "higher" else (">", "<=")
        if klass == "low":
            return f"{worse} {self.trend:g}" if self.trend is not None else "-"
        if klass == "high":
            needs = []
            for name, cut in self.high_needs.items():
                sign = ">=" if table is None or table[name].better == "higher" else "<="
                needs.append(f" and {name} {sign} {cut:g}")
            return f"{better} {self.high:g}" + "".join(needs)
        if self.trend is None:
            return f"{worse} {self.high:g}"
        a, b = sorted((self.trend, self.high))
        return f"{a:g}-{b:g}"


@dataclass(frozen=True)
class Band:
    """The values of one indicator that vote for one class (for charts and tables).

    ``lo``/``hi`` may be infinite; ``*_open`` makes that end strict.
    """

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the band."""
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    def describe(self) -> str:
        """The band as text, e.g. ``< 0.475``, ``0.475-0.725`` or ``>= 0.725``."""
        if self.lo == -math.inf:
            return f"{'<' if self.hi_open else '<='} {self.hi:g}"
        if self.hi == math.inf:
            return f"{'>' if self.lo_open else '>='} {self.lo:g}"
        return f"{self.lo:g}-{self.hi:g}"


def bands_of(vote: Vote) -> dict[str, Band]:
    """The contiguous bands of one voting indicator, class -> band (``high_needs`` aside)."""
    inf = math.inf
    if vote.better == "higher":
        out = {"trend": Band(-inf if vote.trend is None else vote.trend, vote.high,
                             hi_open=True),
               "high": Band(vote.high, inf)}
        if vote.trend is not None:
            out["low"] = Band(-inf, vote.trend, hi_open=True)
    else:
        out = {"trend": Band(vote.high, inf if vote.trend is None else vote.trend,
                             lo_open=True),
               "high": Band(-inf, vote.high)}
        if vote.trend is not None:
            out["low"] = Band(vote.trend, inf, lo_open=True)
    return {c: out[c] for c in SCENARIOS if c in out}


def load_bands() -> dict[str, dict[str, Band]]:
    """Every voting indicator's bands: indicator -> class -> :class:`Band`."""
    return {name: bands_of(vote) for name, vote in load_votes().items()}


class BandsError(ServisimError, ValueError):
    """A classification bands file that does not describe contiguous, monotone votes."""


def _vote(name: str, spec: dict, where: Path) -> Vote:
    unknown = set(spec) - _KEYS
    if unknown:
        raise BandsError(f"{where}: [{name}] unknown key(s) {sorted(unknown)}; "
                         f"allowed {sorted(_KEYS)}")
    better = spec.get("better")
    if better not in ("higher", "lower"):
        raise BandsError(f"{where}: [{name}] better must be 'higher' or 'lower', not {better!r}")
    if "high" not in spec:
        raise BandsError(f"{where}: [{name}] needs a 'high' cut point")
    high = float(spec["high"])
    trend = float(spec["trend"]) if "trend" in spec else None
    if trend is not None and ((trend > high) if better == "higher" else (trend < high)):
        raise BandsError(f"{where}: [{name}] the trend cut {trend:g} lies beyond the high cut "
                         f"{high:g}: the votes would not be monotone")
    return Vote(name, better, trend, high, {k: float(v) for k, v in
                                            spec.get("high_needs", {}).items()})


@lru_cache(maxsize=4)
def load_votes(path: Path = BANDS_FILE) -> dict[str, Vote]:
    """Read the voting indicators and their cut points: indicator -> :class:`Vote`."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    out = {name: _vote(name, spec, path) for name, spec in raw.items()}
    for vote in out.values():
        for other in vote.high_needs:
            if other not in out:
                raise BandsError(f"{path}: [{vote.indicator}] high_needs {other!r}, which is "
                                 f"not a voting indicator")
    return out


def votes(indicators: dict[str, float]) -> dict[str, str]:
    """Which class each voting indicator votes for."""
    table = load_votes()
    return {name: vote.cast(indicators, table) for name, vote in table.items()}


def median_class(cast: Iterable[str]) -> str:
    """The lower median of votes (``low`` < ``trend`` < ``high``)."""
    scores = sorted(SCORES[c] for c in cast)
    if not scores:
        return "trend"
    return SCENARIOS[scores[(len(scores) - 1) // 2] + 1]


def classify(indicators: dict[str, float]) -> str:
    """Classify final indicators as ``low``, ``trend`` or ``high`` (the median vote).

    Args:
        indicators: at least every voting indicator.

    Returns:
        The scenario class.

    """
    return median_class(votes(indicators).values())


class ScenarioError(ServisimError, ValueError):
    """A scenario class that is not ``low``, ``trend`` or ``high``."""


def class_probabilities(classes: Iterable[str]) -> dict[str, float]:
    """Share of each class among replicates (e.g. a parameter point's seeds).

    Raises:
        ScenarioError: a class that is not ``low``, ``trend`` or ``high``.

    """
    classes = list(classes)
    for c in classes:
        if c not in SCORES:
            raise ScenarioError(f"scenario class {c!r}; allowed {', '.join(SCENARIOS)}")
    total = len(classes)
    return {c: (classes.count(c) / total if total else math.nan) for c in SCENARIOS}
