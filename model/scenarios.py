"""Spec section 6: classify a run's 2040 indicators as ``low``, ``trend`` or ``high``.

The bands live in one data file, ``scenario_bands.toml``; each indicator votes for the class
whose band holds its value, and the class with most votes wins. Ties go to the class whose bands
are nearest (sum of distances, each relative to the indicator's band width), then to ``trend``.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCENARIOS: tuple[str, ...] = ("low", "trend", "high")
BANDS_FILE = Path(__file__).with_name("scenario_bands.toml")


@dataclass(frozen=True)
class Band:
    """An interval; ``lo``/``hi`` may be infinite; ``*_open`` makes that end strict."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the band."""
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    def distance(self, x: float) -> float:
        """Distance from ``x`` to the band (0 inside)."""
        return max(self.lo - x, x - self.hi, 0.0)

    def describe(self) -> str:
        """The band as text, e.g. ``< 0.45`` or ``0.50-0.70``."""
        if self.lo == -math.inf:
            return f"{'<' if self.hi_open else '<='} {self.hi:g}"
        if self.hi == math.inf:
            return f"{'>' if self.lo_open else '>='} {self.lo:g}"
        return f"{self.lo:g}-{self.hi:g}"


def _band(spec: dict, where: str) -> Band:
    allowed = {"from", "to", "below", "above"}
    unknown = set(spec) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; allowed {sorted(allowed)}")
    lo, hi, lo_open, hi_open = -math.inf, math.inf, False, False
    if "from" in spec:
        lo = float(spec["from"])
    if "above" in spec:
        lo, lo_open = float(spec["above"]), True
    if "to" in spec:
        hi = float(spec["to"])
    if "below" in spec:
        hi, hi_open = float(spec["below"]), True
    return Band(lo, hi, lo_open, hi_open)


@lru_cache(maxsize=4)
def load_bands(path: Path = BANDS_FILE) -> dict[str, dict[str, Band]]:
    """Read the classification bands: indicator -> class -> band."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    bands: dict[str, dict[str, Band]] = {}
    for indicator, classes in raw.items():
        for name in classes:
            if name not in SCENARIOS:
                raise ValueError(f"{path}: [{indicator}] unknown class {name!r}; "
                                 f"allowed {', '.join(SCENARIOS)}")
        bands[indicator] = {c: _band(s, f"{path}: [{indicator}] {c}") for c, s in classes.items()}
    return bands


def votes(indicators: dict[str, float]) -> dict[str, str | None]:
    """Which class each banded indicator votes for (``None``: in no band)."""
    out: dict[str, str | None] = {}
    for indicator, classes in load_bands().items():
        x = indicators[indicator]
        out[indicator] = next((c for c, b in classes.items() if b.contains(x)), None)
    return out


def classify(indicators: dict[str, float]) -> str:
    """Classify final indicators as ``low``, ``trend`` or ``high``.

    Args:
        indicators: at least every indicator named in the bands file.

    Returns:
        The scenario class.

    """
    cast = votes(indicators)
    count = {c: sum(v == c for v in cast.values()) for c in SCENARIOS}
    best = max(count.values())
    tied = [c for c in SCENARIOS if count[c] == best]
    if len(tied) == 1:
        return tied[0]
    bands = load_bands()

    def remoteness(c: str) -> float:
        total = 0.0
        for indicator, classes in bands.items():
            if c in classes:
                total += classes[c].distance(indicators[indicator])
        return total

    return min(tied, key=lambda c: (remoteness(c), c != "trend"))
