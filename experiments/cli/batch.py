"""``servisim batch``: run or resume an experiment file on this machine or a Dask cluster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.cli.options import add_engine_options, add_run_options, chosen_engine
from experiments.runs.progress import MODES


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``batch`` sub-command."""
    p = sub.add_parser(
        "batch", help="run an experiment file (grid, LHS, Sobol, Morris) in parallel; resumable",
        description="Run every run of EXPERIMENT.toml and store the results as Parquet in "
                    "--out. Rerunning the same command on the same folder resumes: finished "
                    "runs are skipped.")
    p.add_argument("experiment", type=Path, metavar="EXPERIMENT.toml",
                   help="the experiment file (see experiments/studies/quick.toml)")
    p.add_argument("--out", help="result folder (default ./results/<experiment name>)")
    add_engine_options(p)
    add_run_options(p)
    p.add_argument("--progress", choices=MODES, default="auto",
                   help="bar on a terminal, one line per chunk otherwise, none in CI (auto)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the batch and print its summary."""
    from experiments.files import out_argument
    from experiments.runs.batch import run_batch
    from experiments.spec.experiment import load_experiment

    engine = chosen_engine(args)
    if args.out is None:
        out = Path("results") / load_experiment(args.experiment).name
    else:
        out = out_argument(args.out)
    try:
        summary = run_batch(args.experiment, out, engine=engine, scheduler=args.scheduler,
                            workers=args.workers, progress=args.progress,
                            run_timeout=args.run_timeout, max_runs=args.max_runs)
    except KeyboardInterrupt:
        print(f"servisim batch: stopped; finished runs are saved in {out}. Run the same "
              "command again to resume.", file=sys.stderr)
        raise
    print(summary)
    return 0
