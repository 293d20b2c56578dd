"""Input files in TOML: read and parse them, and name the line of a table or key in messages.

Shared by the experiment files (:mod:`experiments.spec.experiment`) and the calibration files
(:mod:`calibration.config`): both report every problem as one
:class:`~experiments.errors.UsageError` naming the file, the line and the key.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from experiments.errors import UsageError


class Where:
    """Turns (table, key) into ``file: line N, key 'k' in [table]`` for messages.

    Attributes:
        file: the file's name as given.
        lines: (table, key) -> line number; a table's own header under key ``""``.

    """

    def __init__(self, path: Path, text: str):
        self.file = str(path)
        self.lines = key_lines(text)

    def __call__(self, table: str, key: str | None = None) -> str:
        """Return ``file: line N, key 'k' in [table]`` (or ``..., table [t]`` without a key)."""
        line = self.lines.get((table, key or ""))
        where = f"{self.file}: line {line}" if line else self.file
        if key is None:
            return f"{where}, table [{table}]"
        return f"{where}, key '{key}' in [{table}]"

    def fail(self, table: str, key: str | None, message: str) -> UsageError:
        """Return the error for ``message`` about ``key`` in ``[table]`` (or the table itself)."""
        return UsageError(f"{self(table, key)}: {message}")

    def check_tables(self, data: dict[str, Any], tables: Sequence[str]) -> None:
        """Refuse a top-level name that is not one of ``tables``, or one of them not a table.

        Args:
            data: the parsed file.
            tables: the tables the file may hold, in the order the message lists them.

        Raises:
            UsageError: an unknown table or key; or ``[[name]]`` (an array of tables) or
                ``name = value`` where ``[name]`` is expected: said as such, not as unknown.

        """
        for name, value in data.items():
            line = self.lines.get((name, "")) or self.lines.get(("", name))
            at = f"{self.file}: line {line}" if line else self.file
            if name not in tables:
                where = self(name) if (name, "") in self.lines else f"{at}, key '{name}'"
                raise UsageError(f"{where}: unknown table or key '{name}'; allowed tables "
                                 + ", ".join(f"[{t}]" for t in tables))
            if isinstance(value, dict):
                continue
            if (name, "") in self.lines:  # [[name]]: headers of an array of tables
                what = f"[[{name}]] makes an array of tables"
            else:
                what = f"{name} = {toml_value(value)} is {_kind(value)}, not a table"
            raise UsageError(f"{at}: {what}; expected one table: [{name}] on a line of its "
                             "own, its keys on the lines below")


#: A ``[table]`` or ``[[array]]`` header (group 1: ``[`` for an array; group 2: the name).
_HEADER = re.compile(r"^\s*\[(\[?)\s*([\w.-]+)\s*\]")
#: A ``key =`` line (groups 1-3: the key, quoted or bare; group 4: what follows ``=``).
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([\w-]+))\s*=(.*)""")


def key_lines(text: str) -> dict[tuple[str, str], int]:
    """Line numbers of ``[table]`` headers and ``key =`` lines (simple TOML, as we write it)."""
    found: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = header.group(2)
            found.setdefault((table, ""), number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault((table, next(g for g in key.groups()[:3] if g)), number)
    return found


def read_toml(path: Path, what: str) -> tuple[bytes, dict, Where]:
    """Read and parse a TOML file.

    Args:
        path: the file.
        what: what the file is, for the message when it cannot be read
            (e.g. ``"experiment file"``).

    Returns:
        The file's bytes, its parsed tables and the :class:`Where` for its messages.

    Raises:
        UsageError: the file cannot be read, or is not valid TOML.

    """
    try:
        source = path.read_bytes()
    except OSError as err:
        raise UsageError(f"{path}: cannot read the {what} ({err.strerror})") from None
    text = source.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        twice = given_twice(text, str(err)) if str(err).startswith(_TWICE) else None
        if twice:  # tomllib names no key ("Cannot overwrite a value (at line 5, column 10)")
            raise UsageError(f"{path}: {twice}") from None
        raise UsageError(f"{path}: TOML syntax error: {err}") from None
    return source, data, Where(path, text)


#: How tomllib begins its messages for a key or table given twice.
_TWICE = ("Cannot overwrite a value", "Cannot declare")


def given_twice(text: str, error: str = "") -> str | None:
    """Where a TOML text gives a key or declares a table a second time, read from its lines.

    Args:
        text: the file's text (simple TOML, as experiment and calibration files are).
        error: tomllib's message, whose ``(at line N, ...)`` is read when the lines show no
            plain repetition (e.g. a dotted key ``a.b`` over a value ``a``).

    Returns:
        ``line N, key 'k' in [t]: is given twice (first on line M); ...``, or ``None`` when
        the line is not known.

    """
    keys: dict[tuple[str, str], int] = {}
    tables: dict[str, int] = {}
    arrays: dict[str, int] = {}
    table, open_string = "", None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string:  # inside a multi-line string: its lines are text, not keys
            open_string = None if line.count(open_string) % 2 else open_string
            continue
        header = _HEADER.match(line)
        if header:
            array, table = header.groups()
            if array:  # [[t]]: each element of an array of tables has keys of its own
                keys = {k: n for k, n in keys.items() if k[0] != table}
                arrays.setdefault(table, number)
                continue
            if table in tables:
                return (f"line {number}, table [{table}]: is declared twice (first on line "
                        f"{tables[table]}); put all its keys under one [{table}]")
            if first := keys.get(("", table)) or arrays.get(table):
                return (f"line {number}, table [{table}]: '{table}' is already given on line "
                        f"{first}; a name is given once, as a key or as a table")
            tables[table] = number
            continue
        key = _KEY.match(line)
        if not key:
            continue
        name = next(g for g in key.groups()[:3] if g)
        if (table, name) in keys:
            where = f"key '{name}'" + (f" in [{table}]" if table else "")
            return (f"line {number}, {where}: is given twice (first on line "
                    f"{keys[table, name]}); give each key once")
        keys[table, name] = number
        open_string = next((q for q in ('"""', "'''") if key.group(4).count(q) % 2), None)
    return _reported(text, error)


def _reported(text: str, error: str) -> str | None:
    """The key on the line tomllib names (``at line N``; at the end of the document, the last)."""
    lines = text.splitlines()
    at = re.search(r"\(at line (\d+)", error)
    written = [n for n, line in enumerate(lines, 1)
               if line.strip() and not line.lstrip().startswith("#")]
    number = int(at.group(1)) if at else (written[-1] if written else 0)
    if not 0 < number <= len(lines):
        return None
    line = lines[number - 1].strip()
    header = _HEADER.match(line)
    if header:
        return (f"line {number}, table [{header.group(2)}]: gives again a name given before; "
                "give each key and table once")
    return (f"line {number}, key '{line.partition('=')[0].strip()}': gives again a value given "
            "before; give each key once")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a date or time"


def toml_value(value: Any) -> str:
    """A value as a TOML file spells it, for messages: ``true``, ``[0.1, 0.3]``, ``{a = 1}``.

    The user wrote TOML; Python's ``True``, ``{'a': 1}`` or ``None`` would be words of another
    language. Text keeps the single quotes of a TOML literal string (``'yes'``) when it can.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'" if "'" not in value and value.isprintable() else json.dumps(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(str(k))} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    if hasattr(value, "isoformat"):  # TOML dates and times
        return value.isoformat()
    return str(value)  # None, from a Python caller: no TOML spelling exists


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def field_reason(err: Exception) -> str:
    """A registry error's message without its ``field: `` prefix (the message names the key)."""
    text = str(err)
    name = getattr(err, "field", None)
    return text[len(name) + 2:] if name and text.startswith(f"{name}: ") else text


def close_names(name: str, names: Iterable[str]) -> str:
    """``did you mean ...? allowed: ...`` for an unknown parameter name."""
    import difflib

    close = difflib.get_close_matches(name, list(names), n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    return f"{hint}allowed: any name listed by `servisim params`"
