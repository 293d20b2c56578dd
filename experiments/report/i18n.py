"""French and English text of the workshop report, and numbers written the local way.

Every label, heading and sentence lives in ``experiments/locales/{fr,en}.toml`` (the same keys
in both files); the labels of the registry's parameters and of the model's indicators, and the
French meanings of the parameters, live in ``experiments/locales/registry.toml``. A missing key
raises ``KeyError``: a report never shows a key name or a placeholder instead of text.

Numbers follow the language: ``0,45``, ``12 345`` and ``45 %`` in French, ``0.45``, ``12,345``
and ``45%`` in English (a non-breaking space keeps French numbers and units together).
"""

from __future__ import annotations

import math
import tomllib
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).with_name("locales")
LABELS = Path(__file__).resolve().parents[2] / "model" / "locales" / "labels.toml"
LANGS = ("fr", "en")
NBSP = "\u00a0"
#: Units whose values read best as percentages (the value is a share: 0.2 -> 20 %).
PERCENT_UNITS = {"share", "share of SMEs", "share of firms", "share of payroll", "per doubling"}
#: Indicators that are shares (shown as %), and the one that is a gap of shares (points).
PERCENT_INDICATORS = {"industrial_service_capture", "platform_share", "servitized_share_sme",
                      "servitized_share_large", "digital_adoption_sme", "digital_adoption_large",
                      "service_revenue_share", "cumulative_exits_share", "cluster_adoption_share"}
POINT_INDICATORS = {"two_tier_gap"}


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=4)
def load_locale(lang: str) -> dict[str, str]:
    """Return the report's text in one language as ``dotted.key -> text``.

    Raises:
        ValueError: an unknown language.

    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed {', '.join(LANGS)}")
    with open(LOCALES / f"{lang}.toml", "rb") as fh:
        return _flatten(tomllib.load(fh))


@lru_cache(maxsize=1)
def load_registry_labels() -> dict[str, dict[str, dict[str, str]]]:
    """Return ``{"parameter": {name: {...}}, "indicator": {name: {...}}}`` from registry.toml."""
    with open(LABELS, "rb") as fh:
        return tomllib.load(fh)


class Translator:
    """Text and number formatting for one language.

    Args:
        lang: ``fr`` or ``en``.

    """

    def __init__(self, lang: str):
        self.lang = lang
        self.text = load_locale(lang)
        self.labels = load_registry_labels()

    def __call__(self, key: str, **values: Any) -> str:
        """Return the text of ``key`` with ``{name}`` fields filled from ``values``.

        Raises:
            KeyError: the key is missing from the locale.

        """
        return self.text[key].format(**values) if values else self.text[key]

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

    def pct(self, value: float, digits: int = 0) -> str:
        """A share as a percentage (``0.45`` -> ``45 %`` / ``45%``)."""
        if value is None or not math.isfinite(value):
            return "—"
        number = self.num(100 * value, digits)
        return f"{number}{NBSP}%" if self.lang == "fr" else f"{number}%"

    def pct_sig(self, value: float) -> str:
        """A share as a percentage with up to three significant digits."""
        number = self.sig(100 * value)
        return f"{number}{NBSP}%" if self.lang == "fr" else f"{number}%"

    def money(self, value: float) -> str:
        """Euros, in millions from a million up (``40 M€`` / ``€40 m``)."""
        if abs(value) >= 1e6:
            amount = self.sig(value / 1e6)
            return f"{amount}{NBSP}M€" if self.lang == "fr" else f"€{amount}{NBSP}m"
        amount = self.integer(value) if value == round(value) else self.sig(value)
        return f"{amount}{NBSP}€" if self.lang == "fr" else f"€{amount}"

    def date(self, iso: str | None) -> str:
        """An ISO timestamp as ``28/11/2026 23:04 UTC`` (fr) or ``2026-11-28 23:04 UTC`` (en)."""
        if not iso:
            return "—"
        try:
            when = datetime.fromisoformat(iso)
        except ValueError:
            return iso
        zone = " UTC" if when.utcoffset() is not None and not when.utcoffset() else ""
        pattern = "%d/%m/%Y %H:%M" if self.lang == "fr" else "%Y-%m-%d %H:%M"
        return when.strftime(pattern) + zone

    def duration(self, seconds: float) -> str:
        """A duration in words: ``45 s``, ``12 min``, ``2 h 05``."""
        if seconds < 90:
            return f"{self.sig(seconds, 2)}{NBSP}s"
        if seconds < 5400:
            return f"{round(seconds / 60)}{NBSP}min"
        hours, minutes = divmod(round(seconds / 60), 60)
        return f"{hours}{NBSP}h{NBSP}{minutes:02d}"

    def join(self, items: list[str]) -> str:
        """``a, b and c`` / ``a, b et c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])}{self('word.and')}{items[-1]}"

    # --- registry labels ------------------------------------------------------------------
    def param_label(self, name: str) -> str:
        """The short label of a parameter (its name when the registry does not know it)."""
        entry = self.labels["parameter"].get(name)
        return entry[self.lang] if entry else name

    def param_phrase(self, name: str) -> str:
        """The parameter's label with its article, for sentences."""
        entry = self.labels["parameter"].get(name)
        if not entry:
            return name
        return entry["fr_phrase"] if self.lang == "fr" else f"the {entry['en']}"

    def param_meaning(self, name: str, english: str) -> str:
        """The parameter's meaning: the registry's (English) or its French translation."""
        entry = self.labels["parameter"].get(name)
        if self.lang == "fr" and entry and entry.get("fr_meaning"):
            return entry["fr_meaning"]
        return english

    def indicator(self, name: str) -> str:
        """The short label of an indicator or outcome (its name when unknown)."""
        entry = self.labels["indicator"].get(name)
        return entry[self.lang] if entry else name

    def indicator_phrase(self, name: str) -> str:
        """The indicator's label with its article, for sentences."""
        entry = self.labels["indicator"].get(name)
        if not entry:
            return name
        return entry["fr_phrase"] if self.lang == "fr" else f"the {entry['en']}"

    def unit(self, unit: str | None) -> str:
        """A registry unit in this language (empty when there is none)."""
        if not unit:
            return ""
        return self.text.get(f"unit.{unit}", unit)

    def klass(self, name: str) -> str:
        """The name of a scenario class (``bas``/``low``...)."""
        return self(f"class.{name}")

    # --- values with units ----------------------------------------------------------------
    def value(self, value: Any, unit: str | None = None) -> str:
        """A parameter value written for people, with its unit (``20 %``, ``8 M€/an``)."""
        if isinstance(value, bool) or unit == "switch":
            return self("word.yes") if value else self("word.no")
        if not isinstance(value, int | float):
            return str(value)
        if unit in PERCENT_UNITS:
            return self.pct_sig(value)
        if unit == "/yr":
            return f"{self.pct_sig(value)}{self('unit.per_year_suffix')}"
        if unit == "EUR":
            return self.money(value)
        if unit == "EUR/yr":
            return f"{self.money(value)}{self('unit.per_year_suffix')}"
        if unit == "year":
            return str(int(value))
        if unit == "x":
            return f"×{self.sig(value)}"
        text = self.integer(value) if isinstance(value, int) else self.sig(value)
        shown = self.unit(unit)
        return f"{text}{NBSP}{shown}" if shown and shown != "—" else text

    def tick(self, value: float, unit: str | None = None) -> str:
        """A short axis label: shares in %, euros in € or M€, other units left to the title."""
        if unit in PERCENT_UNITS or unit == "/yr":
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
            return f"{label} ({self('unit.per_year')})"
        if not unit or unit in PERCENT_UNITS or unit in ("EUR", "switch", "-"):
            return label
        return f"{label} ({self.unit(unit)})"

    def indicator_value(self, name: str, value: float) -> str:
        """An indicator's value: shares in %, the two-tier gap in points, others as numbers."""
        if value is None or not math.isfinite(value):
            return "—"
        if name in PERCENT_INDICATORS:
            return self.pct(value)
        if name in POINT_INDICATORS:
            return f"{self.num(100 * value, 0)}{NBSP}{self('unit.points')}"
        return self.num(value, 2) if abs(value) < 100 else self.integer(value)
