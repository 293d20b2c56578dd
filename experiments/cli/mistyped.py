"""Mistyped commands and options: argparse's refusal, with the name the user likely meant.

argparse (Python 3.12) reports an unknown option of ``servisim run`` under the top-level usage,
``usage: servisim [-h] [--version] COMMAND ...``, which shows none of ``run``'s options, and
suggests no close name; an unknown command lists the commands without the likely one.
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Iterable, Sequence


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """``" (did you mean --seed?)"`` when a name is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, list(names), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def check_command(parser: argparse.ArgumentParser, commands: Sequence[str],
                  argv: Sequence[str]) -> None:
    """Refuse an unknown command, naming the close one and every one allowed.

    The top-level options (``-h``, ``--version``) take no value, so the command is the first
    argument that is not an option.

    Args:
        parser: the top-level parser, whose ``error`` prints its usage and exits with 2.
        commands: the commands registered.
        argv: the arguments, without the program's name.

    """
    command = next((word for word in argv if not word.startswith("-")), None)
    if command is None or command in commands or any(w in ("-h", "--help", "--version")
                                                     for w in argv[:argv.index(command)]):
        return
    parser.error(f"unknown command {command!r}{did_you_mean(command, commands)}; allowed "
                 f"{', '.join(commands)}")


def refuse_unrecognized(command_parser: argparse.ArgumentParser, extras: Sequence[str]) -> None:
    """Refuse arguments the command does not take, under the command's own usage.

    Args:
        command_parser: the command's parser (its ``error`` prints its usage, exits with 2).
        extras: the arguments no option or positional took.

    """
    options = dict.fromkeys(re.findall(r"--[\w-]+", command_parser.format_help()))
    hints = "".join(did_you_mean(word.split("=")[0], options)
                    for word in extras if word.startswith("--"))
    command_parser.error(f"unrecognized arguments: {' '.join(extras)}{hints}")
