"""The words of the figures, in French or English, on top of the model's labels and numbers.

``experiments/figures/locales/{fr,en}.toml`` hold the figures' own words (legends, axis titles,
captions), the same keys in both files; :class:`model.labels.Labels` gives the labels of
parameters, indicators, classes and units and writes the numbers. A missing key raises
``KeyError``: a figure never shows a key name instead of text.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.labels import Labels, check_lang

LOCALES = Path(__file__).with_name("locales")


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A nested TOML table as ``dotted.key -> text``."""
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=8)
def read_locale(folder: Path, lang: str) -> dict[str, str]:
    """The texts of one language in a locales folder, as ``dotted.key -> text``."""
    with open(folder / f"{check_lang(lang)}.toml", "rb") as fh:
        return flatten(tomllib.load(fh))


class FigureText(Labels):
    """The figures' words and the model's labels in one language.

    Args:
        lang: ``fr`` or ``en``.

    """

    folders: tuple[Path, ...] = (LOCALES,)

    def __init__(self, lang: str):
        super().__init__(lang)
        self.text: dict[str, str] = {}
        for folder in self.folders:
            self.text.update(read_locale(folder, lang))

    def __call__(self, key: str, **values: Any) -> str:
        """Return the text of ``key`` with ``{name}`` fields filled from ``values``.

        Raises:
            KeyError: the key is missing from the locale.

        """
        return self.text[key].format(**values) if values else self.text[key]
