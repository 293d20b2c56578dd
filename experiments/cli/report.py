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

from experiments.cli.options import add_verb
from model.labels import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` sub-command."""
    p = add_verb(sub, "report", __doc__, handle)
    p.add_argument("directory", type=Path, metavar="DIR", help="the batch folder")
    p.add_argument("--lang", choices=LANGS, default="fr",
                   help="language of the report: fr (default) or en")
    p.add_argument("--out", metavar="FILE",
                   help="the HTML file to write (default DIR/report-<lang>.html); an existing "
                        "file is replaced only if it is a servisim report")


def handle(args: argparse.Namespace) -> int:
    """Build the report and print its path."""
    from experiments.report.build import build_report

    path = build_report(args.directory, args.lang, args.out, stream=sys.stderr)
    print(f"servisim report: wrote {path}")
    return 0
