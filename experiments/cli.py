"""The ``servisim`` command line: one sub-command per job.

Each sub-command lives in its own module that exposes ``register(subparsers)``; bad input is
reported as one line naming the field and what is allowed, with exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from experiments import commands
from experiments.errors import UsageError
from model.parameters import ParameterError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="servisim",
        description="Servitization of Hauts-de-France industry, 2020-2040 (agent-based, Mesa).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in commands.MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``servisim`` console script.

    Returns:
        The process exit code (0 success, 2 bad input).

    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ParameterError, UsageError) as err:
        print(f"servisim: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("servisim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
