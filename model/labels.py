"""What the model's names read as, in French or English, and numbers written the local way.

``model/locales/labels.toml`` holds the labels of every parameter of the registry, every
indicator, the scenario classes and the units, in both languages. :class:`Labels` reads them
for one language, and writes values the local way: ``0,45``, ``12 345`` and ``45 %`` in French,
``0.45``, ``12,345`` and ``45%`` in English (a non-breaking space keeps French numbers and units
together). The report builds its sentences on it (``experiments.report.i18n``); the app can
show the same labels without importing the experiments.
"""

from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.errors import ServisimError

LABELS_FILE = Path(__file__).with_name("locales") / "labels.toml"
LANGS = ("fr", "en")
NBSP = "\u00a0"
#: Units whose values read best as percentages (the value is a share: 0.2 -> 20 %).
PERCENT_UNITS = {"share", "share of SMEs", "share of firms", "share of payroll", "per doubling"}
#: Units a value is written without: a count, a utility or a pure number reads as the number
#: alone ("15 count", "0.2 utility" read as nonsense); tables and axes still name the unit.
BARE_UNITS = {"count", "utility", "utility at full share", "utility per relative price", "-"}
#: Indicators that are shares (shown as %), and the one that is a gap of shares (points).
PERCENT_INDICATORS = {"industrial_service_capture", "platform_share", "servitized_share_sme",
                      "servitized_share_large", "digital_adoption_sme", "digital_adoption_large",
                      "service_revenue_share", "cumulative_exits_share", "cluster_adoption_share"}
POINT_INDICATORS = {"two_tier_gap"}


@lru_cache(maxsize=1)
def load_labels() -> dict[str, dict[str, dict[str, str]]]:
    """Every label: ``{"parameter": {name: {"en": ..., "fr": ...}}, "indicator": ..., ...}``."""
    with open(LABELS_FILE, "rb") as fh:
        return tomllib.load(fh)


def reads_as_zero(share: float, digits: int = 0) -> bool:
    """Whether a share that is not zero would print as 0% with ``digits`` decimals.

    Such a share is shown with one significant digit instead (13 runs of 7,141 are not "0%").
    Below a billionth it is a float's rounding error (an interval's bound computed as 1e-18),
    and reads 0.
    """
    return abs(share) >= 1e-9 and round(100 * abs(share), digits) == 0


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`.

    Raises:
        ServisimError: another language.

    """
    if lang not in LANGS:
        raise ServisimError(f"lang: unknown language {lang!r}; allowed {', '.join(LANGS)}")
    return lang


class Labels:
    """Labels and numbers in one language.

    Args:
        lang: ``fr`` or ``en``.

    """

    def __init__(self, lang: str):
        self.lang = check_lang(lang)
        self.labels = load_labels()

    def _word(self, kind: str, name: str) -> str:
        entry = self.labels[kind].get(name)
        return entry[self.lang] if entry else name

    # --- numbers -------------------------------------------------------------------------
    def _local(self, text: str) -> str:
        """Swap English separators for French ones (``12,345.6`` -> ``12 345,6``)."""
        if self.lang != "fr":
            return text
        return text.replace(",", NBSP).replace(".", ",")

    def num(self, value: float, digits: int = 2) -> str:
        """A number with a fixed number of decimals and thousands separators."""
        if value is None or not math.isfinite(value):
            return "—"
        return self._local(f"{value:,.{digits}f}")

    def sig(self, value: float, digits: int = 3) -> str:
        """A number with at most ``digits`` significant digits, never in exponent form."""
        if value is None or not math.isfinite(value):
            return "—"
        if value == 0:
            return "0"
        places = digits - 1 - math.floor(math.log10(abs(value)))
        decimals = max(0, places)
        text = f"{round(value, places):,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return self._local(text)

    def integer(self, value: float) -> str:
        """A whole number with thousands separators (``12 345`` / ``12,345``)."""
        return self._local(f"{round(value):,d}")

    def _percent(self, number: str) -> str:
        return f"{number}{NBSP}%" if self.lang == "fr" else f"{number}%"

    def pct(self, value: float, digits: int = 0) -> str:
        """A share as a percentage (``0.45`` -> ``45 %`` / ``45%``; see :func:`reads_as_zero`)."""
        if value is None or not math.isfinite(value):
            return "—"
        if reads_as_zero(value, digits):
            return self._percent(self.sig(100 * value, 1))
        return self._percent(self.num(100 * value, digits))

    def pct_sig(self, value: float) -> str:
        """A share as a percentage with up to three significant digits."""
        return self._percent(self.sig(100 * value))

    def money(self, value: float, like: float | None = None) -> str:
        """Euros, in millions from a million up (``40 M€`` / ``€40 m``).

        Args:
            value: the amount in euros.
            like: an amount written beside it: when that one is in millions, so is this one
                (``8,58 M€`` beside ``0,775 M€``, not ``775 000 €``), for the eye to compare.

        """
        if max(abs(value), abs(like or 0.0)) >= 1e6:
            amount = self.sig(value / 1e6)
            return f"{amount}{NBSP}M€" if self.lang == "fr" else f"€{amount}{NBSP}m"
        amount = self.integer(value) if value == round(value) else self.sig(value)
        return f"{amount}{NBSP}€" if self.lang == "fr" else f"€{amount}"

    # --- labels ---------------------------------------------------------------------------
    def param_label(self, name: str) -> str:
        """The short label of a parameter (its name when the registry does not know it)."""
        return self._word("parameter", name)

    def _phrase(self, kind: str, name: str) -> str:
        entry = self.labels[kind].get(name)
        if not entry:
            return name
        return entry["fr_phrase"] if self.lang == "fr" else f"the {entry['en']}"

    def param_phrase(self, name: str) -> str:
        """The parameter's label with its article, for sentences."""
        return self._phrase("parameter", name)

    def param_meaning(self, name: str, english: str) -> str:
        """The parameter's meaning: the registry's (English) or its French translation."""
        entry = self.labels["parameter"].get(name)
        if self.lang == "fr" and entry and entry.get("fr_meaning"):
            return entry["fr_meaning"]
        return english

    def param_source(self, name: str) -> str:
        """Where a parameter's value comes from, in this language (``—`` when unknown).

        The registry's ``source`` cites design notes by section; the labels cite the
        publications themselves, or say the value is an assumption.
        """
        entry = self.labels["parameter"].get(name) or {}
        return entry.get(f"source_{self.lang}") or "—"

    def indicator(self, name: str) -> str:
        """The short label of an indicator or outcome (its name when unknown)."""
        return self._word("indicator", name)

    def indicator_phrase(self, name: str) -> str:
        """The indicator's label with its article, for sentences."""
        return self._phrase("indicator", name)

    def unit(self, unit: str | None) -> str:
        """A registry unit in this language (empty when there is none)."""
        return self._word("unit", unit) if unit else ""

    def klass(self, name: str) -> str:
        """The name of a scenario class (``bas``/``low``...)."""
        return self.labels["class"][name][self.lang]

    # --- values with units ----------------------------------------------------------------
    def value(self, value: Any, unit: str | None = None) -> str:
        """A parameter value written for people, with its unit (``20 %``, ``8 M€/an``, ``5 ans``).

        A count or a utility is the number alone; a share of something named is a percentage
        of it (``18 % des nouvelles ventes de services``); a unit counted in things agrees with
        the number (``1 an``, ``1,5 an``, ``5 ans``; ``1 year``, ``1.5 years``).
        """
        if isinstance(value, bool) or unit == "switch":
            return self._word("word", "yes" if value else "no")
        if not isinstance(value, int | float):
            return str(value)
        per_year = self.unit("per_year_suffix")
        if unit in PERCENT_UNITS:
            return self.pct_sig(value)
        if unit == "/yr":
            return f"{self.pct_sig(value)}{per_year}"
        if unit in ("EUR", "EUR/yr"):
            return self.money(value) + (per_year if unit == "EUR/yr" else "")
        if unit == "year":
            return str(int(value))
        if unit == "x":
            return f"×{self.sig(value)}"
        text = self.integer(value) if isinstance(value, int) else self.sig(value)
        entry = (self.labels["unit"].get(unit) or {}) if unit else {}
        if unit in BARE_UNITS or not entry:
            return text
        if f"{self.lang}_of" in entry:  # "share of the gap": 60 % de l'écart
            return f"{self.pct_sig(value)}{NBSP}{entry[f'{self.lang}_of']}"
        if f"{self.lang}_after" in entry:  # "capability (0 to 1)": 0,6 sur 1
            return f"{text}{NBSP}{entry[f'{self.lang}_after']}"
        # French counts one below two (1,5 an), English only one itself (1.5 years)
        one = abs(value) < 2 if self.lang == "fr" else abs(value) == 1
        shown = entry.get(f"{self.lang}_one") if one else None
        return f"{text}{NBSP}{shown or entry[self.lang]}"

    def tick(self, value: float, unit: str | None = None) -> str:
        """A short axis label: shares in %, euros in € or M€, other units left to the title."""
        if unit in PERCENT_UNITS or unit == "/yr" or self._share_of(unit):
            return self.pct_sig(value)
        if unit in ("EUR", "EUR/yr"):
            return self.money(value)
        if unit == "year":
            return str(round(value))
        return self.sig(value)

    def axis_title(self, name: str, unit: str | None = None) -> str:
        """A parameter's label for an axis, with its unit when the ticks do not show it."""
        label = self.param_label(name)
        if unit == "/yr":
            return f"{label} ({self.unit('per_year')})"
        if not unit or unit in PERCENT_UNITS or unit in ("EUR", "switch", "-", "count"):
            return label
        shown = self.unit(unit)
        # a unit with its own brackets, "capability (0 to 1)", is not bracketed again
        return f"{label}, {shown}" if "(" in shown else f"{label} ({shown})"

    def _share_of(self, unit: str | None) -> bool:
        """Whether values of ``unit`` are a share of something the unit names (shown in %)."""
        return bool(unit) and f"{self.lang}_of" in (self.labels["unit"].get(unit) or {})

    def indicator_cut(self, name: str, value: float) -> str:
        """A classification cut point as it is, to three significant digits (``72.5 %``)."""
        if name in PERCENT_INDICATORS:
            return self.pct_sig(value)
        if name in POINT_INDICATORS:
            return f"{self.sig(100 * value)}{NBSP}{self.unit('points')}"
        return self.sig(value)

    def indicator_value(self, name: str, value: float) -> str:
        """An indicator's value: shares in %, the two-tier gap in points, others as numbers."""
        if value is None or not math.isfinite(value):
            return "—"
        if name in PERCENT_INDICATORS:
            return self.pct(value)
        if name in POINT_INDICATORS:
            return f"{self.num(100 * value, 0)}{NBSP}{self.unit('points')}"
        return self.num(value, 2) if abs(value) < 100 else self.integer(value)
