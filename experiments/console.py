"""The ``servisim`` console script: the command line, with Ctrl-C quiet even while it loads.

``experiments.cli`` imports numpy, pandas and the model, about a second: a Ctrl-C then ended in
a ``KeyboardInterrupt`` traceback. This module imports nothing heavy itself.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Run the command line; a Ctrl-C while it loads ends as one after it has (exit 130).

    Returns:
        The exit code.

    """
    try:
        from experiments.cli import main as command_line
    except KeyboardInterrupt:
        print("servisim: interrupted", file=sys.stderr)
        return 130
    return command_line()
