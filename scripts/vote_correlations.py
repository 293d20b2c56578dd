"""Pairwise correlations of the voting indicators over a Latin hypercube of the workshop ranges.

Usage: .venv/bin/python scripts/vote_correlations.py [--runs 512] [--scale 0.25] [--workers 2]

Every lever and uncertainty of the registry is drawn over its SA range (one seed per point);
the 2040 value of every voting indicator (and of the candidates named with ``--also``) is
recorded, and the script prints their correlation matrix and the largest pair. Classification
v2 requires no pair of voting indicators above 0.9 (docs/model.md, "Classification").
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy.stats import qmc

from model import ServitizationModel
from model.parameters import by_role
from model.scenarios import load_votes


def workshop_design(runs: int, seed: int) -> list[dict]:
    """Points of a Latin hypercube over every lever's and uncertainty's SA range."""
    params = [p for p in (*by_role("lever"), *by_role("uncertainty")) if p.sa_range]
    unit = qmc.LatinHypercube(d=len(params), seed=seed).random(runs)
    scaled = qmc.scale(unit, [p.sa_range[0] for p in params], [p.sa_range[1] for p in params])
    return [{p.name: (int(round(v)) if p.kind is int else float(v))
             for p, v in zip(params, row, strict=True)} for row in scaled]


def run_point(args: tuple[int, dict, float]) -> dict:
    """One run to 2040: its final indicators and class."""
    seed, point, scale = args
    model = ServitizationModel(rng=seed, headless=True, population_scale=scale, **point)
    model.run()
    return model.indicators() | {"scenario": model.scenario()}


def main() -> None:
    """Run the design and print the correlations of the voting indicators."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=512)
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--also", nargs="*", default=[], help="other indicators to include")
    parser.add_argument("--csv", help="write every run's indicators to this file")
    args = parser.parse_args()
    design = workshop_design(args.runs, args.seed)
    jobs = [(args.seed + i, point, args.scale) for i, point in enumerate(design)]
    with ProcessPoolExecutor(args.workers) as pool:
        rows = list(pool.map(run_point, jobs, chunksize=8))
    table = pd.DataFrame(rows)
    if args.csv:
        pd.concat([pd.DataFrame(design), table], axis=1).to_csv(args.csv, index=False)
    names = [*load_votes(), *args.also]
    corr = table[names].corr()
    print(corr.round(2).to_string())
    upper = corr.where(np.triu(np.ones(corr.shape, bool), k=1)).stack()
    pair = upper.abs().idxmax()
    print(f"largest |correlation|: {pair[0]} / {pair[1]} = {upper[pair]:.2f} "
          f"({args.runs} runs, scale {args.scale})")
    print("classes:", table["scenario"].value_counts().to_dict())


if __name__ == "__main__":
    main()
