"""French typography of the report's text: non-breaking spaces where French sets them.

French puts a non-breaking space before ``:``, inside « » and between a number and ``%``, and a
narrow one before ``;``, ``!`` and ``?`` (Imprimerie nationale, *Lexique des règles
typographiques en usage à l'Imprimerie nationale*). The locales and labels write ordinary
spaces, at which a browser may break a line and leave a colon or a percent sign alone at the
start of the next. :func:`french_spacing` sets them in the text between the page's tags, never
in code, scripts, styles or attributes.
"""

from __future__ import annotations

import re

NBSP, NARROW_NBSP = "\u00a0", "\u202f"
_TAG = re.compile(r"(<[^>]*>)")
#: Elements whose text is code, each taken whole (a script's "a < b" is no tag).
_RAW = re.compile(r"(<(pre|code|script|style|textarea)\b.*?</\2\s*>)", re.S | re.I)
_RULES = (
    (re.compile(r" :"), NBSP + ":"),
    (re.compile(r" ([;!?])"), NARROW_NBSP + r"\1"),
    (re.compile(r"« "), "«" + NBSP),
    (re.compile(r" »"), NBSP + "»"),
    (re.compile(r"(?<=\d) %"), NBSP + "%"),
)


def french_spacing(html: str) -> str:
    """``html`` with French non-breaking spaces in its text (see the module's docstring).

    Args:
        html: a whole page.

    Returns:
        The page, its tags, attributes and code untouched.

    """
    pieces = _RAW.split(html)
    out = []
    # split() with two groups: text, raw element, its name, text, ...
    for i in range(0, len(pieces), 3):
        out.append(_spaced(pieces[i]))
        if i + 1 < len(pieces):
            out.append(pieces[i + 1])
    return "".join(out)


def _spaced(html: str) -> str:
    """The text between the tags of ``html`` (no code in it) with French spacing."""
    parts = _TAG.split(html)
    for i in range(0, len(parts), 2):
        if parts[i].strip():
            for pattern, spaced in _RULES:
                parts[i] = pattern.sub(spaced, parts[i])
    return "".join(parts)
