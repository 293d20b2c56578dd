"""The workshop report: one self-contained HTML file, in French or English, from a batch folder.

``build_report(DIR, lang)`` reads the batch through the store and its analysis
(``DIR/analysis/``, made by :func:`experiments.analysis.analyze` when missing or out of date),
draws the report's figures in the chosen language, and renders the Jinja2 templates in
``experiments/report/templates/`` (autoescaped: experiment names and descriptions are shown as text,
never as HTML). Figures are embedded as base64 PNG, styles are inline: the file opens without
network, and can be mailed or printed as it is.

The report degrades gracefully: a custom model (``model = "module:function"``) has no
trajectories, bands or registry labels, a batch without classes has no scenario discovery,
and each missing part is said in one sentence instead of a figure.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis.notes import EVERY, history_note
from experiments.analysis.policies import kept_runs
from experiments.errors import ArgumentError, UsageError
from experiments.report import boxes, region, sections
from experiments.report.batch import Batch, load_batch
from experiments.report.i18n import LANGS, Translator
from experiments.report.typography import french_spacing
from experiments.spec.description import description_in
from experiments.store import Store
from model.scenarios import SCENARIO_COLOURS
from model.scenarios import SCENARIOS as CLASSES

TEMPLATES = Path(__file__).with_name("templates")


def environment() -> Any:
    """The Jinja2 environment: autoescape on, undefined names are errors."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)


def context(batch: Batch, t: Translator) -> dict[str, Any]:
    """Collect everything the templates show, texts already in the report's language."""
    # the runs whose 2020-2024 contradicts the data are left out of every conclusion
    ok = kept_runs(batch.results)[0]
    ctx: dict[str, Any] = {"t": t, "lang": t.lang, "servisim": batch.is_servisim,
                           "colours": SCENARIO_COLOURS,
                           "name": batch.spec.get("name", ""),
                           "description": description_in(batch.spec.get("description"), t.lang),
                           "n_runs": len(batch.results), "n_ok": len(ok),
                           "generated": t.date(datetime.now(UTC).isoformat(timespec="minutes")),
                           "version": _version("servisim") or "?"}
    ctx["region"] = region.region_page(batch, t)
    ctx["first"] = sections.first_page(batch, ok, t)
    ctx["scenarios"] = sections.scenarios(
        batch, ok, t, {c: region.class_description(batch, c, t) for c in region.CLASSES})
    ctx["sensitivity"] = sections.sensitivity(batch, t)
    ctx["discovery"] = sections.discovery_details(batch, ok, t)
    ctx["parameters"] = parameter_tables(batch, t)
    ctx["facts"] = facts(batch, t)
    return ctx


def facts(batch: Batch, t: Translator) -> dict[str, Any]:
    """The experiment's facts: design, runs, seeds, failures, versions, dates, run time.

    Each row is ``{"label", "items", "lang"}``: ``items`` are ``(text, code)`` pairs, the code
    name (a file, an outcome's column) shown as code beside its label; ``lang`` marks a text
    in another language than the report's (a description given in one language only).
    """
    spec, results = batch.spec, batch.results
    failed = results[results["status"].ne("ok")]
    runtime = float(pd.to_numeric(results.get("runtime_s"), errors="coerce").sum())
    last = Store(batch.root).last_written()
    design = spec.get("design", "?")
    text, text_lang = description_in(spec.get("description"), t.lang)
    preset = spec.get("preset")
    rows = [
        _row(t("facts.name"), spec.get("name", "")),
        _row(t("facts.description"), text or "—", lang=text_lang),
        _row(t("facts.file"), code=spec.get("experiment_file")),
        _row(t("facts.model"), code=spec.get("model", "servisim")),
        _row(t("facts.design"), t(f"design.{design}")) if f"design.{design}" in t.text
        else _row(t("facts.design"), code=design),
        _row(t("facts.samples"), "—" if spec.get("samples") is None
             else t.integer(spec["samples"])),
        _row(t("facts.points"), t.integer(spec.get("n_points") or 0)),
        _row(t("facts.replicates"), t.integer(spec.get("replicates") or 1)),
        _row(t("facts.seed"), str(spec.get("seed", "—"))),
        _row(t("facts.seeds"), t("facts.seeds_text")),
    ]
    if batch.is_servisim:
        rows += [_row(t("facts.scale"), t.sig(spec.get("scale") or 0)),
                 _row(t("facts.preset"), t.klass(preset) if preset in CLASSES
                      else "" if preset else t("facts.no_preset"), code=preset)]
    outcomes = [(t.indicator(o) if t.indicator(o) != o else "", o)
                for o in spec.get("outcomes") or []]
    rows += [
        {"label": t("facts.outcomes"), "items": outcomes or [("—", None)], "lang": None},
        _row(t("facts.runs"), t("facts.runs_text", planned=t.integer(spec.get("n_runs") or 0),
                                done=t.integer(len(results)), failed=t.integer(len(failed)))),
        _row(t("facts.compute"), t("facts.compute_text", total=t.duration(runtime),
                                   mean=t.duration(runtime / max(len(results), 1)))),
        _row(t("facts.started"), t.date(spec.get("created"))),
        _row(t("facts.last_run"), t.date(last)),
        _row(t("facts.analysed"), t.date(batch.summary.get("created"))),
        _row(t("facts.fingerprint"), code=spec.get("fingerprint")),
    ]
    versions = {"servisim": spec.get("servisim_version")} | (spec.get("versions") or {})
    versions_text = ", ".join(f"{k} {v}" for k, v in versions.items() if v)
    here = f"Python {sys.version.split()[0]}, " + ", ".join(
        f"{p} {_version(p)}" for p in ("matplotlib", "jinja2") if _version(p))
    errors = [(r.run_id, str(r.error).strip().splitlines()[-1][:300] if r.error else "—")
              for r in failed.head(10).itertuples()]
    folder = shown_folder(batch.root)
    return {"rows": rows, "versions": versions_text, "report_versions": here,
            "errors": errors, "n_failed": len(failed), "notes": analysis_notes(batch, t),
            "source": batch.source, "folder": folder,
            "file": spec.get("experiment_file") or "experiment.toml",
            # a custom model's module is found beside the experiment file, not the copy's
            "module": None if batch.is_servisim else str(spec.get("model", "")).split(":")[0]}


def _row(label: str, text: str = "", code: str | None = None,
         lang: str | None = None) -> dict[str, Any]:
    """One fact: a text, a code name, or both (``—`` when neither)."""
    return {"label": label, "items": [(text, code or None)] if text or code else [("—", None)],
            "lang": lang}


def analysis_notes(batch: Batch, t: Translator) -> list[tuple[str, str]]:
    """The analysis's notes in the report's language, as ``(text, language)``.

    An analysis made before the notes had keys has only their English sentences: they are
    shown as they are, marked as English.
    """
    records = batch.summary.get("note_records")
    if records is None:
        return [(str(n), "en") for n in batch.summary.get("notes") or []]
    out = []
    for note in records:
        note = _history_as_designed(note, batch.spec.get("design"))
        key = f"note.{note.get('key')}"
        if key not in t.text:
            out.append((str(note.get("text", "")), "en"))
            continue
        values = {k: t.integer(v) if isinstance(v, int | float) else str(v)
                  for k, v in (note.get("values") or {}).items()}
        text = t(key, **values)
        outcomes = list(note.get("outcomes") or [])
        if outcomes:
            about = t("note.every_outcome") if outcomes == list(EVERY) else \
                t.join([t.indicator(o) for o in outcomes])
            text = t("note.about", outcomes=about, text=text)
        out.append((text[:1].upper() + text[1:], t.lang))
    return out


def _history_as_designed(note: dict[str, Any], design: str | None) -> dict[str, Any]:
    """A history note as :func:`~experiments.analysis.notes.history_note` writes it now.

    An analysis written before the note depended on the design has one sentence for every
    design; only a Sobol or Morris design's indices keep the left-out runs, and only theirs
    may say so.
    """
    if note.get("key") != "history_left_out" or not isinstance(note.get("values"), dict):
        return note
    values = note["values"]
    return history_note(design, values.get("left_out"), values.get("checked")).record()


def _short(value: Any, unit: str | None, t: Translator) -> str:
    return t.value(value, unit) if isinstance(value, bool) else t.tick(float(value), unit)


def parameter_tables(batch: Batch, t: Translator) -> dict[str, Any]:
    """The varied parameters (range explored) and the fixed ones (value), from the registry."""
    reg = boxes.registry(batch)
    spec = batch.spec
    varied = []
    for name, values in (spec.get("parameters") or {}).items():
        prm = reg.get(name)
        unit = prm.unit if prm else None
        if spec.get("design") == "grid":
            levels = [_short(v, unit, t) for v in values]
            explored = t("params.levels", levels=t("word.list_sep").join(levels))
        else:  # the unit has its own column
            explored = t("cond.range", low=_short(values[0], unit, t),
                         high=_short(values[-1], unit, t))
        varied.append({"name": name, "label": t.param_label(name),
                       "meaning": t.param_meaning(name, prm.meaning) if prm else "—",
                       "range": explored, "unit": t.unit(unit) or "—",
                       "source": t.param_source(name)})
    fixed = []
    for name, value in (spec.get("fixed") or {}).items():
        prm = reg.get(name)
        unit = prm.unit if prm else None
        fixed.append({"name": name, "label": t.param_label(name),
                      "meaning": t.param_meaning(name, prm.meaning) if prm else "—",
                      "value": t.value(value, unit), "source": t.param_source(name)})
    return {"varied": varied, "fixed": fixed}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def render(batch: Batch, lang: str) -> str:
    """Render the report's HTML in ``lang``."""
    t = Translator(lang)
    html = environment().get_template("report.html.j2").render(**context(batch, t))
    return french_spacing(html) if lang == "fr" else html


def _check_batch_folder(directory: Path) -> None:
    """Refuse a folder that is missing, not a batch folder, or not writable, naming the folder.

    Raises:
        UsageError: as said; a damaged ``spec.json`` too (said before any work).

    """
    from experiments.files import check_writable
    from experiments.store import Store

    if not directory.is_dir():
        raise UsageError(f"{directory}: {'is a file' if directory.exists() else 'no such folder'}"
                         "; give the folder of a batch (servisim batch EXPERIMENT.toml --out DIR)")
    Store(directory).spec()
    check_writable(directory, directory, "directory",
                   remedy="write the report elsewhere with --out FILE")


def default_path(directory: str | Path, lang: str) -> Path:
    """Where the report goes by default: ``DIR/report-<lang>.html``."""
    return Path(directory) / f"report-{lang}.html"


def shown_folder(root: Path) -> str:
    """The batch folder as the redo commands name it, the same in every language.

    Relative to the working directory when the folder is below it (``results/workshop``),
    else absolute: however the report was asked for, both languages print the same commands.
    """
    path = Path(root).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def build_report(directory: str | Path, lang: str = "fr", out: str | Path | None = None,
                 stream: Any = None) -> Path:
    """Write the workshop report of a batch folder.

    Args:
        directory: the batch folder (``servisim batch ... --out DIR``).
        lang: ``fr`` or ``en``.
        out: the HTML file; default ``DIR/report-<lang>.html``.
        stream: where to say that the analysis is being (re)made (default: nowhere).

    Returns:
        The path of the report.

    Raises:
        UsageError: an unknown language, not a batch folder, no run to report on.

    """
    if lang not in LANGS:
        raise ArgumentError("lang", lang, f"unknown language; allowed {', '.join(LANGS)}")
    from experiments.files import (
        atomic_write,
        check_report_file,
        check_writable,
        out_argument,
        writing,
    )

    if out is None:  # the folder first: the file's checks would blame it on report-<lang>.html
        _check_batch_folder(Path(directory))
    path = out_argument(out) if out is not None else default_path(directory, lang)
    # before the analysis: a refusal costs nothing
    check_report_file(path, Path(directory))
    check_writable(next(p for p in path.parents if p.exists()), path)
    batch = load_batch(directory, stream)
    html = render(batch, lang)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, html.encode("utf-8"))
    return path


__all__ = ["Batch", "build_report", "load_batch", "render"]
