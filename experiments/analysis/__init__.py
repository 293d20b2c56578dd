"""Analyse a batch folder: sensitivity indices, scenario discovery, tables and figures.

``analyze(DIR)`` reads the batch through the store, runs :mod:`experiments.analysis.sensitivity` and
:mod:`experiments.analysis.discovery`, and writes ``DIR/analysis/``:

- ``sobol.csv``, ``sobol_s2.csv``, ``sobol_convergence.csv`` (Sobol designs), ``morris.csv``,
  ``morris_convergence.csv`` (Morris designs) or ``pawn.csv`` (LHS and grid designs);
- ``seed_variance.csv``: the share of each outcome's variance due to the seed alone;
- ``scenario_shares.csv``, ``discovery.csv`` (box limits), ``discovery_boxes.csv`` (one row per
  box with its sentence in English and French), ``discovery_tree.csv`` (the tree's rules);
- ``discovery.md`` (the sentences), ``notes.csv``, ``summary.json`` (method, run counts,
  notes, top parameters, figures with captions) and ``figures/*.png``.

Every conclusion uses the kept runs only (:func:`~experiments.analysis.policies.kept_runs`:
the runs whose 2020-2024 history contradicts the data are left out): PAWN indices and the
seed's share, the classes, the boxes, the tree, the policies and the figures drawn from runs.
Sobol and Morris indices keep every run, since their estimators need the complete design.

The folder is built aside (``DIR/.analysis.PID.tmp``) and swapped into place, so a reader never
sees half an analysis; an ``analysis/`` holding anything an analysis does not write (a file of
the user's) is refused, not replaced (:mod:`experiments.analysis_folder`). One analysis at a
time writes to a folder (a lock, as for batches); temporary folders left by a killed analysis
are removed by the next one, and only those.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.analysis.discovery import CLASSES, classified_runs, discover, parameter_ranges
from experiments.analysis.notes import Note, history_note, merge_notes, record
from experiments.analysis.policies import kept_runs, policy_analysis
from experiments.analysis.precision import top_precision
from experiments.analysis.sensitivity import (
    INDEX_COLUMNS,
    METHODS,
    SCENARIO_SCORE,
    Sensitivity,
    sensitivity,
)
from experiments.analysis.sentences import shares_text
from experiments.errors import UsageError, argument

ANALYSIS = "analysis"


def load_batch(directory: str | Path) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Read a batch folder's spec, design and results through the store.

    Raises:
        UsageError: not a batch folder, unreadable files, no finished run, or only failed runs.

    """
    from experiments.stored import load_results, load_samples, load_spec

    root = Path(directory)
    if not root.is_dir():
        raise UsageError(f"{root}: " + ("is a file, not a batch folder" if root.exists()
                                        else "no such folder"))
    spec = load_spec(root)
    try:
        samples = load_samples(root)
        results = load_results(root)
    except (OSError, ValueError, KeyError) as err:
        raise UsageError(f"{root}: cannot read the batch ({type(err).__name__}: "
                         f"{str(err).splitlines()[0] if str(err) else 'unreadable'})") from err
    planned = spec.get("n_runs", "?")
    source = spec.get("experiment_file") or "EXPERIMENT.toml"
    if results.empty:
        raise UsageError(f"{root}: no run has finished yet (0 of {planned}); run "
                         f"`servisim batch {source} --out {root}` to finish the batch")
    ok = results["status"].eq("ok")
    if not ok.any():
        errors = results["error"].dropna().astype(str)
        first = errors.iloc[0].splitlines()[-1][:200] if len(errors) else "no error recorded"
        raise UsageError(f"{root}: all {len(results)} finished runs failed (first error: "
                         f"{first}); nothing to analyse")
    return spec, samples, results


def choose_outcomes(spec: dict, results: pd.DataFrame, wanted: list[str] | None) -> list[str]:
    """Pick the outcomes to analyse: the batch's, plus the scenario score when runs have a class.

    Raises:
        UsageError: an outcome that the batch does not have.

    """
    available = [o for o in spec.get("outcomes") or [] if o in results]
    if "scenario" in results and results["scenario"].isin(CLASSES).any():
        available.append(SCENARIO_SCORE)
    if not wanted:
        return available
    unknown = [o for o in wanted if o not in available]
    if unknown:
        raise UsageError(f"{argument('outcomes')}: unknown outcome {unknown[0]!r}; allowed: "
                         f"{', '.join(available) or '(none)'}")
    return list(dict.fromkeys(wanted))


def batch_notes(spec: dict, results: pd.DataFrame) -> list[str]:
    """Describe how complete the batch is, in plain sentences."""
    planned = int(spec.get("n_runs") or len(results))
    failed = int(results["status"].ne("ok").sum())
    notes = []
    if len(results) < planned:
        notes.append(Note("batch_partial", done=len(results), planned=planned))
    if failed:
        notes.append(Note("batch_failed", failed=failed, finished=len(results)))
    return notes


def analyze(directory: str | Path, outcomes: list[str] | None = None,
            figures: bool = True) -> dict[str, pd.DataFrame]:
    """Analyse a finished or partly finished batch and write ``DIR/analysis/``.

    Args:
        directory: The batch folder (``servisim batch ... --out DIR``).
        outcomes: Outcomes to analyse; default every outcome of the batch and, when runs have
            a scenario class, ``scenario_score`` (low = -1, trend = 0, high = 1).
        figures: Also draw the figures.

    Returns:
        The tables by name (the CSV file stems, plus ``notes``).

    Raises:
        UsageError: the folder is not a batch, has no finished or only failed runs, or an
            outcome is unknown.

    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # small matrices: threads only add contention
        return _analyze(Path(directory), outcomes, figures)


def _analyze(root: Path, outcomes: list[str] | None, figures: bool) -> dict[str, pd.DataFrame]:
    from experiments.analysis_folder import check_analysis_folder
    from experiments.files import check_writable

    spec, samples, results = load_batch(root)
    check_writable(root, root, "directory", remedy="the analysis is written in the batch folder: "
                   "copy the folder somewhere writable and analyse the copy")
    check_analysis_folder(root / ANALYSIS)  # before the work; checked again at the swap
    chosen = choose_outcomes(spec, results, outcomes)
    notes = [("batch", n) for n in batch_notes(spec, results)]
    tables: dict[str, pd.DataFrame] = {}
    sens = None
    if chosen:
        sens = sensitivity(spec, samples, results, chosen)
        tables.update(sens.tables)
        notes += [("sensitivity", n) for n in merge_notes(sens.notes, chosen)]
    else:
        notes.append(("sensitivity", Note("no_numeric_outcome")))
    policy_tables, plausibility = policy_analysis(spec, samples, results, chosen)
    tables.update(policy_tables)
    if plausibility["left_out"]:
        notes.append(("history", history_note(spec.get("design"), plausibility["left_out"],
                                              plausibility["checked"])))
    kept = kept_runs(results)[0]
    found = discover(spec, samples, kept)
    notes += [("discovery", n) for n in found.notes]
    tables.update({"scenario_shares": found.shares, "discovery": found.boxes,
                   "discovery_boxes": found.summary, "discovery_tree": found.tree})
    tables["notes"] = pd.DataFrame([(topic, note, record(note)["key"]) for topic, note in notes],
                                   columns=["topic", "note", "key"])

    order = ranking(sens) if sens else []
    top = {o: ranking(sens, o)[:5] for o in chosen} if sens else {}
    summary = {
        "experiment": spec.get("name"), "design": spec.get("design"),
        "method": sens.method if sens else None,
        "method_text": METHODS[sens.method] if sens else None,
        "outcomes": chosen,
        "runs": {"planned": int(spec.get("n_runs") or len(results)),
                 "finished": len(results), "ok": int(results["status"].eq("ok").sum()),
                 "failed": int(results["status"].ne("ok").sum())},
        "top_parameters": top,
        "precision": top_precision(tables.get("sobol")) if sens else None,
        "tree_accuracy": None if pd.isna(found.tree_accuracy) else found.tree_accuracy,
        "plausibility": plausibility,
        "notes": [str(n) for _, n in notes],
        "note_records": [record(n) for _, n in notes],
        "tables": sorted(k for k, v in tables.items() if v is not None),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    from experiments.analysis_folder import remove_stale_analyses
    from experiments.files import ANALYSIS_LOCK, FolderLock, temp_name, writing

    with FolderLock(root, "servisim analyze", "directory", name=ANALYSIS_LOCK), \
            writing(root, "directory", target=root / ANALYSIS):
        # what a killed analysis left; never a folder of the user's such as .analysis-keep
        remove_stale_analyses(root / ANALYSIS)
        tmp = temp_name(root / ANALYSIS)
        try:
            work = tmp / ANALYSIS
            (work / "figures").mkdir(parents=True)
            for name, table in tables.items():
                table.to_csv(work / f"{name}.csv", index=False)
            (work / "discovery.md").write_text(discovery_markdown(found, spec),
                                               encoding="utf-8")
            summary["figures"] = ([{"file": f"figures/{f}", "caption": c} for f, c in
                                   draw(spec, samples, kept, tables, sens, order,
                                        work / "figures")] if figures else [])
            (work / "summary.json").write_text(
                json.dumps(summary, indent=2, default=_json) + "\n", encoding="utf-8")
            _swap(work, root / ANALYSIS)
        except OSError as err:  # name the file it would have been, not the temporary one
            name = str(err.filename or "")
            if name.startswith(str(work)):
                err.filename = str(root / ANALYSIS) + name[len(str(work)):]
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    tables["summary"] = pd.json_normalize(summary, max_level=0)
    return tables


def draw(spec: dict, samples: pd.DataFrame, results: pd.DataFrame,
         tables: dict[str, pd.DataFrame], sens: Sensitivity | None, order: list[str],
         folder: Path) -> list[tuple[str, str]]:
    """Draw every figure that the tables allow, in English; return ``(file, caption)`` pairs.

    ``results`` are the runs the figures of runs (scenario map, regimes) show: the kept runs.
    """
    from experiments.figures import (
        boxes,
        convergence,
        indices,
        interactions,
        regimes,
        scenario_map,
        screening,
        shares,
    )
    from experiments.figures.text import FigureText

    t = FigureText("en")
    out: list[tuple[str, str]] = []

    def save(name: str, png: bytes, caption: str) -> None:
        (folder / name).write_bytes(png)
        out.append((name, caption))

    method = sens.method if sens is not None else None
    main = tables.get(method) if method else None
    if main is not None and not main.empty:
        columns = [(c, k, t(legend)) for c, k, legend in INDEX_COLUMNS[method]]
        for outcome in dict.fromkeys(main["outcome"]):
            label = t.indicator(outcome)
            save(f"{method}_{slug(outcome)}.png",
                 indices.index_bars(main, columns, [outcome], t, top=None),
                 t("caption.indices", outcome=label, method=method))
            if method == "morris":
                save(f"morris_sigma_{slug(outcome)}.png", screening.mu_sigma(main, outcome, t),
                     t("caption.screening", outcome=label))
            s2 = tables.get("sobol_s2")
            if method == "sobol" and s2 is not None and (s2["outcome"] == outcome).any():
                save(f"sobol_s2_{slug(outcome)}.png", interactions.s2_heatmap(s2, outcome, t),
                     t("caption.interactions", outcome=label))
            conv = tables.get(f"{method}_convergence")
            if conv is not None and (conv["outcome"] == outcome).any():
                names = list(dict.fromkeys(conv.loc[conv["outcome"] == outcome, "parameter"]))
                save(f"convergence_{slug(outcome)}.png",
                     convergence.convergence(conv, [c for c, _, _ in columns][::-1], outcome,
                                             names, t),
                     t("caption.convergence", outcome=label))
    x, classes = classified_runs(spec, samples, results)
    ranges = parameter_ranges(spec, x)
    found, summary = tables["discovery"], tables["discovery_boxes"]
    if not order:
        order = list(dict.fromkeys(found["parameter"])) + [p for p in x if p not in
                                                           set(found["parameter"])]
    share_table = tables["scenario_shares"]
    if not share_table.empty:
        along = ["all", *[p for p in dict.fromkeys(share_table["parameter"]) if p != "all"]]
        save("scenario_shares.png", shares.shares_along(share_table, along, {}, t),
             t("caption.shares"))
    pair = [p for p in order if p in x][:2]
    if len(pair) == 2 and not classes.empty:
        save("scenario_map.png",
             scenario_map.scenario_map(x, classes, pair, found, ranges, {}, t),
             t("caption.map", x=t.param_label(pair[0]), y=t.param_label(pair[1])))
    if not found.empty:
        save("discovery_boxes.png", boxes.box_limits(found, summary, ranges, t),
             t("caption.boxes"))
    regime = [p for p in dict.fromkeys([*found["parameter"], *order]) if p in x][:8]
    if regime and not classes.empty:
        save("regimes_boxplot.png", regimes.regime_boxplots(x, classes, regime, ranges, t),
             t("caption.regimes"))
    return out


def discovery_markdown(found, spec: dict) -> str:
    """Write the discovered regimes as Markdown: one sentence per box, then the tree's rules."""
    lines = [f"# Scenario discovery: {spec.get('name', '')}", ""]
    if found.summary.empty:
        lines += [*(f"- {n}" for n in found.notes), ""]
        return "\n".join(lines)
    overall = found.shares[found.shares["parameter"] == "all"]
    lines.append(f"Share of runs: {shares_text(overall)}.")
    lines.append("")
    for scenario in CLASSES:
        lines.append(f"## {scenario}")
        lines += [f"- {s}" for s in found.summary.loc[found.summary["scenario"] == scenario,
                                                       "sentence"]]
        lines.append("")
    if not found.tree.empty:
        lines.append(f"## Decision tree (cross-check, cross-validated accuracy "
                     f"{found.tree_accuracy:.0%})")
        lines += [f"- {s}" for s in found.tree["sentence"]]
        lines.append("")
    return "\n".join(lines)


def ranking(result: Sensitivity, outcome: str | None = None) -> list[str]:
    """Rank parameters from most to least influential (ST, mu* or PAWN) for one outcome.

    Without ``outcome``: :data:`SCENARIO_SCORE` when analysed, else the first outcome.
    """
    table = result.tables.get(result.method)
    if table is None or table.empty:
        return []
    key = INDEX_COLUMNS[result.method][0][0]
    names = list(dict.fromkeys(table["outcome"]))
    chosen = outcome or (SCENARIO_SCORE if SCENARIO_SCORE in names else names[0])
    rows = table[table["outcome"] == chosen].sort_values(key, ascending=False)
    return rows["parameter"].tolist()


def slug(text: str) -> str:
    """Make a file-name-safe form of an outcome name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "outcome"


def _swap(new: Path, target: Path) -> None:
    """Move the finished folder into place, replacing an older analysis.

    Raises:
        OutputPathError: ``target`` is a file or a link, or holds files that no analysis
            wrote; nothing is moved or removed.

    """
    from experiments.analysis_folder import check_analysis_folder, foreign_analysis_files

    check_analysis_folder(target, new)  # only ever replace what servisim itself wrote
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old.{os.getpid()}.tmp")
        os.replace(target, old)
    os.replace(new, target)
    # checked again: a file the user added since the check is kept (in the old folder)
    written = [p.relative_to(target).as_posix() for p in target.rglob("*")]
    if old is not None and not foreign_analysis_files(old, written):
        shutil.rmtree(old, ignore_errors=True)


def _json(value):
    try:
        return None if pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return str(value)
