"""``servisim report``: the workshop report of a batch, one self-contained HTML file.

Write the workshop report of a batch folder (servisim batch ... --out DIR): the share of runs in
each scenario and the parameter regions that lead there, the three micro-scenarios beside the
runs, which parameters matter, the parameter table and the experiment's facts. Figures are
embedded: the file opens without a network. The analysis (servisim analyze) is made first if it
is missing or older than the runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from experiments.cli.analyze import BATCH_FOLDER
from experiments.cli.options import (
    add_verb,
    batch_writer,
    path_argument,
    read_while_writing,
    spell,
    still_writing,
)
from experiments.errors import UsageError
from model.errors import ServisimError
from model.labels import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` sub-command."""
    p = add_verb(sub, "report", __doc__, handle)
    p.add_argument("directory", metavar="DIR", help="the batch folder")
    p.add_argument("--lang", choices=LANGS, default="fr",
                   help="language of the report: fr (default) or en")
    p.add_argument("--out", metavar="FILE",
                   help="the HTML file to write (default DIR/report-<lang>.html); an existing "
                        "file is replaced only if it is a servisim report")


def handle(args: argparse.Namespace) -> int:
    """Build the report and print its path."""
    from experiments.report.build import build_report

    directory = path_argument(args.directory, "directory", BATCH_FOLDER)
    writer = batch_writer(directory)  # asked before the runs are read, as they were then
    with read_while_writing(directory, writer, "report"):
        if args.out is None:
            path = report_in_folder(directory, args.lang)
        else:
            path = build_report(directory, args.lang, args.out, stream=sys.stderr)
    print(f"servisim report: wrote {path}")
    runs = _runs_reported(directory)
    if writer is not None and runs is not None and runs[0] < runs[1]:
        print(f"servisim report: the experiment is not finished: the report shows the "
              f"{runs[0]} of {runs[1]} runs stored so far; {still_writing(writer, 'report')}",
              file=sys.stderr)
    return 0


def _runs_reported(directory: Path) -> tuple[int, int] | None:
    """The finished and planned runs of the analysis the report was made from."""
    from experiments.analysis import ANALYSIS

    try:
        runs = json.loads((directory / ANALYSIS / "summary.json").read_text("utf-8"))["runs"]
        return int(runs["finished"]), int(runs["planned"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def report_in_folder(directory: Path, lang: str) -> Path:
    """Write the report at its default place, ``DIR/report-<lang>.html``.

    The user gave no ``--out``: a refusal about the default file says it is ``--out``'s
    default, never an ``--out`` that was not typed (the folder is checked first, by
    ``build_report``).

    Raises:
        UsageError: ``directory`` is not a batch folder or cannot be written in, or the
            default file may not be replaced.

    """
    from experiments.report.build import build_report, default_path

    default = str(default_path(directory, lang))

    def named(name: str, value: str | None) -> str:
        if name in ("out", "out_dir") and value == default:
            return f"{value} (the default of --out)"
        return spell(name, value)

    try:
        return build_report(directory, lang, None, stream=sys.stderr)
    except ServisimError as err:
        text = err.spelled(named)
        if text == err.spelled(spell):
            raise
        raise UsageError(text) from None
