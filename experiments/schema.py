"""The Arrow schema of a result folder's runs: one row per run, typed from ``spec.json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

_ARROW = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}


def results_schema(spec: dict[str, Any], outcomes: Iterable[str] | None = None) -> pa.Schema:
    """Return the Arrow schema of an experiment's result table (from ``spec.json``)."""
    fields = [pa.field("run_id", pa.string()), pa.field("point_id", pa.int64()),
              pa.field("replicate", pa.int64()), pa.field("seed", pa.int64())]
    fields += [pa.field(n, _ARROW[k]) for n, k in spec["kinds"].items()]
    names = spec.get("outcomes") if outcomes is None else outcomes
    fields += [pa.field(n, pa.float64()) for n in names or ()]
    fields += [pa.field("scenario", pa.string()), pa.field("plausible", pa.bool_()),
               pa.field("implausibility", pa.float64()), pa.field("history_misses", pa.string()),
               pa.field("status", pa.string()),
               pa.field("error", pa.string()), pa.field("runtime_s", pa.float64())]
    return pa.schema(fields)
