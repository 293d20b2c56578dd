"""The errors users see for bad input: which field or path, what to do; exit code 2.

Every class here is a :class:`UsageError`, so the CLI prints each one the same way (one line,
``servisim: error: <message>``, exit code 2). The subclasses let library callers tell the cases
apart without parsing messages. This module imports nothing (batch workers import it).
"""

from __future__ import annotations


class UsageError(Exception):
    """Bad user input (a command-line option, an experiment file, a results folder).

    The CLI prints ``servisim: error: <message>`` on one line and exits with code 2, before
    anything is run or written.
    """


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
