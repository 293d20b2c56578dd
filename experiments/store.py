"""The result store: one folder per experiment, Parquet parts, atomic writes.

``DIR/`` holds ``experiment.toml`` (the user's file, byte for byte), ``spec.json`` (the resolved
experiment with its fingerprint), ``samples.parquet`` (the design), ``runs.parquet`` (the run
plan with every seed), ``results/part-*.parquet`` (one row per finished run) and, if asked for,
``trajectories/part-*.parquet``. Every file is written to a temporary name and renamed into
place, so a crash never leaves half a file; a run counts as done once its row is in a part.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.analysis_folder import foreign_analysis_files
from experiments.errors import DamagedFileError, UsageError, argument
from experiments.files import (
    ANALYSIS_LOCK,
    LOCK,
    atomic_parquet,
    atomic_write,
    our_temp,
    remove_stale_temps,
)

SPEC, SAMPLES, RUNS, SOURCE = "spec.json", "samples.parquet", "runs.parquet", "experiment.toml"
RESULTS, TRAJECTORIES, ANALYSIS = "results", "trajectories", "analysis"
_PART = re.compile(r"part-(\d{20})-\d+\.parquet")  # the name write_part gives


def _same_table(path: Path, frame: pd.DataFrame) -> bool:
    """Whether a Parquet file holds exactly ``frame`` (unreadable: no)."""
    try:
        stored = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError):
        return False
    return stored.equals(pa.Table.from_pandas(frame, preserve_index=False))


def read_part(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one Parquet part (or plan file) of a result folder.

    Raises:
        DamagedFileError: the file is truncated or not Parquet; the message says what to
            delete (a part: its runs are run again) and to rerun the batch.

    """
    try:
        return pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError, ValueError) as err:
        missing = not path.exists()  # said as missing, not as damaged
        if isinstance(err, OSError) and not isinstance(err, pa.ArrowException) \
                and err.errno is not None and not missing:
            raise  # the disk or the folder, not the file: reported as such by the caller
        reason = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        state = "is missing" if missing else f"is damaged ({reason})"
        root = path.parent.parent if path.parent.name in (RESULTS, TRAJECTORIES) else path.parent
        # a trajectory part's runs are done while their result part is: delete both to rerun
        twin = root / RESULTS / path.name
        both = path.parent.name == TRAJECTORIES and twin.is_file()
        if path.parent == root:  # samples.parquet, runs.parquet: the batch rewrites them
            raise DamagedFileError(
                f"{path}: the file {state}; run the same `servisim batch "
                f"EXPERIMENT.toml --out {root}` again: it writes the file again from the "
                "experiment, and every finished run is kept") from None
        raise DamagedFileError(
            f"{path}: the file {state}; delete it "
            f"{f'and {twin} ' if both else ''}and run the same "
            f"`servisim batch EXPERIMENT.toml --out {root}` again: the runs "
            f"{'they' if both else 'it'} held are run again, the others are kept") from None


class Store:
    """A result folder.

    Args:
        root: the folder (``--out``).

    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def spec_path(self) -> Path:
        """``DIR/spec.json``."""
        return self.root / SPEC

    def exists(self) -> bool:
        """Whether the folder already holds an experiment."""
        return self.spec_path.is_file()

    def spec(self) -> dict[str, Any]:
        """Read the resolved experiment (``spec.json``)."""
        if not self.exists():
            raise UsageError(f"{self.root}: not a servisim batch folder (no {SPEC}); run "
                             "`servisim batch EXPERIMENT.toml --out DIR` first")
        try:
            spec = json.loads(self.spec_path.read_text(encoding="utf-8"))
            if not isinstance(spec, dict) or "kinds" not in spec:
                raise ValueError("not the spec of a servisim batch")
        except (ValueError, UnicodeDecodeError) as err:
            if not self._has_batch_files():  # a spec.json of the user's: never "delete it"
                raise UsageError(f"{self.root}: not a servisim batch folder (its {SPEC} was "
                                 "not written by servisim batch); run `servisim batch "
                                 "EXPERIMENT.toml --out DIR` on a new folder first") from None
            raise DamagedFileError(
                f"{self.spec_path}: the file is damaged ({str(err)[:120]}); delete it and run "
                f"the same `servisim batch EXPERIMENT.toml --out {self.root}` again: it "
                "writes the file again, and every finished run is kept") from None
        return spec

    def _has_batch_files(self) -> bool:
        """Whether the folder holds files a batch writes besides ``spec.json``."""
        return any((self.root / n).is_file() for n in (SOURCE, SAMPLES, RUNS)) \
            or bool(self.parts())

    def foreign(self, source: bytes, samples: pd.DataFrame, plan: pd.DataFrame) -> list[str]:
        """What a folder without ``spec.json`` holds that this experiment's batch did not write.

        A batch killed before it wrote ``spec.json``, or one whose damaged ``spec.json`` was
        deleted, left only files equal to what this experiment writes (its file byte for
        byte, its plan) and result parts; anything else is the user's and is never written
        over or beside.

        Args:
            source: the experiment file's bytes.
            samples: the experiment's sample matrix.
            plan: its run plan.

        Returns:
            The names of what is not ours, sorted.

        """
        expected = {SAMPLES: samples, RUNS: plan}
        foreign = []
        for path in sorted(self.root.iterdir()):
            name = path.name
            if path.is_symlink():
                ours = False
            elif name == LOCK or our_temp(name, (SPEC, SAMPLES, RUNS, SOURCE)) is not None:
                ours = path.is_file()
            elif name == SOURCE:
                ours = path.is_file() and path.read_bytes() == source
            elif name in expected:
                ours = path.is_file() and _same_table(path, expected[name])
            elif name in (RESULTS, TRAJECTORIES):
                ours = path.is_dir() and all(
                    p.is_file() and not p.is_symlink() and (
                        fnmatch.fnmatchcase(p.name, "part-*.parquet")
                        or our_temp(p.name, ("part-*.parquet",)) is not None)
                    for p in path.iterdir())
            elif name == ANALYSIS:
                ours = path.is_dir() and not foreign_analysis_files(path)
            else:
                ours = name == ANALYSIS_LOCK and path.is_file()
            if not ours:
                foreign.append(name)
        return foreign

    def check_compatible(self, resolved: dict[str, Any], experiment_file: str,
                         source: bytes = b"", samples: pd.DataFrame | None = None,
                         plan: pd.DataFrame | None = None) -> None:
        """Refuse a folder that holds another experiment or files of the user's.

        A folder is a servisim batch folder when it holds a ``spec.json`` that servisim
        wrote; only such a folder, a missing or empty one, or one holding nothing but what
        this experiment's batch writes (:meth:`foreign`) is written to.

        Args:
            resolved: the experiment's ``spec.json`` contents.
            experiment_file: its file, for messages.
            source: its bytes (what ``experiment.toml`` must hold to be ours).
            samples: its sample matrix (what ``samples.parquet`` must hold).
            plan: its run plan (what ``runs.parquet`` must hold).

        Raises:
            UsageError: the folder holds a different experiment, or is not a result folder.

        """
        if not self.root.exists():
            return
        if not self.root.is_dir():
            raise UsageError(f"{argument('out_dir', self.root)}: exists and is not a folder")
        if not self.exists() or not self._has_batch_files() and not self._spec_is_ours():
            empty = pd.DataFrame()
            foreign = self.foreign(source, empty if samples is None else samples,
                                   empty if plan is None else plan)
            if foreign:
                shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more"
                                                  if len(foreign) > 3 else "")
                raise UsageError(f"{argument('out_dir', self.root)}: the folder exists and is "
                                 f"not a servisim batch folder (it holds {shown}); servisim "
                                 "batch never writes over or beside files of yours: choose a "
                                 "new or empty folder")
            return
        old = self.spec()
        if old.get("fingerprint") != resolved["fingerprint"]:
            differs = [k for k in resolved["fingerprinted"]
                       if old.get(k) != resolved.get(k)] or ["fingerprint"]
            raise UsageError(
                f"{argument('out_dir', self.root)}: holds results of a different experiment "
                f"('{old.get('name')}' from {old.get('experiment_file')}, fingerprint "
                f"{old.get('fingerprint')}); {experiment_file} differs in: "
                f"{', '.join(differs)}. Use another {argument('out_dir')} folder, or delete "
                f"{self.root} to start over")

    def _spec_is_ours(self) -> bool:
        try:
            self.spec()
        except UsageError:
            return False
        return True

    def check_belongs(self, done: pd.DataFrame, plan: pd.DataFrame, experiment_file: str) -> None:
        """Refuse a folder whose stored runs are not all runs of this experiment's plan.

        Only a folder whose ``spec.json`` was removed can get here with another experiment's
        runs (the fingerprint check catches the rest): resuming it would mix two experiments.

        Raises:
            UsageError: naming how many stored runs are foreign.

        """
        foreign = set(done["run_id"]) - set(plan["run_id"])
        if foreign:
            raise UsageError(f"{argument('out_dir', self.root)}: holds {len(foreign)} finished "
                             f"runs that are not runs of {experiment_file}; use another "
                             f"{argument('out_dir')} folder")

    def stored_plan(self, fingerprint: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """The sample matrix and run plan stored for this experiment, if the folder has them.

        Returns:
            ``(samples, plan)`` when ``spec.json`` holds ``fingerprint`` and both files read
            whole; otherwise ``None`` (the caller draws the design).

        """
        try:
            spec = self.spec() if self.exists() else None
            if spec is None or spec.get("fingerprint") != fingerprint:
                return None
            samples = read_part(self.root / SAMPLES).to_pandas()
            plan = read_part(self.root / RUNS).to_pandas()
        except (UsageError, OSError):
            return None  # damaged or missing: planned again, and reported where it matters
        if len(plan) != spec.get("n_runs") or len(samples) != spec.get("n_points"):
            return None
        return samples, plan

    def remove_leftovers(self) -> None:
        """Delete what killed batches left, before a batch resumes (under the folder's lock).

        Temporaries (``.*.PID.tmp``), and trajectory parts whose result part was never written:
        their runs are not done and run again, so the files would hold their quarters twice.
        """
        remove_stale_temps(self.root, (SPEC, SAMPLES, RUNS, SOURCE))
        for kind in (RESULTS, TRAJECTORIES):
            remove_stale_temps(self.root / kind, ("part-*.parquet",))
        for path in self.parts(TRAJECTORIES):
            if _PART.fullmatch(path.name) and not (self.root / RESULTS / path.name).exists():
                path.unlink(missing_ok=True)

    def create(self, resolved: dict[str, Any], source: bytes, samples: pd.DataFrame,
               plan: pd.DataFrame) -> None:
        """Write the experiment's files once (``spec.json`` last: it marks a valid store).

        In a folder that has them, a missing or damaged ``samples.parquet`` or
        ``runs.parquet`` is written again: both follow from the experiment alone. A resumed
        file may differ in what changes no run (its description, comments, ``run_timeout``):
        the folder then takes its text and description, which the report shows.
        """
        (self.root / RESULTS).mkdir(parents=True, exist_ok=True)
        if resolved.get("trajectories"):
            (self.root / TRAJECTORIES).mkdir(exist_ok=True)
        if self.exists():
            for name, frame in ((SAMPLES, samples), (RUNS, plan)):
                if not _same_table(self.root / name, frame):
                    atomic_parquet(pa.Table.from_pandas(frame, preserve_index=False),
                                   self.root / name)
            stored = self.spec()
            if stored.get("description") != resolved.get("description"):
                self.write_spec(stored | {"description": resolved.get("description")})
            copy = self.root / SOURCE
            if source and not (copy.is_file() and copy.read_bytes() == source):
                atomic_write(copy, source)
            return
        atomic_write(self.root / SOURCE, source)
        atomic_parquet(pa.Table.from_pandas(samples, preserve_index=False), self.root / SAMPLES)
        atomic_parquet(pa.Table.from_pandas(plan, preserve_index=False), self.root / RUNS)
        self.write_spec(resolved)

    def write_spec(self, resolved: dict[str, Any]) -> None:
        """(Re)write ``spec.json`` atomically."""
        public = {k: v for k, v in resolved.items() if k != "fingerprinted"}
        atomic_write(self.spec_path, (json.dumps(public, indent=2) + "\n").encode())

    def parts(self, kind: str = RESULTS) -> list[Path]:
        """List the committed part files, oldest first."""
        folder = self.root / kind
        return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []

    def last_written(self) -> str | None:
        """When the newest result part was written (ISO, UTC, to the minute), or ``None``.

        The time is the one in the part's name (``part-<time_ns>-<pid>``), which a copy of
        the folder keeps; the file's modification time only for a part named otherwise.
        """
        parts = self.parts()
        if not parts:
            return None
        named = _PART.fullmatch(parts[-1].name)
        seconds = int(named[1]) / 1e9 if named else parts[-1].stat().st_mtime
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="minutes")

    def source_text(self) -> str:
        """The experiment file as the user wrote it (empty when missing)."""
        path = self.root / SOURCE
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def trajectories(self, columns: list[str], run_ids: set[str]) -> pd.DataFrame | None:
        """Some columns of the stored trajectories of the runs ``run_ids``, or ``None``.

        Each run and quarter once; read in one multi-threaded pass over the parts (a workshop
        batch has about a thousand of them).
        :func:`experiments.stored.load_trajectories` reads every column, ordered like the
        results.
        """
        parts = self.parts(TRAJECTORIES)
        if not self.spec().get("trajectories") or not parts:
            return None
        import pyarrow.dataset as ds

        try:
            dataset = ds.dataset([str(p) for p in parts], format="parquet")
            present = [c for c in columns if c in dataset.schema.names]
            frame = dataset.to_table(columns=present).to_pandas()
        except pa.ArrowException:
            for part in parts:  # name the damaged part, as for results (rare: read them all)
                read_part(part, ["run_id"])
            raise
        frame = frame.drop_duplicates(["run_id", "quarter"], keep="first")
        return frame[frame["run_id"].isin(run_ids)].reset_index(drop=True)

    def analysed_runs(self) -> int | None:
        """How many finished runs the stored analysis used (``None``: no readable analysis)."""
        try:
            summary = json.loads((self.root / ANALYSIS / "summary.json").read_text("utf-8"))
            return int(summary.get("runs", {}).get("finished", -1))
        except (OSError, ValueError, AttributeError):
            return None

    def analysis(self) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
        """The analysis: ``summary.json`` and every table by file stem (empty files: empty)."""
        folder = self.root / ANALYSIS
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        tables = {}
        for path in sorted(folder.glob("*.csv")):
            try:
                tables[path.stem] = pd.read_csv(path)
            except pd.errors.EmptyDataError:
                tables[path.stem] = pd.DataFrame()
        return summary, tables

    def done(self) -> pd.DataFrame:
        """``run_id`` and ``status`` of every stored run (first copy of each)."""
        frames = [read_part(p, ["run_id", "status"]).to_pandas() for p in self.parts()]
        if not frames:
            return pd.DataFrame({"run_id": pd.Series([], dtype="str"),
                                 "status": pd.Series([], dtype="str")})
        return pd.concat(frames, ignore_index=True).drop_duplicates("run_id")

    def write_part(self, rows: list[dict[str, Any]], schema: pa.Schema,
                   trajectories: pa.Table | None = None) -> Path:
        """Append runs: trajectories first, then the result part that marks them done."""
        stem = f"part-{time.time_ns():020d}-{os.getpid()}"
        if trajectories is not None and trajectories.num_rows:
            atomic_parquet(trajectories, self.root / TRAJECTORIES / f"{stem}.parquet")
        path = self.root / RESULTS / f"{stem}.parquet"
        atomic_parquet(pa.Table.from_pylist(rows, schema=schema), path)
        return path
