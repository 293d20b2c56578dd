"""Reading a result folder's stored runs: the experiment, its plan, results and trajectories.

The public readers behind ``experiments.load_results`` and its siblings, over
:class:`~experiments.store.Store`, which writes and checks the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from experiments.schema import results_schema
from experiments.store import RUNS, SAMPLES, TRAJECTORIES, Store, read_part


def load_spec(root: str | Path) -> dict[str, Any]:
    """Read the resolved experiment of a result folder (``spec.json``)."""
    return Store(root).spec()


def load_samples(root: str | Path) -> pd.DataFrame:
    """Read the sample matrix: ``point_id`` and the design values, in SALib row order."""
    store = Store(root)
    store.spec()
    return read_part(store.root / SAMPLES).to_pandas()


def load_plan(root: str | Path) -> pd.DataFrame:
    """Read the run plan: ``run_id, point_id, replicate, seed``."""
    store = Store(root)
    store.spec()
    return read_part(store.root / RUNS).to_pandas()


def load_results(root: str | Path) -> pd.DataFrame:
    """Every finished run, one row each, ordered by ``point_id`` then ``replicate``.

    Columns: ``run_id, point_id, replicate, seed``, the varied parameters (typed), the
    outcomes (float), ``scenario`` (str or missing), ``status`` (``ok``/``failed``), ``error``,
    ``runtime_s``. A run stored twice (a part written again after a crash) appears once.
    """
    store = Store(root)
    spec = store.spec()
    schema = results_schema(spec)
    tables = []
    for path in store.parts():
        table = read_part(path)
        present = set(table.column_names)  # a set: a list lookup per name is quadratic
        tables.append(table.select([n for n in schema.names if n in present]))
    if tables:
        table = pa.concat_tables(tables, promote_options="permissive")
    else:
        table = schema.empty_table()
    frame = table.to_pandas()
    frame = frame.drop_duplicates("run_id", keep="first")
    frame = frame.sort_values(["point_id", "replicate"], kind="stable").reset_index(drop=True)
    return frame[[n for n in schema.names if n in frame.columns]]


def load_trajectories(root: str | Path) -> pd.DataFrame | None:
    """Quarterly trajectories (``run_id, quarter``, indicators), or ``None`` if not stored.

    Only runs that have a row in the results are included, each once, ordered like
    :func:`load_results` and by quarter.
    """
    store = Store(root)
    spec = store.spec()
    if not spec.get("trajectories"):
        return None
    parts = store.parts(TRAJECTORIES)
    if not parts:
        return None
    frame = pd.concat([read_part(p).to_pandas() for p in parts], ignore_index=True)
    frame = frame.drop_duplicates(["run_id", "quarter"], keep="first")
    order = load_results(root)[["run_id"]].reset_index(names="_order")
    frame = frame.merge(order, on="run_id", how="inner")
    frame = frame.sort_values(["_order", "quarter"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)
