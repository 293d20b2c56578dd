"""``servisim report``: the workshop report of a batch, one self-contained HTML file.

Write the workshop report of a batch folder (servisim batch ... --out DIR): the share of runs in
each scenario and the parameter regions that lead there, the three micro-scenarios beside the
runs, which parameters matter, the parameter table and the experiment's facts. Figures are
embedded: the file opens without a network. The analysis (servisim analyze) is made first if it
is missing or older than the runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.cli.analyze import BATCH_FOLDER
from experiments.cli.options import add_verb, path_argument, spell
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
    if args.out is None:
        path = report_in_folder(directory, args.lang)
    else:
        path = build_report(directory, args.lang, args.out, stream=sys.stderr)
    print(f"servisim report: wrote {path}")
    return 0


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
