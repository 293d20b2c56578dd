"""An experiment's description, in one language or in each of the report's languages.

``description`` in ``[experiment]`` is either a string, read as English (the language of the
experiment files' keys), or a table of languages, so that each report shows its own::

    [experiment.description]
    en = "Policies x futures, scale 0.1."
    fr = "Politiques x futurs, échelle 0,1."

The description is free text: it is not part of the experiment's identity (its fingerprint).
"""

from __future__ import annotations

from typing import Any

from experiments.spec.tomlfile import Where, toml_value
from model.labels import LANGS

#: The language of a description given as a plain string.
DEFAULT_LANG = "en"


def read_description(exp: dict[str, Any], where: Where) -> dict[str, str]:
    """The description of ``[experiment]`` as ``{lang: text}`` (empty when there is none).

    Raises:
        UsageError: neither a string nor a table of strings keyed by ``fr``/``en``.

    """
    value = exp.get("description", "")
    if isinstance(value, str):
        return {DEFAULT_LANG: value} if value.strip() else {}
    allowed = ", ".join(LANGS)
    if not isinstance(value, dict) or not value:
        raise where.fail("experiment", "description", f"{toml_value(value)} has the wrong "
                         f"type; expected a string or a table of languages ({allowed}) and "
                         "their text")
    for lang, text in value.items():
        if lang not in LANGS:
            raise where.fail("experiment", "description", f"unknown language {lang!r}; "
                             f"allowed {allowed}")
        if not isinstance(text, str):
            raise where.fail("experiment", "description", f"{lang} = {toml_value(text)} has "
                             "the wrong type; expected a string")
    return {lang: value[lang] for lang in LANGS if lang in value and value[lang].strip()}


def description_in(value: Any, lang: str) -> tuple[str, str]:
    """The description to show in ``lang``, and the language it is written in.

    Args:
        value: the stored description: ``{lang: text}``, or a plain string (older batches;
            English).
        lang: the report's language.

    Returns:
        ``(text, its language)``: the text in ``lang`` when there is one, else the other
        language's; ``("", lang)`` when there is no description.

    """
    if isinstance(value, str):
        value = {DEFAULT_LANG: value} if value.strip() else {}
    texts = {k: v for k, v in (value or {}).items() if isinstance(v, str) and v.strip()}
    if lang in texts:
        return texts[lang], lang
    for other in (*LANGS, *texts):
        if other in texts:
            return texts[other], other
    return "", lang
