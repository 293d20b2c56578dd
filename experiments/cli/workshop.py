"""``servisim workshop``: run the workshop study, analyse it and write the report (resumable).

Run experiments/studies/workshop.toml (or workshop_screening.toml with --screening, quick.toml
with --quick) with the batch engine and a progress bar, analyse the runs and write the workshop
report; print the report's path. Run the same command again to resume after an interruption:
the finished runs are kept and what follows is rebuilt.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from experiments.cli.options import (
    add_engine_options,
    add_progress_option,
    add_run_options,
    add_verb,
    run_batch_with,
)
from experiments.studies import STUDIES
from model.labels import LANGS

DEFAULT_OUT = {name: Path("results") / path.stem for name, path in STUDIES.items()}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``workshop`` sub-command."""
    p = add_verb(sub, "workshop", __doc__, handle)
    p.add_argument("--out", metavar="DIR",
                   help="result folder (default results/workshop, "
                        "results/workshop_screening or results/quick)")
    p.add_argument("--lang", choices=LANGS, default="fr",
                   help="language of the report: fr (default) or en")
    add_engine_options(p)
    add_run_options(p)
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="the small study (experiments/studies/quick.toml): the same report "
                           "in under a minute")
    size.add_argument("--screening", action="store_true",
                      help="the screening study (experiments/studies/workshop_screening.toml): "
                           "the same question with 1,536 runs, chances to about +/-0.17")
    # The precise study became the default once runs were fast enough; scripts written
    # before still pass --precise.
    size.add_argument("--precise", action="store_true", help=argparse.SUPPRESS)
    add_progress_option(p)


def handle(args: argparse.Namespace) -> int:
    """Batch, analysis, report; print the report's path."""
    from experiments.errors import UsageError
    from experiments.files import out_argument
    from experiments.report.batch import ensure_analysis
    from experiments.report.build import build_report

    name = "quick" if args.quick else "screening" if args.screening else "workshop"
    study = STUDIES[name]
    if not study.is_file():
        raise UsageError(f"{study}: the shipped study is missing from this installation")
    out = out_argument(args.out) if args.out is not None else DEFAULT_OUT[name]
    started = time.perf_counter()
    say = _printer(started)
    say(f"1/3 runs: {study.name} -> {out}")
    say(str(run_batch_with(args, study, out, "workshop")))
    say("2/3 analysis: sensitivity indices and scenario discovery")
    from experiments.stored import load_results

    if not ensure_analysis(out, len(load_results(out))):
        say("analysis is up to date")
    say(f"3/3 report ({args.lang})")
    path = build_report(out, args.lang)
    say(f"done in {time.perf_counter() - started:.0f} s")
    print(path.resolve())
    return 0


def _printer(started: float):
    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {message}", file=sys.stderr, flush=True)
    return say
