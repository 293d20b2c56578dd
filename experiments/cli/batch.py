"""``servisim batch``: run an experiment file (grid, points, LHS, Sobol, Morris, crossed).

Run every run of EXPERIMENT.toml and store the results as Parquet in --out, on this machine or
a Dask cluster, in parallel. Rerunning the same command on the same folder resumes: finished
runs are skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.cli.options import (
    add_engine_options,
    add_progress_option,
    add_run_options,
    add_verb,
    path_argument,
    run_batch_with,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``batch`` sub-command."""
    p = add_verb(sub, "batch", __doc__, handle)
    p.add_argument("experiment", metavar="EXPERIMENT.toml",
                   help="the experiment file (see experiments/studies/quick.toml)")
    p.add_argument("--out", help="result folder (default ./results/<experiment name>)")
    add_engine_options(p)
    add_run_options(p)
    add_progress_option(p)


def handle(args: argparse.Namespace) -> int:
    """Run the batch and print its summary."""
    from experiments.files import out_argument
    from experiments.spec.experiment import load_experiment

    experiment = path_argument(args.experiment, "experiment_path",
                               "an experiment file, e.g. experiments/studies/quick.toml")
    if args.out is None:
        out = Path("results") / load_experiment(experiment).name
    else:
        out = out_argument(args.out)
    print(run_batch_with(args, experiment, out, "batch"))
    return 0
