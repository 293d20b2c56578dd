"""The errors of the experiments for bad input: which field or path, what to do; exit code 2.

Every class here is a :class:`UsageError`, itself a :class:`model.errors.ServisimError`, so the
CLI prints each one the same way (one line, ``servisim: error: <message>``, exit code 2). The
subclasses let library callers tell the cases apart without parsing messages. A message names
a keyword argument with :func:`argument`: ``workers=0`` from Python, ``--workers 0`` on the
command line. This module imports nothing else (batch workers import it).
"""

from __future__ import annotations

from typing import Any

from model.errors import ServisimError, argument

__all__ = ["ArgumentError", "DamagedFileError", "DesignTooLargeError", "FolderLockedError",
           "ModelImportError", "OutputPathError", "UsageError", "WriteError", "argument"]


class UsageError(ServisimError):
    """Bad user input (an argument or option, an experiment file, a results folder).

    The CLI prints ``servisim: error: <message>`` on one line and exits with code 2, before
    anything is run or written.
    """


class ArgumentError(UsageError):
    """A keyword argument with a value that is not allowed: ``workers=0: allowed ...``.

    Attributes:
        name: the argument (the CLI shows its option, e.g. ``--workers``).
        value: the value given.
        reason: what is wrong and what is allowed.

    """

    def __init__(self, name: str, value: Any, reason: str):
        super().__init__(f"{argument(name, value)}: {reason}")
        self.name, self.value, self.reason = name, value, reason

    def __reduce__(self) -> tuple:
        return type(self), (self.name, self.value, self.reason)


class OutputPathError(UsageError):
    """An output path that would replace what the user did not ask to replace."""


class WriteError(UsageError):
    """A file could not be written (full disk, read-only folder, no permission)."""


class FolderLockedError(UsageError):
    """Another servisim process is writing to the same folder."""


class DamagedFileError(UsageError):
    """A file of a result folder cannot be read (truncated, overwritten, not what it claims)."""


class DesignTooLargeError(UsageError):
    """An experiment's design has more runs than the limit (``--max-runs``)."""


class ModelImportError(UsageError):
    """A custom model that may not be imported (not the user's own module) or cannot be."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message
