"""One lever or uncertainty at a time, from its SA low to its SA high, on the trend preset.

Usage: .venv/bin/python scripts/oat_table.py [--seeds 16] [--scale 0.25] [--workers 2]
       [--markdown docs/oat.md]

For every lever and uncertainty of the registry, the same seeds run at the low and at the
high end of its SA range (everything else at the trend preset); the table gives, for each
voting indicator, the mean of the paired differences (high - low) and two standard errors,
and how many of the seeds changed class. It shows what the sourced mechanisms give: no effect
is tuned to a wished-for size.

``--markdown FILE`` replaces only the table between the lines ``<!-- oat-table -->`` and
``<!-- /oat-table -->`` of FILE, so the text around it stays; a FILE that does not exist is
written with the table between the two markers; a FILE without them is refused before any run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from model import ServitizationModel, load_preset
from model.parameters import by_role
from model.scenarios import SCORES, load_votes

#: The lines around the table in a ``--markdown`` file.
START, END = "<!-- oat-table -->", "<!-- /oat-table -->"


class MarkdownError(Exception):
    """A ``--markdown`` file the table cannot be put into; nothing was written."""


def placed(text: str | None, table: str, path: Path) -> str:
    """The file's text with the table between its markers (a new file's text: ``None``).

    Args:
        text: the file's text now, or ``None`` when the file does not exist.
        table: the table, without its markers.
        path: the file, for messages.

    Raises:
        MarkdownError: the markers are missing, given more than once, or out of order.

    """
    if text is None:
        return f"{START}\n\n{table}\n\n{END}\n"
    # a marker is a line of its own: the text may name the markers (docs/oat.md does)
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or starts[0] > ends[0]:
        if not starts and not ends:
            found = "neither marker line"
        elif len(starts) == len(ends) == 1:
            found = f"the line {END} before the line {START}"
        else:
            found = f"{len(starts)} line(s) {START} and {len(ends)} line(s) {END}"
        raise MarkdownError(f"--markdown {path}: the file exists and has {found}; the table "
                            f"goes between one line {START} and one line {END} after it: add "
                            "them where the table belongs (or give a new file); the file was "
                            "left as it was")
    head, tail = "".join(lines[:starts[0]]), "".join(lines[ends[0] + 1:])
    # blank lines around the table: every Markdown reader then ends the comments' blocks
    return f"{head}{START}\n\n{table}\n\n{END}\n{tail}"


def current_text(path: Path) -> str | None:
    """The file's text now, or ``None`` when it does not exist.

    Raises:
        MarkdownError: it exists and cannot be read as text.

    """
    try:
        return path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as err:
        raise MarkdownError(f"--markdown {path}: cannot read it ({err})") from None


def write_markdown(path: Path, table: str) -> None:
    """Put the table into ``path`` (see :func:`placed`), through a temporary file and a rename.

    Raises:
        MarkdownError: the file cannot take the table, or cannot be written; either way it
            is left as it was.

    """
    from experiments.files import write_atomically

    text = placed(current_text(path), table, path)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():  # the user's file keeps its permissions through the rename
            shutil.copymode(path, tmp)

    try:
        write_atomically(path, write)
    except OSError as err:
        raise MarkdownError(f"--markdown {path}: cannot write it ({err}); the file was left as "
                            "it was") from None


def run(args: tuple[str, str, float, int, float]) -> dict:
    """One run of the trend preset with one parameter set: its final voting indicators."""
    name, end, value, seed, scale = args
    params = load_preset("trend") | {name: value}
    model = ServitizationModel(rng=seed, headless=True, population_scale=scale, **params)
    model.run()
    final = model.indicators()
    out = {k: final[k] for k in load_votes()}
    return out | {"parameter": name, "end": end, "seed": seed,
                  "score": SCORES[model.scenario()]}


def main() -> None:
    """Run the one-at-a-time design and print (or write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help=f"put the table between the lines {START} and {END} of FILE "
                             "(a new FILE: the table between the two)")
    args = parser.parse_args()
    if args.markdown is not None:  # refused before the runs, not after them
        try:
            placed(current_text(args.markdown), "", args.markdown)
        except MarkdownError as err:
            parser.error(str(err))
        if not args.markdown.parent.is_dir():
            parser.error(f"--markdown {args.markdown}: the folder {args.markdown.parent} "
                         "does not exist")
    params = [p for p in (*by_role("lever"), *by_role("uncertainty")) if p.sa_range]
    jobs = []
    for p in params:
        lo, hi = p.sa_range
        for end, value in (("low", lo), ("high", hi)):
            value = int(round(value)) if p.kind is int else float(value)
            jobs += [(p.name, end, value, 1000 + s, args.scale) for s in range(args.seeds)]
    with ProcessPoolExecutor(args.workers) as pool:
        table = pd.DataFrame(pool.map(run, jobs, chunksize=4))
    voters = list(load_votes())
    lines = ["| parameter | role | SA range | " + " | ".join(voters) + " | class moved |",
             "|---" * (len(voters) + 4) + "|"]
    for p in params:
        rows = table[table["parameter"] == p.name]
        low = rows[rows["end"] == "low"].set_index("seed")
        high = rows[rows["end"] == "high"].set_index("seed")
        cells = []
        for v in voters:
            d = (high[v] - low[v]).to_numpy()
            se = d.std(ddof=1) / np.sqrt(len(d))
            cells.append(f"{d.mean():+.3f} ± {2 * se:.3f}")
        moved = high["score"] - low["score"]
        tag = " (hypothesis)" if p.hypothesis else ""
        lines.append(f"| `{p.name}`{tag} | {p.role} | {p.sa_range[0]:g} to {p.sa_range[1]:g} | "
                     + " | ".join(cells)
                     + f" | {int((moved > 0).sum())} up, {int((moved < 0).sum())} down |")
    text = "\n".join(lines)
    print(text)
    print(f"\n{args.seeds} paired seeds per parameter, scale {args.scale}, trend preset; "
          "cells: mean of (high - low) over the seeds +/- 2 standard errors.")
    if args.markdown is not None:
        try:
            write_markdown(args.markdown, text)
        except MarkdownError as err:  # the file changed during the runs, or cannot be written
            print(f"oat_table.py: error: {err}", file=sys.stderr)
            sys.exit(2)


if __name__ == "__main__":
    main()
