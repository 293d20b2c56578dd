"""What the report reads from a batch folder, through the store: runs, analysis, source.

:func:`load_batch` makes the analysis first when it is missing or older than the finished
runs (:func:`ensure_analysis`).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import UsageError
from experiments.store import Store
from experiments.stored import load_results


@dataclass
class Batch:
    """Everything the report reads from a batch folder.

    Attributes:
        root: the batch folder.
        spec: the resolved experiment (``spec.json``).
        results: one row per finished run (:func:`experiments.stored.load_results`).
        trajectories: quarterly trajectories, or ``None`` when not stored.
        summary: the analysis's ``summary.json``.
        tables: the analysis's CSV tables by file stem (empty files give empty tables).
        source: the experiment file as the user wrote it.

    """

    root: Path
    spec: dict[str, Any]
    results: pd.DataFrame
    trajectories: pd.DataFrame | None
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = ""

    @property
    def is_servisim(self) -> bool:
        """Whether the runs come from the servisim model (registry, bands, trajectories)."""
        return self.spec.get("model", "servisim") == "servisim"

    def table(self, name: str) -> pd.DataFrame:
        """An analysis table, or an empty one when the analysis did not write it."""
        return self.tables.get(name, pd.DataFrame())


def ensure_analysis(root: Path, n_finished: int, stream: Any = None) -> bool:
    """Run the analysis when ``DIR/analysis`` is missing or older than the finished runs.

    SALib's chatter on stdout is kept out of the user's terminal.

    Returns:
        Whether the analysis was (re)run.

    """
    if Store(root).analysed_runs() == n_finished:
        return False
    from experiments.analysis import analyze

    if stream is not None:
        print(f"analysing {root} (servisim analyze) ...", file=stream, flush=True)
    with contextlib.redirect_stdout(io.StringIO()):
        analyze(root)
    return True


def load_batch(directory: str | Path, stream: Any = None) -> Batch:
    """Read a batch folder and its analysis (made first if missing or out of date).

    Raises:
        UsageError: not a batch folder, no finished run, only failed runs.

    """
    from model.scenarios import load_bands

    root = Path(directory)
    if not root.is_dir():
        raise UsageError(f"{root}: {'is a file' if root.exists() else 'no such folder'}; "
                         "give the folder of a batch "
                         "(servisim batch EXPERIMENT.toml --out DIR)")
    store = Store(root)
    spec = store.spec()
    results = load_results(root)
    ensure_analysis(root, len(results), stream)
    summary, tables = store.analysis()
    # only the banded indicators the report draws: a workshop batch has a thousand parts
    trajectories = store.trajectories(["run_id", "quarter", *load_bands()],
                                      set(results["run_id"]))
    return Batch(root, spec, results, trajectories, summary, tables, store.source_text())
