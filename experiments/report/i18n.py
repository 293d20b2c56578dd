"""The report's sentences in French or English, on top of the figures' words and the labels.

Every heading and sentence of the report lives in ``experiments/report/locales/{fr,en}.toml``
(the same keys in both files); the figures' words in ``experiments/figures/locales``; the
labels of parameters, indicators, classes and units in ``model/locales/labels.toml``. A missing
key raises ``KeyError``: a report never shows a key name or a placeholder instead of text.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from experiments.figures.text import LOCALES as FIGURE_LOCALES
from experiments.figures.text import FigureText, read_locale
from model.labels import LANGS, NBSP

LOCALES = Path(__file__).with_name("locales")

__all__ = ["LANGS", "LOCALES", "Translator", "load_locale"]


def load_locale(lang: str) -> dict[str, str]:
    """The report's own sentences in one language, as ``dotted.key -> text``."""
    return read_locale(LOCALES, lang)


class Translator(FigureText):
    """The report's text, the figures' words, labels and numbers in one language.

    Args:
        lang: ``fr`` or ``en``.

    """

    folders = (FIGURE_LOCALES, LOCALES)

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
