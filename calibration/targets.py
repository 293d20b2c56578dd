"""The targets file (CSV): one row per target, with its source and the model output it matches.

Columns: ``target`` (id), ``use``, ``model_output``, ``model_year``, ``data_year``,
``observed``, ``low``, ``high``, ``unit``, ``source``, ``note``. ``use`` is ``calibrate`` (in
the distance unless the calibration file lists its own), ``report`` (in the fit table only; the
note says why it is not fitted), ``validate`` (the servitization effects), ``anchor`` (a model
input) or ``unmatched`` (no model counterpart).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from experiments.errors import UsageError

USES = ("calibrate", "report", "validate", "anchor", "unmatched")
COLUMNS = ("target", "use", "model_output", "model_year", "data_year", "observed", "low",
           "high", "unit", "source", "note")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class Target:
    """One row of the targets file.

    Attributes:
        id: the target's name (``target`` column).
        use: ``calibrate`` (in the distance by default), ``report`` (fit table only),
            ``validate`` (servitization effects), ``anchor`` (a model input) or ``unmatched``.
        model_output: the output of the model that matches it (empty for anchors).
        model_year: the model's year(s) it is matched on.
        data_year: the year(s) of the data.
        observed, low, high: the data and its range (``nan`` when not given).
        unit, source, note: as in the file.

    """

    id: str
    use: str
    model_output: str
    model_year: str
    data_year: str
    observed: float
    low: float
    high: float
    unit: str
    source: str
    note: str

    @property
    def has_range(self) -> bool:
        """Whether both ends of the range are given."""
        return not (math.isnan(self.low) or math.isnan(self.high))

    @property
    def half_width(self) -> float:
        """Half the range: the unit of this target's distance."""
        return (self.high - self.low) / 2


def load_targets(path: str | Path) -> dict[str, Target]:
    """Read the targets file (CSV with a header; one row per target, with its source).

    Raises:
        UsageError: a missing file or column, a repeated id, a bad number or range.

    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot read the targets file ({err.strerror})") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageError(f"{path}: missing column(s) {', '.join(missing)}; expected "
                         f"{', '.join(COLUMNS)}")
    targets: dict[str, Target] = {}
    for line, row in enumerate(reader, start=2):
        tid = (row["target"] or "").strip()
        at = f"{path}: line {line}, target '{tid}'"
        if not _NAME.match(tid):
            raise UsageError(f"{at}: the id must be a name (letters, digits, _)")
        if tid in targets:
            raise UsageError(f"{at}: repeated id")
        use = (row["use"] or "").strip()
        if use not in USES:
            raise UsageError(f"{at}, column use: {use!r} is not allowed; allowed "
                             f"{', '.join(USES)}")
        values = {}
        for col in ("observed", "low", "high"):
            raw = (row[col] or "").strip()
            try:
                values[col] = float(raw) if raw else math.nan
            except ValueError:
                raise UsageError(f"{at}, column {col}: {raw!r} is not a number") from None
            if not math.isfinite(values[col]) and raw:  # an infinite range would weigh 0
                empty = "" if col == "observed" else ", or leave the cell empty"
                raise UsageError(f"{at}, column {col}: {raw!r} is not a finite number; give "
                                 f"a number{empty}")
        if math.isnan(values["observed"]):
            raise UsageError(f"{at}, column observed: missing")
        t = Target(tid, use, (row["model_output"] or "").strip(), row["model_year"] or "",
                   row["data_year"] or "", values["observed"], values["low"], values["high"],
                   row["unit"] or "", row["source"] or "", row["note"] or "")
        if t.has_range and not t.low <= t.observed <= t.high:
            raise UsageError(f"{at}: observed {t.observed:g} is outside its range "
                             f"[{t.low:g}, {t.high:g}]")
        if use in ("calibrate", "report", "validate") and not t.model_output:
            raise UsageError(f"{at}, column model_output: missing (use '{use}' needs one)")
        targets[tid] = t
    if not targets:
        raise UsageError(f"{path}: no target rows")
    return targets
