"""``servisim params``: the parameter registry as a table, optionally one group or one role."""

from __future__ import annotations

import argparse

from experiments.errors import UsageError
from model import PARAMETERS
from model.parameters import ROLES

COLUMNS = ("name", "default", "bounds", "SA range", "unit", "role", "source", "meaning")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``params`` sub-command."""
    groups = sorted({prm.group for prm in PARAMETERS})
    p = sub.add_parser("params", help="list every parameter: default, bounds, SA range, unit, "
                                      "role, source, meaning")
    p.add_argument("--group", help=f"only this group ({', '.join(groups)})")
    p.add_argument("--role", help=f"only this role ({', '.join(ROLES)})")
    p.set_defaults(handler=handle)


def _span(pair: tuple[float, float] | None) -> str:
    return f"{pair[0]:g} to {pair[1]:g}" if pair else "-"


def rows(group: str | None = None, role: str | None = None) -> list[tuple[str, ...]]:
    """The table's rows (one per parameter), filtered by group and role.

    Raises:
        UsageError: a group or role the registry does not have (the filters would print
            nothing, which reads as "no such parameters" rather than "typo").

    """
    groups = sorted({prm.group for prm in PARAMETERS})
    if group is not None and group not in groups:
        raise UsageError(f"--group: unknown group {group!r}; allowed {', '.join(groups)}")
    if role is not None and role not in ROLES:
        raise UsageError(f"--role: unknown role {role!r}; allowed {', '.join(ROLES)}")
    from model.labels import Labels

    cited = Labels("en")  # the publications themselves, not the design notes' sections
    out = []
    for prm in PARAMETERS:
        if (group and prm.group != group) or (role and prm.role != role):
            continue
        # a calibrated default says so, with the literature value it replaced
        meaning = prm.meaning if prm.literature_default is None else \
            f"{prm.meaning} [calibrated; literature {prm.literature_default:g}]"
        out.append((prm.name, f"{prm.default:g}" if not isinstance(prm.default, bool)
                    else str(prm.default).lower(), _span(prm.bounds), _span(prm.sa_range),
                    prm.unit, prm.role + (" (hypothesis)" if prm.hypothesis else ""),
                    cited.param_source(prm.name), meaning))
    return out


def handle(args: argparse.Namespace) -> int:
    """Print the registry as an aligned table with a header (meaning last: it is long)."""
    table = rows(args.group, args.role)
    if not table:
        raise UsageError(f"no parameter is in group {args.group!r} with role {args.role!r}: "
                         "leave one of them out to see what each holds")
    widths = [max(len(r[i]) for r in [COLUMNS, *table]) for i in range(len(COLUMNS) - 2)]
    # source can be long: cap its column so that the meaning stays on the line's end
    widths.append(min(40, max(len(r[6]) for r in [COLUMNS, *table])))
    for r in [COLUMNS, *table]:
        cells = [f"{c:<{w}}" for c, w in zip(r, widths, strict=False)]
        print("  ".join(cells) + "  " + r[-1])
    return 0
