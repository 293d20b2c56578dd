"""One lever or uncertainty at a time, from its SA low to its SA high, on the trend preset.

Usage: .venv/bin/python scripts/oat_table.py [--seeds 16] [--scale 0.25] [--workers 2]
       [--markdown docs/oat.md]

For every lever and uncertainty of the registry, the same seeds run at the low and at the
high end of its SA range (everything else at the trend preset); the table gives, for each
voting indicator, the mean of the paired differences (high - low) and two standard errors,
and how many of the seeds changed class. It shows what the sourced mechanisms give: no effect
is tuned to a wished-for size.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from model import ServitizationModel, load_preset
from model.parameters import by_role
from model.scenarios import SCORES, load_votes


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
    parser.add_argument("--markdown", help="write the table to this file as well")
    args = parser.parse_args()
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
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
