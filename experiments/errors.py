"""The error users see for bad input: which field, what is allowed; exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad user input (a command-line option, an experiment file, a results folder).

    The CLI prints ``servisim: error: <message>`` on one line and exits with code 2, before
    anything is run or written.
    """
