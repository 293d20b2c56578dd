"""``servisim run``: one run, its 2040 indicators, scenario class and a small plot."""

from __future__ import annotations

import argparse

from experiments.cli.options import number, whole_number
from experiments.errors import ArgumentError
from model import INDICATORS, PRESETS, REGISTRY, preset_key
from model.presets import french_names


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` sub-command."""
    p = sub.add_parser("run", help="one run: 2040 indicators, scenario class, trajectory files",
                       description="Run the model once and write trajectory.csv, "
                                   "indicators.json and trajectory.png to --out.")
    p.add_argument("--preset", help=f"start from a preset ({', '.join(PRESETS)}; or the "
                   f"scenario's French name: {', '.join(french_names())})")
    p.add_argument("--set", dest="assignments", action="append", default=[],
                   metavar="NAME=VALUE", help="set a parameter (repeatable)")
    p.add_argument("--seed", type=whole_number, default=1, help="random seed (default 1)")
    p.add_argument("--scale", type=number, help="population_scale (1.0 = whole region)")
    p.add_argument("--out", default="servisim-run",
                   help="output folder: new, empty, or holding an earlier servisim run "
                        "(default ./servisim-run)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Validate everything, run, print the outcome, then write the files."""
    from experiments.files import check_run_folder, out_argument
    from experiments.runs.single import build_parameters, check_seed, simulate, write_outputs

    out = out_argument(args.out)
    check_scale(args.scale)
    params = build_parameters(args.preset, args.assignments, args.scale)
    check_seed(args.seed)
    check_run_folder(out)  # before the run, so a refused folder costs no waiting
    result = simulate(params, args.seed)
    label = f"preset {preset_key(args.preset)}" if args.preset else "defaults"
    if args.assignments:
        label += " with " + ", ".join(args.assignments)
    print(f"servisim run: {label}, seed {args.seed}, scale {params['population_scale']:g}")
    heading = f"indicator ({result.trajectory['quarter'].iloc[-1]})"  # the run's last quarter
    print(f"{heading:<30} {'value':>14}  vote")
    for name in INDICATORS:
        vote = result.votes.get(name, "")
        value = result.indicators[name]
        text = f"{value:>14,.0f}" if abs(value) >= 1000 else f"{value:>14.3f}"
        print(f"{name:<30} {text}  {vote or ('-' if name in result.votes else '')}")
    print(f"scenario: {result.scenario}")
    write_outputs(result, out)
    print(f"wrote {out}/trajectory.csv, indicators.json, trajectory.png")
    return 0


def check_scale(scale: float | None) -> None:
    """Refuse a ``--scale`` outside ``population_scale``'s bounds, naming ``--scale``.

    The registry would name ``population_scale``, a name the user did not type.

    Raises:
        ArgumentError: the scale is out of bounds (or not a number: ``nan``).

    """
    low, high = REGISTRY["population_scale"].bounds
    if scale is not None and not low <= scale <= high:
        raise ArgumentError("scale", scale, f"out of range; allowed {low:g} to {high:g} "
                                            "(1.0 = the whole region)")

