"""Command-line options shared by the sub-commands, and how a library argument reads as one."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from experiments.errors import UsageError, argument
from experiments.runs.engines import ENGINES

#: Library arguments whose option is not ``--`` + the name with dashes.
FLAGS = {"out_dir": "--out", "assignments": "--set", "config": "--config"}
#: Library arguments given as positional arguments: named by their metavar when the message
#: names the argument alone, else by the value the user typed (``results/quick``, not
#: ``DIR results/quick``: the command line has no ``DIR`` to type).
POSITIONALS = {"directory": "DIR", "experiment_path": "EXPERIMENT.toml"}
ENGINE_HELP = {"local": "process pool on this machine (default)",
               "dask": "a Dask cluster (--scheduler) or a LocalCluster",
               "sequential": "this process"}


def add_verb(sub: argparse._SubParsersAction, name: str, doc: str,
             handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    """Add a sub-command described by its module's docstring.

    The docstring's first line reads ``servisim NAME: what it does``, its one-line help; the
    paragraphs after it are the description that ``servisim NAME --help`` shows.
    """
    first, _, rest = doc.strip().partition("\n\n")
    summary = first.split(": ", 1)[-1].rstrip(".")
    parser = sub.add_parser(name, help=summary, description=" ".join(rest.split()) or None)
    parser.set_defaults(handler=handler)
    return parser


def whole_number(text: str) -> int:
    """Read an option's whole number (``--workers``, ``--seed``), saying what is allowed.

    argparse's own ``type=int`` answers ``invalid int value: '1.5'``, which names no rule.

    Raises:
        argparse.ArgumentTypeError: the text is not a whole number.

    """
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; allowed digits "
                                         "only, e.g. 4 (no decimal point or exponent)") from None


def number(text: str) -> float:
    """Read an option's number (``--run-timeout``, ``--scale``), saying what is allowed.

    Raises:
        argparse.ArgumentTypeError: the text is not a number.

    """
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; allowed a number such "
                                         "as 0.25 or 600") from None


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine``, ``--scheduler`` and ``--workers`` to a sub-command's parser.

    Every verb that runs batches offers the same engines, so a command line moves from one
    verb to another unchanged.
    """
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help="; ".join(f"{e}: {ENGINE_HELP[e]}" for e in ENGINES))
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies dask)")
    parser.add_argument("--workers", type=whole_number, metavar="N",
                        help="worker processes on this machine (default: the cores available)")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--run-timeout`` and ``--max-runs`` to a sub-command that runs a batch."""
    parser.add_argument("--run-timeout", type=number, metavar="SECONDS",
                        help="stop a run after this long and store it as failed (default: "
                             "the experiment's run_timeout, else 600)")
    parser.add_argument("--max-runs", type=whole_number, metavar="N",
                        help="refuse designs with more runs than this (default 1,000,000, "
                             "about 1 GiB of plan)")


def add_progress_option(parser: argparse.ArgumentParser, default: str = "auto",
                        what: str = "the runs") -> None:
    """Add ``--progress`` (bar on a terminal, lines in a log, none in CI)."""
    from experiments.runs.progress import MODES

    parser.add_argument("--progress", choices=MODES, default=default,
                        help=f"how to show the progress of {what}: auto (a bar on a terminal, "
                             "one line per chunk in a log, nothing in CI), bar, lines or none "
                             f"(default {default})")


def chosen_engine(args: argparse.Namespace) -> str:
    """Return the engine the options ask for: ``--engine``, else dask with ``--scheduler``."""
    return args.engine or ("dask" if args.scheduler else "local")


def spell(name: str, value: str | None) -> str:
    """How the command line names a library argument: ``--workers 0``, ``--out``, ``results/q``.

    Args:
        name: the keyword argument (``workers``, ``out_dir``, ``run_timeout``, ``directory``).
        value: the value given, as text, or ``None`` when the message names the option alone.

    Returns:
        An option with its value, or a positional argument's value alone (its metavar,
        ``DIR``, when no value is given).

    """
    if name in POSITIONALS:
        return POSITIONALS[name] if value is None else value
    flag = FLAGS.get(name, "--" + name.replace("_", "-"))
    return flag if value is None else f"{flag} {value}"


def path_argument(text: str, name: str, needed: str) -> Path:
    """Turn a path argument (``DIR``, ``EXPERIMENT.toml``, ``--config``) into a path.

    ``Path("")`` is ``.``: an empty argument (an unset shell variable) would silently mean
    the working folder.

    Args:
        text: the argument as typed.
        name: the library argument it fills (``directory``, ``experiment_path``, ``config``).
        needed: what to give instead, e.g. ``the folder of a batch, e.g. results/quick``.

    Raises:
        UsageError: an empty or blank argument.

    """
    if not text.strip():
        raise UsageError(f"{argument(name)} is empty; give {needed}")
    return Path(text)


def batch_writer(directory: Path) -> str | None:
    """Who is still writing runs into a batch folder, as its lock records it, or ``None``.

    Asked before the runs are read: an analysis or a report of a batch that is still running
    shows the runs stored so far, and must say that a batch is adding more, not only that the
    experiment is not finished (which, alone, reads as a batch that was stopped).
    """
    from experiments.files import FolderLock

    return FolderLock(directory).holder()


def still_writing(who: str, verb: str) -> str:
    """What to tell the user of a batch still writing to the folder ``verb`` read.

    Args:
        who: the lock's holder (:func:`batch_writer`).
        verb: the sub-command to run again (``analyze``, ``report``).

    """
    # A batch suspended with Ctrl-Z keeps its lock: it is "still writing" until resumed.
    return (f"a servisim batch is still writing to this folder ({who}): wait for it to "
            "finish, or resume it if it was stopped (`fg` in its shell, or `kill -CONT` its "
            f"pid), then run servisim {verb} again")


@contextlib.contextmanager
def read_while_writing(directory: Path, who: str | None, verb: str) -> Iterator[None]:
    """Say that a batch is still writing when ``verb`` finds no finished run to read.

    The folder alone advises running the batch to finish it, which a held lock would refuse.

    Args:
        directory: the batch folder read.
        who: the lock's holder when the command started (:func:`batch_writer`), or ``None``.
        verb: the sub-command (``analyze``, ``report``).

    Raises:
        UsageError: no run is stored yet while a batch holds the folder; any other refusal
            as it was.

    """
    try:
        yield
    except UsageError:
        from experiments.store import Store

        if who is None or Store(directory).parts():
            raise
        raise UsageError(f"{directory}: no run has finished yet; "
                         f"{still_writing(who, verb)}") from None


def run_batch_with(args: argparse.Namespace, experiment: Any, out: Any, verb: str) -> Any:
    """Run a batch with the engine, run and progress options of ``args``.

    On Ctrl-C, say that the finished runs are kept and how to resume, then stop.
    """
    from experiments.runs.batch import run_batch

    with resumable(verb, f"finished runs are saved in {out}"):
        return run_batch(experiment, out, engine=chosen_engine(args), scheduler=args.scheduler,
                         workers=args.workers, progress=args.progress,
                         run_timeout=args.run_timeout, max_runs=args.max_runs)


@contextlib.contextmanager
def resumable(verb: str, kept: str) -> Iterator[None]:
    """Stop a resumable command on Ctrl-C or ``kill`` with a hint on how to go on.

    Args:
        verb: the sub-command (``batch``, ``workshop``, ``calibrate``).
        kept: what is kept and where, e.g. ``finished runs are saved in results/quick``.

    """
    # `kill` (SIGTERM) stops a batch as Ctrl-C does: the same message, the lock released.
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    except KeyboardInterrupt:
        print(f"servisim {verb}: stopped; {kept}. Run the same command again to resume.",
              file=sys.stderr)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


class Terminated(KeyboardInterrupt):
    """A batch stopped by SIGTERM (``kill``), handled as Ctrl-C; the exit code is 143."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated
