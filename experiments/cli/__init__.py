"""The ``servisim`` command line: one sub-command per job.

Each sub-command lives in its own module that exposes ``register(subparsers)``. This is the one
layer that speaks of ``--flags``: the library raises :class:`model.errors.ServisimError` naming
its keyword arguments, and :func:`main` prints it as one line naming the option
(:func:`experiments.cli.options.spell`) and what is allowed, with exit code 2. Other packages
add sub-commands as plugins: an entry point in the group ``servisim.commands`` naming such a
module (e.g. ``calibrate = "calibration.cmd_calibrate"``), so ``experiments`` imports none of
them.
"""

from __future__ import annotations

import argparse
import errno
import sys

from experiments.cli.mistyped import check_command, refuse_unrecognized
from experiments.cli.options import Terminated, spell
from model.errors import ServisimError

PLUGIN_GROUP = "servisim.commands"
COMMANDS = ("run", "params", "batch", "analyze", "viz", "report", "workshop")


def command_modules() -> list:
    """The sub-command modules of this package, in the order ``servisim --help`` lists them."""
    from importlib import import_module

    return [import_module(f"{__name__}.{name}") for name in COMMANDS]


def plugin_modules() -> list:
    """Sub-command modules declared by installed packages (entry points ``servisim.commands``)."""
    from importlib.metadata import entry_points

    modules = []
    for point in sorted(entry_points(group=PLUGIN_GROUP), key=lambda p: p.name):
        try:
            modules.append(point.load())
        except Exception as err:  # noqa: BLE001 - a broken plugin must not break the CLI
            print(f"servisim: warning: plugin {point.name!r} ({point.value}) not loaded: "
                  f"{type(err).__name__}: {err}", file=sys.stderr)
    return modules


def version() -> str:
    """The installed distribution's version (``0.1.0``), or ``unknown`` when not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("servisim")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    return _parsers()[0]


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser, and each command's parser by the command's name."""
    parser = argparse.ArgumentParser(
        prog="servisim",
        description="Servitization of Hauts-de-France industry, 2020-2040 (agent-based, Mesa).")
    parser.add_argument("--version", action="version", version=f"servisim {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in [*command_modules(), *plugin_modules()]:
        module.register(sub)
    return parser, dict(sub.choices)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``servisim`` console script.

    Returns:
        The process exit code (0 success, 2 bad input).

    """
    parser, commands = _parsers()
    argv = sys.argv[1:] if argv is None else argv
    check_command(parser, list(commands), argv)
    args, extras = parser.parse_known_args(argv)
    if extras:
        refuse_unrecognized(commands[args.command], extras)
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
        return code
    except ServisimError as err:
        print(f"servisim: error: {err.spelled(spell)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # an OSError: caught before the clause below
        # `servisim params | head`: the reader has gone; say nothing more. Point stdout at
        # devnull so that Python's flush at exit does not raise a second time.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        # a write the commands did not expect to fail: still one line, naming the file
        if err.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                             errno.EPERM, errno.EFBIG):
            raise
        remedy = ("free some space or choose another folder with --out"
                  if err.errno in (errno.ENOSPC, errno.EDQUOT) else
                  "raise the file size limit (`ulimit -f`) or write to another disk"
                  if err.errno == errno.EFBIG else
                  "you may not write there: choose another folder with --out")
        print(f"servisim: error: cannot write {err.filename or 'a file'}: {err.strerror}; "
              f"{remedy}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as err:
        print("servisim: interrupted", file=sys.stderr)
        return 143 if isinstance(err, Terminated) else 130  # as the shell reports them

