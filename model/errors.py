"""The one base class of servisim's errors for bad input, and how a message names an argument.

Every error that says what the user gave wrong (a parameter, an option, an experiment file, a
result folder) is a :class:`ServisimError`: the command line catches this one class, prints
its message on one line and exits with code 2. Library functions name the keyword argument at
fault with :func:`argument`; the message reads ``workers=0: ...`` from Python, and the command
line spells the same argument as its option, ``--workers 0: ...`` (:meth:`ServisimError.spelled`).

This module imports nothing: the model, the experiments and the batch workers all import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_NO_VALUE = object()
_MARK = re.compile("\x1f([^\x1e\x1f]*)\x1e([^\x1e\x1f]*)\x1e([^\x1e\x1f]*)\x1f")

#: How an argument is spelled: ``(name, value as text or None) -> text``.
Spelling = Callable[[str, str | None], str]


def argument(name: str, value: Any = _NO_VALUE) -> str:
    """Name a keyword argument (and the value it was given) inside an error message.

    Args:
        name: the keyword argument, e.g. ``workers``.
        value: the value given; left out, the message names the argument alone.

    Returns:
        A placeholder that :meth:`ServisimError.spelled` turns into ``workers=0`` (Python) or
        ``--workers 0`` (the command line).

    """
    if value is _NO_VALUE:
        return f"\x1f{name}\x1e\x1e\x1f"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    python = repr(text) if isinstance(value, str) or hasattr(value, "__fspath__") else text
    return f"\x1f{name}\x1e{text}\x1e{python}\x1f"


def python_spelling(name: str, value: str | None) -> str:
    """``name=value`` (or ``name`` alone), as a Python caller wrote it."""
    return name if value is None else f"{name}={value}"


class ServisimError(Exception):
    """Bad input: the message names the field at fault and what is allowed.

    The command line prints it as ``servisim: error: <message>`` and exits with code 2, before
    anything is run or written.
    """

    def spelled(self, spelling: Spelling) -> str:
        """The message with every argument spelled by ``spelling`` (e.g. as its option)."""
        text = super().__str__()
        return _MARK.sub(lambda m: spelling(m[1], m[2] if m[3] else None), text)

    def __str__(self) -> str:
        return _MARK.sub(lambda m: python_spelling(m[1], m[3] or None), super().__str__())


class SettlementError(ServisimError, ValueError):
    """Parameters, each within its bounds, with which a run's starting state cannot be set.

    E.g. no 2020 service market meets ``service_capture_2020`` (``model.market_2020``): the
    parameters together are bad input, though none is out of its bounds.

    Attributes:
        target: the parameter whose value could not be met.
        parameters: the other parameters that decide whether it can be.

    """

    def __init__(self, target: str, parameters: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.target, self.parameters = target, parameters

    def __reduce__(self) -> tuple:
        # Raised in a batch worker: it travels to the parent process as its three arguments.
        return type(self), (self.target, self.parameters, *self.args)
