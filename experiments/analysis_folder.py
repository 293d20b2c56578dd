"""The ``analysis/`` folder of a batch: what servisim wrote there, and only that, is replaced.

``servisim analyze`` writes a new analysis beside the old one and swaps them; before it
removes the old one it checks that every file there is one an analysis writes, and refuses
(changing nothing) when the user has put files of their own there. Killed analyses leave
temporary folders named as servisim names them: only those, and only when they hold nothing
but an analysis, are cleaned up.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from experiments.errors import OutputPathError
from experiments.files import our_temp, pid_alive

#: The tables an analysis writes (``NAME.csv``): a fallback for an old analysis whose
#: ``summary.json`` cannot be read; the new analysis and the old summary list the rest.
ANALYSIS_TABLES = frozenset(
    ("sobol", "sobol_s2", "sobol_convergence", "morris", "morris_convergence", "pawn",
     "seed_variance", "scenario_shares", "discovery", "discovery_boxes", "discovery_tree",
     "notes", "plausibility", "class_medians", "variance_shares", "policies", "policy_boxes",
     "class_shares"))
_ANALYSIS_FIGURE = re.compile(r"(scenario_shares|scenario_map|discovery_boxes|regimes_boxplot"
                              r"|(sobol|sobol_s2|morris|morris_sigma|pawn|convergence)"
                              r"_[A-Za-z0-9_.-]+)\.png")
#: Temporary folders of analyses by older versions (``tempfile``'s ``.analysis-`` and eight
#: random characters, and ``.analysis-old-PID``): removed only when they hold nothing but an
#: analysis.
_LEGACY_ANALYSIS_TEMP = re.compile(r"\.analysis-([a-z0-9_]{8}|old-\d+)")


def foreign_analysis_files(folder: Path, written: Iterable[str] = ()) -> list[str]:
    """What an analysis folder holds that ``servisim analyze`` did not write.

    Args:
        folder: an ``analysis/`` folder (or a temporary copy of one).
        written: paths relative to ``folder`` that the analysis being written holds.

    Returns:
        Relative paths (``figures/my.png``; a folder ends with ``/``), sorted; a link, a
        folder other than ``figures/`` or a file with a name no analysis writes counts.

    """
    ours = {*written, "summary.json", "discovery.md"}
    with contextlib.suppress(OSError, ValueError, AttributeError, TypeError, KeyError):
        # the analysis that wrote the folder listed its tables and figures there
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        ours.update(f"{t}.csv" for t in summary.get("tables") or [])
        ours.update(f["file"] for f in summary.get("figures") or [])
    foreign = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            foreign.append(rel)
        elif path.is_dir():
            if rel != "figures":
                foreign.append(f"{rel}/")
        elif not (rel in ours or (rel.endswith(".csv") and rel[:-4] in ANALYSIS_TABLES)
                  or (rel.startswith("figures/") and _ANALYSIS_FIGURE.fullmatch(rel[8:]))):
            foreign.append(rel)
    # files inside a foreign folder are not listed again: the folder says it
    return [f for f in foreign if not any(f != d and f.startswith(d) for d in foreign
                                          if d.endswith("/"))]


def check_analysis_folder(target: Path, new: Path | None = None) -> None:
    """Refuse to replace an ``analysis`` path that holds anything servisim did not write.

    Args:
        target: ``DIR/analysis``.
        new: the finished analysis about to replace it (its files count as ours).

    Raises:
        OutputPathError: ``target`` is a file or a link, or a folder holding files of the
            user's; nothing is changed.

    """
    again = "move it out of the way, then run analyze again"
    if target.is_symlink():
        raise OutputPathError(f"{target}: is a link, not the folder servisim analyze writes; "
                              f"{again}")
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputPathError(f"{target}: is a file, not the folder servisim analyze writes; "
                              f"{again}")
    written = [p.relative_to(new).as_posix() for p in new.rglob("*")] if new else []
    foreign = foreign_analysis_files(target, written)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more"
                                          if len(foreign) > 3 else "")
        raise OutputPathError(f"{target}: holds files servisim did not write ({shown}); move "
                              "them out of the way, then run analyze again")


def _holds_only_analysis(folder: Path) -> bool:
    """Whether a temporary folder holds an analysis and nothing else (removing it loses none)."""
    inner = folder / "analysis"
    if inner.is_dir() and not inner.is_symlink():
        others = [p for p in folder.iterdir() if p.name != "analysis"]
        return not others and not foreign_analysis_files(inner)
    return not foreign_analysis_files(folder)


def remove_stale_analyses(target: Path) -> None:
    """Clean up what killed analyses left beside ``target`` (``DIR/analysis``).

    Only folders named as servisim names its temporaries (``.analysis.PID.tmp``,
    ``.analysis-old.PID.tmp``, and the names older versions used) whose process has ended,
    and only when they hold an analysis and nothing else; a folder such as
    ``.analysis-keep`` is never touched. An analysis killed between the two renames of its
    swap left the previous one as ``.analysis-old.PID.tmp`` and no ``analysis``: that one is
    put back.
    """
    root, name = target.parent, target.name
    for path in sorted(root.glob(f".{name}*")):
        pid = our_temp(path.name, (name, f"{name}-old"))
        legacy = _LEGACY_ANALYSIS_TEMP.fullmatch(path.name)
        if pid is None and legacy is None:
            continue
        if pid is None and path.name.startswith(f".{name}-old-"):
            pid = int(path.name.rpartition("-")[2])
        if (pid is not None and pid_alive(pid)) or path.is_symlink() or not path.is_dir():
            continue
        with contextlib.suppress(OSError):
            if path.name.startswith(f".{name}-old") and not target.exists() \
                    and not target.is_symlink() and _holds_only_analysis(path):
                os.replace(path, target)
            elif _holds_only_analysis(path):
                shutil.rmtree(path)
