"""The shipped workshop study: time of ``servisim workshop`` and precision of its answers.

Prints:

* the wall time of ``servisim workshop`` (or ``--screening``) from an empty result folder (runs,
  analysis and report; target < 10 minutes on 2 cores), with the load average before and after;
* for a policies x futures study, the widest 95% half-width of a policy's chance of
  ``high`` and of ``low`` (``policies.csv``; target for the default study: +/- 0.1), and the runs
  per policy;
* for a Sobol study, each outcome's top parameters (the three largest total-order indices) with
  S1 and ST and their 95% bootstrap intervals, and the widest of them.

Run: ``.venv/bin/python benchmarks/bench_workshop.py [--screening] [--out DIR] [--reuse]``.
``--reuse`` reads an existing result folder instead of running the study (precision only).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from experiments.analysis.precision import top_precision, top_rows

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET_S = 10 * 60
CONF_TARGET = 0.1
TOP = 3


def run_workshop(out: Path, screening: bool = False) -> float:
    """Run ``servisim workshop`` into ``out`` (emptied first); return its wall time."""
    shutil.rmtree(out, ignore_errors=True)
    servisim = Path(sys.executable).with_name("servisim")
    start = time.perf_counter()
    size = ["--screening"] if screening else []
    subprocess.run([str(servisim), "workshop", *size, "--out", str(out), "--progress", "none"],
                   cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="result folder (default: a temporary folder, deleted after)")
    parser.add_argument("--screening", action="store_true",
                        help="the screening study (servisim workshop --screening)")
    parser.add_argument("--reuse", action="store_true",
                        help="read the results already in --out instead of running the study")
    args = parser.parse_args()
    if args.reuse and args.out is None:
        parser.error("--reuse needs --out DIR")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-workshop-")) / "workshop"
    try:
        if not args.reuse:
            print(f"load average before: {os.getloadavg()[0]:.2f}  cores: {os.cpu_count()}")
            wall = run_workshop(out, args.screening)
            print(f"load average after: {os.getloadavg()[0]:.2f}")
            verdict = "met" if wall < TIME_TARGET_S else "NOT met"
            print(f"servisim workshop: {wall / 60:.1f} min (target < 10 min: {verdict})")
        if (out / "analysis" / "policies.csv").is_file():
            policy_precision(pd.read_csv(out / "analysis" / "policies.csv"))
            return
        sobol = pd.read_csv(out / "analysis" / "sobol.csv")
        best = top_rows(sobol, "ST", TOP)
        pd.set_option("display.width", 160)
        print(best[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
              .round(3).to_string(index=False))
        p = top_precision(sobol, TOP, CONF_TARGET)
        verdict = "met" if p["share_within"] == 1.0 else "NOT met"
        print(f"top-{TOP} parameters of {best['outcome'].nunique()} outcomes: "
              f"{100 * p['share_within']:.0f}% with S1 and ST intervals narrower than "
              f"+/-{CONF_TARGET} (target 100%: {verdict}); widest +/-{p['widest']:.3f} "
              f"({p['index']} of {p['parameter']} on {p['outcome']})")
    finally:
        if args.out is None:
            shutil.rmtree(out.parent, ignore_errors=True)


def policy_precision(policies: pd.DataFrame) -> None:
    """Print the widest 95% half-width of a policy's chance of high and of low."""
    widest = {k: float(((policies[f"p_{k}_hi"] - policies[f"p_{k}_lo"]) / 2).max())
              for k in ("high", "low")}
    verdict = "met" if max(widest.values()) <= CONF_TARGET else "NOT met"
    print(f"{len(policies)} policies, {int(policies['runs'].min())} to "
          f"{int(policies['runs'].max())} kept runs each; widest 95% half-width: "
          f"P(high) +/-{widest['high']:.3f}, P(low) +/-{widest['low']:.3f} "
          f"(+/-{CONF_TARGET}: {verdict})")


if __name__ == "__main__":
    main()
