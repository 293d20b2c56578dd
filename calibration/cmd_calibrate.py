"""``servisim calibrate``: ABC calibration against the region's 2020-2024 data (resumable).

Fit the free parameters of a calibration file to its targets by approximate Bayesian
computation (APMC) over the batch engine; write the posterior, a summary, the fit table, the
servitization effects, figures and calibrated.toml to --out.

A plugin of the ``servisim`` command line (entry point group ``servisim.commands``), so that
``experiments`` never imports ``calibration``. Writes to ``--out``: ``posterior.parquet``
(the accepted particles), ``generations.csv``, ``summary.csv`` and ``candidates.csv`` (the
calibrated value and how it was chosen), ``fit.csv``, ``effects.csv``, ``presets.csv``,
``figures/*.png`` and ``calibrated.toml`` (copy it to ``calibration/calibrated.toml`` to make the
registry use it). Every batch is stored under ``--out/batches`` by the batch engine: rerunning
the same command resumes; a larger ``--budget`` continues the same calibration.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibration.config import DEFAULT_CONFIG, CalibrationConfig, load_config
from experiments.cli.options import (
    add_engine_options,
    add_progress_option,
    add_verb,
    chosen_engine,
    path_argument,
    resumable,
    whole_number,
)
from experiments.errors import UsageError, argument
from experiments.runs.engines import check_engine_options

if TYPE_CHECKING:  # numpy and pandas are imported when a calibration runs, not by the CLI
    import pandas as pd



def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` sub-command."""
    p = add_verb(sub, "calibrate", __doc__, handle)
    p.add_argument("--config", default=str(DEFAULT_CONFIG), metavar="FILE",
                   help="calibration file (default: calibration/calibration.toml)")
    p.add_argument("--budget", type=whole_number, metavar="N",
                   help="simulations in all generations (default: the file's budget)")
    add_engine_options(p)
    p.add_argument("--out", default=str(Path("results") / "calibration"),
                   help="output folder (default ./results/calibration)")
    add_progress_option(p, default="none",
                        what="each generation's batch (a line per generation is printed anyway)")


def handle(args: argparse.Namespace) -> int:
    """Check everything, then calibrate and print the outcome."""
    from experiments.files import out_argument

    engine = chosen_engine(args)
    check_engine_options(engine, args.workers, args.scheduler)
    config = path_argument(args.config, "config",
                           "a calibration file, e.g. calibration/calibration.toml")
    out = out_argument(args.out, "out")
    cfg = load_config(config, args.budget)
    # every generation is a batch under OUT/batches: a rerun skips the runs stored there
    with resumable("calibrate", f"finished runs are saved in {out / 'batches'}"):
        calibrate(cfg, out, engine=engine, scheduler=args.scheduler, workers=args.workers,
                  progress=args.progress, log=print)
    return 0


def prepare_out(cfg: CalibrationConfig, out: Path) -> None:
    """Create the output folder, or check that it holds this calibration (to resume it)."""
    from calibration.abc import CONFIG_COPY, STATE, fingerprint

    state = {"fingerprint": fingerprint(cfg), "config": str(cfg.path)}
    marker = out / STATE
    if out.exists() and not out.is_dir():
        raise UsageError(f"{argument('out', out)}: is a file, not a folder; choose a new "
                         "folder name")
    if marker.exists():
        old = json.loads(marker.read_text())
        if old.get("fingerprint") != state["fingerprint"]:
            raise UsageError(f"{argument('out', out)}: holds another calibration (from "
                             f"{old.get('config')})"
                             "; choose another folder or delete it")
    elif out.exists() and any(out.iterdir()):
        raise UsageError(f"{argument('out', out)}: exists and is not a calibration folder; "
                         "choose an "
                         "empty or new folder")
    out.mkdir(parents=True, exist_ok=True)
    (out / CONFIG_COPY).write_bytes(cfg.source)
    marker.write_text(json.dumps(state, indent=1))


def calibrate(cfg: CalibrationConfig, out: Path, engine: str = "local",
              scheduler: str | None = None, workers: int | None = None,
              progress: str | None = "none", log: Any = None) -> dict[str, Any]:
    """Run the whole calibration and write every output file.

    Returns:
        The tables: ``posterior``, ``summary``, ``fit``, ``effects``, ``presets``,
        ``history`` and the seconds taken (``seconds``).

    """
    from calibration import fit as fitting
    from calibration.abc import Runner, fingerprint, run_abc

    log = log or (lambda _line: None)
    started = time.perf_counter()
    prepare_out(cfg, out)
    runner = Runner(out, engine, scheduler, workers, progress, cfg.model_paths)
    log(f"servisim calibrate: {cfg.name}: {len(cfg.priors)} free parameters, "
        f"{len(cfg.used)} targets, budget {cfg.budget}, population {cfg.population}, "
        f"engine {engine}")
    post = run_abc(cfg, runner, log)
    abc_seconds, abc_new = time.perf_counter() - started, runner.new_runs
    post.particles.to_parquet(out / "posterior.parquet")
    post.history.to_csv(out / "generations.csv", index=False)
    summary = fitting.summary(cfg, post.particles)
    candidates, runs, table = _candidates(cfg, runner, post.particles, summary)
    pick, presets = _select(cfg, runner, candidates, table, log)
    table.insert(2, "chosen", [i == pick for i in range(len(table))])
    table.to_csv(out / "candidates.csv", index=False)
    calibrated = candidates[pick]
    summary["calibrated"] = [calibrated[name] for name in summary["parameter"]]
    summary["calibrated_from"] = table["source"][pick]
    summary.to_csv(out / "summary.csv", index=False)
    literature = runs[runs["particle"] == len(candidates) - 1] if cfg.is_servisim else None
    fit = fitting.fit_table(cfg, post.particles, runs[runs["particle"] == pick], literature)
    fit.to_csv(out / "fit.csv", index=False)
    effects = _effects(cfg, runner, post.particles)
    if effects is not None:
        effects.to_csv(out / "effects.csv", index=False)
    if presets is not None:
        presets.to_csv(out / "presets.csv", index=False)
    fitting.figures(cfg, post.particles, post.history, fit, out / "figures", effects)
    (out / "calibrated.toml").write_text(fitting.calibrated_toml(
        cfg, summary, post.runs, len(post.particles), fingerprint(cfg)))
    seconds = time.perf_counter() - started
    _report(log, cfg, post, summary, fit, effects, presets, (abc_new, abc_seconds), seconds, out)
    return {"posterior": post.particles, "summary": summary, "fit": fit, "effects": effects,
            "presets": presets, "history": post.history, "seconds": seconds}


def _candidates(cfg: CalibrationConfig, runner: Any, particles: pd.DataFrame,
                summary: pd.DataFrame) -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    """Candidate calibrated defaults, each run with several seeds, ranked by fit.

    The candidates (``point_candidates``) are the posterior medians and the particles with the
    smallest distances, rounded as they will be written, and (servisim) the literature
    defaults, last. Each runs with ``point_seeds`` seeds; a candidate's fit is that of its
    median outputs: how many targets they put inside their range, then their distance. It
    rewards a parameter set that fits jointly (the marginal medians of a wide posterior need
    not).

    Returns:
        (the candidates, their runs (column ``particle`` = candidate), one row per candidate:
        source, distance, values).

    """
    import pandas as pd

    from calibration import fit as fitting
    from calibration.abc import derived_seed, distances, particle_experiment

    names = list(cfg.priors)
    best = particles.nsmallest(min(cfg.point_candidates - 1, len(particles)), "distance",
                               keep="first")
    candidates = [fitting.calibrated_defaults(summary)]
    sources = ["posterior medians"]
    for index, row in best.iterrows():
        candidates.append({n: fitting.calibrated_value(cfg, n, row[n]) for n in names})
        sources.append(f"posterior particle {index}")
    if cfg.is_servisim:
        candidates.append({n: fitting.literature_value(cfg, n) for n in names})
        sources.append("literature defaults")
    spec = particle_experiment(cfg, f"{cfg.name}-calibrated-point", derived_seed(cfg, 10_001),
                               candidates, cfg.run_function, cfg.fixed, cfg.outputs,
                               replicates=cfg.point_seeds)
    runs = runner.run("calibrated-point", spec, cfg.outputs, versioned=True)
    medians = runs.groupby("particle")[cfg.outputs].median().reindex(range(len(candidates)))
    table = pd.DataFrame(candidates)
    table.insert(0, "source", sources)
    table.insert(1, "distance_of_seed_medians", distances(cfg, medians))
    table.insert(1, "targets_inside", targets_inside(cfg, medians))
    return candidates, runs, table


def targets_inside(cfg: CalibrationConfig, outputs: pd.DataFrame):
    """Per row of outputs, how many of the targets used lie inside their range."""
    import numpy as np

    inside = np.zeros(len(outputs), dtype=int)
    for tid in cfg.used:
        t = cfg.targets[tid]
        sim = outputs[t.model_output].to_numpy(dtype=float)
        inside += (sim >= t.low) & (sim <= t.high)
    return inside


def fit_order(table: pd.DataFrame) -> list[int]:
    """Candidates from the best fit: most targets inside their range, then smallest distance."""
    ranked = table.assign(_row=range(len(table))).sort_values(
        ["targets_inside", "distance_of_seed_medians", "_row"], ascending=[False, True, True])
    return [int(i) for i in ranked["_row"]]


def _select(cfg: CalibrationConfig, runner: Any, candidates: list[dict], table: pd.DataFrame,
            log: Any) -> tuple[int, pd.DataFrame | None]:
    """Choose the calibrated defaults: the best fit with which the presets keep their class.

    Without a preset check (``preset_seeds = 0`` or a custom model), the best fit. Otherwise
    candidates are tried in order of fit (at most ``preset_candidates``): the first with which
    each preset lands in its own class in at least ``preset_threshold`` of ``preset_seeds``
    runs wins; if none does, the best fit, and the presets need re-tuning (said in the log).

    Returns:
        (the candidate's index, the preset table: literature and chosen defaults, or ``None``).

    """
    import numpy as np
    import pandas as pd

    order = fit_order(table)
    if not cfg.is_servisim or cfg.preset_seeds <= 0:
        return order[0], None
    from calibration.summaries import CHECKED_PRESETS

    literature = _presets(cfg, runner, candidates[-1], "literature")
    for name in CHECKED_PRESETS:
        table[f"preset_{name}"] = np.nan
    checked = {}
    for i in order[: cfg.preset_candidates]:
        shares = _presets(cfg, runner, candidates[i], f"candidate-{i}")
        checked[i] = shares
        for row in shares.itertuples():
            table.loc[i, f"preset_{row.preset}"] = row.own_class_share
        if (shares["own_class_share"] >= cfg.preset_threshold).all():
            chosen = shares.assign(defaults="calibrated")
            return i, pd.concat([literature, chosen], ignore_index=True)
    log(f"warning: with none of the {len(checked)} best-fitting candidates do all presets "
        f"land in their own class in {cfg.preset_threshold:.0%} of runs; the best fit is "
        "written and the presets need re-tuning (calibration/presets.toml)")
    chosen = checked[order[0]].assign(defaults="calibrated")
    return order[0], pd.concat([literature, chosen], ignore_index=True)


def _effects(cfg: CalibrationConfig, runner: Any, particles: pd.DataFrame
             ) -> pd.DataFrame | None:
    """Matched before/after effects over posterior particles run to 2040."""
    if not cfg.is_servisim or cfg.effects_runs <= 0:
        return None
    import numpy as np

    from calibration.abc import as_dicts, derived_seed, particle_experiment
    from calibration.effects import EFFECTS, HEADLINE, HORIZONS, summarise

    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 10_002]))
    w = particles["weight"].to_numpy(float)
    pick = rng.choice(len(particles), size=cfg.effects_runs, p=w / w.sum())
    theta = particles[list(cfg.priors)].to_numpy(float)[pick]
    outputs = [f"{e}_h{h}" for e in EFFECTS for h in HORIZONS]
    outputs += [f"{e}_{g}_h{HEADLINE}" for e in EFFECTS for g in ("small", "large")]
    outputs += [f"treated_h{h}" for h in HORIZONS] + [f"margin_points_h{HEADLINE}"]
    fixed = {**cfg.fixed, "population_scale": cfg.effects_scale}
    spec = particle_experiment(cfg, f"{cfg.name}-effects", derived_seed(cfg, 10_002),
                               as_dicts(cfg, theta), "calibration.effects:simulate", fixed,
                               outputs)
    runs = runner.run("effects", spec, outputs, versioned=True)
    runs.to_parquet(runner.out_dir / "effects_runs.parquet")
    return summarise(runs[runs["status"] == "ok"], cfg.targets)


def _presets(cfg: CalibrationConfig, runner: Any, defaults: dict[str, Any],
             label: str) -> pd.DataFrame:
    """Share of each preset's runs in its own class with these defaults (``preset_seeds``)."""
    import pandas as pd

    from calibration.abc import derived_seed, particle_experiment
    from calibration.summaries import CHECKED_PRESETS, PRESET_INDEX

    particles = [{**defaults, PRESET_INDEX: i} for i in range(len(CHECKED_PRESETS))]
    fixed = {**{k: v for k, v in cfg.fixed.items() if k not in defaults},
             "population_scale": cfg.preset_scale}
    spec = particle_experiment(cfg, f"{cfg.name}-presets-{label}", derived_seed(cfg, 10_003),
                               particles, "calibration.summaries:preset_scenario", fixed,
                               ["own_class"], replicates=cfg.preset_seeds)
    runs = runner.run("presets", spec, ["own_class"], versioned=True)
    rows = []
    for i, name in enumerate(CHECKED_PRESETS):
        part = runs[runs["particle"] == i]
        counts = part["scenario"].value_counts()
        share = float(part["own_class"].mean())
        rows.append({"defaults": label, "preset": name, "runs": len(part),
                     "own_class_share": share,
                     **{f"n_{c}": int(counts.get(c, 0)) for c in CHECKED_PRESETS},
                     "passes_70_percent": share >= 0.7,
                     "passes_threshold": share >= cfg.preset_threshold})
    return pd.DataFrame(rows)


def _report(log: Any, cfg: CalibrationConfig, post: Any, summary: pd.DataFrame,
            fit: pd.DataFrame, effects: pd.DataFrame | None, presets: pd.DataFrame | None,
            abc: tuple[int, float], seconds: float, out: Path) -> None:
    fitted = fit[fit["fitted"]]
    new, abc_seconds = abc
    resumed = f", {post.runs - new} of them stored before" if new < post.runs else ""
    log(f"ABC: {post.runs} runs{resumed}; {new} run now in {abc_seconds:.0f} s "
        f"({new / max(abc_seconds, 1e-9):.1f} runs/s); {len(post.history)} generations, "
        f"{len(post.particles)} particles kept")
    log(f"{'parameter':<28} {'literature':>11} {'calibrated':>11} {'median':>11}  90% interval")
    for r in summary.itertuples():
        log(f"{r.parameter:<28} {r.literature_default:>11.4g} {r.calibrated:>11.4g} "
            f"{r.median:>11.4g}  {r.q05:.4g} to {r.q95:.4g}")
    log(f"fit: {int(fitted['inside'].sum())}/{len(fitted)} fitted targets inside their range "
        f"(simulated median); reported only: "
        f"{int(fit.loc[~fit['fitted'], 'inside'].fillna(False).sum())}"
        f"/{int((~fit['fitted']).sum())}")
    for label in ("calibrated", "literature"):
        if f"{label}_inside" in fitted:
            log(f"  at the {label} defaults ({cfg.point_seeds} seeds): "
                f"{int(fitted[f'{label}_inside'].sum())}/{len(fitted)} fitted targets inside")
    for r in fit.itertuples():
        mark = "inside " if r.inside else "OUTSIDE"
        log(f"  {mark} {r.target:<30} observed {r.observed:<9.4g} range [{r.low:.4g}, "
            f"{r.high:.4g}]  model {r.sim_median:.4g} ({r.sim_q05:.4g} to {r.sim_q95:.4g})"
            f"{'' if r.fitted else '  (reported, not fitted)'}")
    if effects is not None:
        head = effects[effects["headline"]]
        for r in head.itertuples():
            if math.isnan(r.model_median):  # no pair of firms to match gave the effect
                log(f"effect {r.effect:<18} not estimated: no servitizing firm to match in the "
                    f"effect runs (raise effects_runs or scale); CEPII [{r.cepii_low:+.3f}, "
                    f"{r.cepii_high:+.3f}]")
                continue
            log(f"effect {r.effect:<18} model {r.model_median:+.3f} ({r.model_q05:+.3f} to "
                f"{r.model_q95:+.3f}) CEPII [{r.cepii_low:+.3f}, {r.cepii_high:+.3f}] "
                f"{'inside' if r.inside else 'OUTSIDE'}")
    if presets is not None:
        for r in presets.itertuples():
            log(f"preset {r.preset:<6} ({r.defaults} defaults): {r.own_class_share:.0%} of "
                f"{r.runs} runs in its own class")
    log(f"wrote {out}/posterior.parquet, summary.csv, fit.csv, figures/, calibrated.toml "
        f"({seconds:.0f} s in all)")

