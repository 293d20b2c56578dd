"""``servisim params``: the parameter registry as a table."""

from __future__ import annotations

import argparse

from model import PARAMETERS


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``params`` sub-command."""
    p = sub.add_parser("params", help="list every parameter: default, ranges, unit, meaning")
    p.add_argument("--group", help="only this group (lever, firms, market, cyber, ...)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the registry."""
    for prm in PARAMETERS:
        if args.group and prm.group != args.group:
            continue
        sa = f"{prm.sa_range[0]:g}-{prm.sa_range[1]:g}" if prm.sa_range else "-"
        # a calibrated default says so, with the literature value it replaced
        meaning = prm.meaning if prm.literature_default is None else \
            f"{prm.meaning} [calibrated; literature {prm.literature_default:g}]"
        print(f"{prm.name:<30} {prm.default!s:>10}  SA {sa:<15} {prm.unit:<16} {meaning}")
    return 0
