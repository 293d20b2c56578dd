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

from experiments.analysis.policies import kept_runs
from experiments.errors import ArgumentError
from experiments.report import region, sections
from experiments.report.batch import Batch, load_batch
from experiments.report.i18n import LANGS, Translator
from experiments.store import Store
from model.scenarios import SCENARIO_COLOURS

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
                           "description": batch.spec.get("description") or "",
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
    """The experiment's facts: design, runs, seeds, failures, versions, dates, run time."""
    spec, results = batch.spec, batch.results
    failed = results[results["status"].ne("ok")]
    runtime = float(pd.to_numeric(results.get("runtime_s"), errors="coerce").sum())
    last = Store(batch.root).last_written()
    design = spec.get("design", "?")
    rows = [
        (t("facts.name"), spec.get("name", "")),
        (t("facts.description"), spec.get("description") or "—"),
        (t("facts.file"), spec.get("experiment_file") or "—"),
        (t("facts.model"), spec.get("model", "servisim")),
        (t("facts.design"), t(f"design.{design}") if f"design.{design}" in t.text else design),
        (t("facts.samples"), "—" if spec.get("samples") is None else t.integer(spec["samples"])),
        (t("facts.points"), t.integer(spec.get("n_points") or 0)),
        (t("facts.replicates"), t.integer(spec.get("replicates") or 1)),
        (t("facts.seed"), str(spec.get("seed", "—"))),
        (t("facts.seeds"), t("facts.seeds_text")),
    ]
    if batch.is_servisim:
        rows += [(t("facts.scale"), t.sig(spec.get("scale") or 0)),
                 (t("facts.preset"), spec.get("preset") or t("word.none"))]
    rows += [
        (t("facts.outcomes"), "; ".join(f"{t.indicator(o)} ({o})" if t.indicator(o) != o
                                        else o for o in spec.get("outcomes") or [])),
        (t("facts.runs"), t("facts.runs_text", planned=t.integer(spec.get("n_runs") or 0),
                            done=t.integer(len(results)), failed=t.integer(len(failed)))),
        (t("facts.compute"), t("facts.compute_text", total=t.duration(runtime),
                               mean=t.duration(runtime / max(len(results), 1)))),
        (t("facts.started"), t.date(spec.get("created"))),
        (t("facts.last_run"), t.date(last)),
        (t("facts.analysed"), t.date(batch.summary.get("created"))),
        (t("facts.fingerprint"), spec.get("fingerprint") or "—"),
    ]
    versions = {"servisim": spec.get("servisim_version")} | (spec.get("versions") or {})
    versions_text = ", ".join(f"{k} {v}" for k, v in versions.items() if v)
    here = f"Python {sys.version.split()[0]}, " + ", ".join(
        f"{p} {_version(p)}" for p in ("matplotlib", "jinja2") if _version(p))
    errors = [(r.run_id, str(r.error).strip().splitlines()[-1][:300] if r.error else "—")
              for r in failed.head(10).itertuples()]
    notes = [str(n) for n in batch.summary.get("notes") or []]
    folder = str(batch.root)
    return {"rows": rows, "versions": versions_text, "report_versions": here,
            "errors": errors, "n_failed": len(failed), "notes": notes,
            "source": batch.source, "folder": folder,
            "file": spec.get("experiment_file") or "experiment.toml"}


def _short(value: Any, unit: str | None, t: Translator) -> str:
    return t.value(value, unit) if isinstance(value, bool) else t.tick(float(value), unit)


def parameter_tables(batch: Batch, t: Translator) -> dict[str, Any]:
    """The varied parameters (range explored) and the fixed ones (value), from the registry."""
    reg = sections.registry(batch)
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
                       "source": prm.source if prm else "—"})
    fixed = []
    for name, value in (spec.get("fixed") or {}).items():
        prm = reg.get(name)
        unit = prm.unit if prm else None
        fixed.append({"name": name, "label": t.param_label(name),
                      "meaning": t.param_meaning(name, prm.meaning) if prm else "—",
                      "value": t.value(value, unit), "source": prm.source if prm else "—"})
    return {"varied": varied, "fixed": fixed}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def render(batch: Batch, lang: str) -> str:
    """Render the report's HTML in ``lang``."""
    t = Translator(lang)
    return environment().get_template("report.html.j2").render(**context(batch, t))


def default_path(directory: str | Path, lang: str) -> Path:
    """Where the report goes by default: ``DIR/report-<lang>.html``."""
    return Path(directory) / f"report-{lang}.html"


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
