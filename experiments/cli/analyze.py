"""``servisim analyze``: sensitivity indices and scenario discovery of a batch folder.

Analyse the finished runs of a batch (servisim batch ... --out DIR): Sobol, Morris or PAWN
indices with confidence intervals, convergence, scenario shares, PRIM boxes and a decision tree;
tables, sentences and figures are written to DIR/analysis/.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from experiments.cli.options import (
    add_verb,
    batch_writer,
    path_argument,
    read_while_writing,
    still_writing,
)

if TYPE_CHECKING:
    import pandas as pd

#: What ``DIR`` must be, for the message when it is empty.
BATCH_FOLDER = "the folder of a batch, e.g. results/quick"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` sub-command."""
    p = add_verb(sub, "analyze", __doc__, handle)
    p.add_argument("directory", metavar="DIR", help="the batch folder")
    p.add_argument("--outcomes", nargs="+", metavar="NAME",
                   help="outcomes to analyse (default: every outcome of the batch and "
                        "scenario_score)")
    p.add_argument("--no-figures", dest="figures", action="store_false",
                   help="write the tables only")


def handle(args: argparse.Namespace) -> int:
    """Analyse the folder and print what was found."""
    from experiments.analysis import ANALYSIS, analyze
    from experiments.analysis.precision import above_one
    from experiments.analysis.sensitivity import INDEX_COLUMNS
    from experiments.analysis.sentences import shares_text

    directory = path_argument(args.directory, "directory", BATCH_FOLDER)
    writer = batch_writer(directory)  # asked before the runs are read, as they were then
    with read_while_writing(directory, writer, "analyze"):
        tables = analyze(directory, args.outcomes, figures=args.figures)
    summary = tables["summary"].iloc[0]
    runs = summary["runs"]
    print(f"servisim analyze: {directory} ({summary['design']} design, {runs['ok']} of "
          f"{runs['planned']} runs analysed, {runs['failed']} failed)")
    if summary["method_text"]:
        print(f"method: {summary['method_text']}")
    notes = tables["notes"]
    for key, note in zip(notes["key"], notes["note"], strict=True):
        if key == "batch_partial" and writer is not None:
            note = f"{note}; {still_writing(writer, 'analyze')}"
        print(f"note: {note}")
    key = INDEX_COLUMNS.get(summary["method"], [None])[0]
    main = tables.get(summary["method"])
    if key and main is not None and not main.empty:
        print(f"most influential parameters ({key[0]} +/- 95% CI half-width):")
        for outcome, rows in main.groupby("outcome", sort=False):
            print(f"  {outcome}: {influence_line(rows, *key[:2])}")
    top = above_one(main) if summary["method"] == "sobol" and main is not None else None
    if top is not None:
        print(f"note: some indices exceed 1 (up to {top['value']:.2f}: {top['index']} of "
              f"{top['parameter']} on {top['outcome']}), which no true index can: the sample "
              "is too small for them, or the seed's noise dominates; read them with their "
              "intervals")
    precision = summary.get("precision")
    if isinstance(precision, dict):
        print(f"precision: {precision['share_within']:.0%} of the top {precision['top']} "
              f"parameters of each outcome have S1 and ST known to better than "
              f"+/-{precision['target']:g}; widest +/-{precision['widest']:.3f} "
              f"({precision['index']} of {precision['parameter']} on {precision['outcome']})")
    shares = tables["scenario_shares"]
    if not shares.empty:
        overall = shares[shares["parameter"] == "all"]
        print("scenario shares: " + shares_text(overall))
    for sentence in tables["discovery_boxes"]["sentence"]:
        print(f"  {sentence}")
    n_fig = len(summary["figures"])
    print(f"wrote {directory / ANALYSIS}/ ({len(summary['tables'])} tables, "
          f"{n_fig} figures, discovery.md, summary.json)")
    return 0


def influence_line(rows: pd.DataFrame, index: str, conf: str) -> str:
    """One outcome's most influential parameters, as the report names them.

    Args:
        rows: the outcome's rows of an index table (``parameter`` and the two columns).
        index: the index column (``ST``, ``mu_star``, ``pawn``).
        conf: its 95% half-width column.

    Returns:
        The first three by ``index`` with their half-widths; where the third ties with the
        next ones, the tied parameters are named as a tie, not picked in file order;
        parameters whose index is not above 0 are left out, and when none is above 0 it says
        so.

    """
    from experiments.report.ranking import leading

    rows = rows.sort_values(index, ascending=False, kind="stable")
    ahead, tied = leading(list(zip(rows["parameter"], rows[index], rows[conf], strict=True)))
    text = ", ".join(f"{name} {value:.2f}+/-{half:.2f}" for name, value, half in ahead)
    if tied:
        text += ("; " if text else "") + (
            f"{len(tied)} tie at {tied[0][1]:.2f}, which this design cannot rank: "
            + ", ".join(name for name, *_ in tied))
    if not text:
        text = "no index is above 0: no parameter's effect shows in these runs"
    return text
