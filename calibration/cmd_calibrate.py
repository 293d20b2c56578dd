"""``servisim calibrate``: ABC calibration against the targets, its fit, effects and defaults.

A plugin of the ``servisim`` command line (entry point group ``servisim.commands``), so that
``experiments`` never imports ``calibration``. Writes to ``--out``:

* ``posterior.parquet``: the accepted particles (parameters, weight, distance, outputs);
* ``generations.csv``: tolerance and acceptance per generation;
* ``summary.csv``: median and 90% interval per parameter, next to prior and literature value,
  and the calibrated value (``candidates.csv``: how it was chosen);
* ``fit.csv``: per target, observed and range vs simulated median and 90% interval;
* ``effects.csv``: matched before/after servitization effects vs the CEPII ranges;
* ``presets.csv``: share of runs of each preset landing in its own class, with the literature
  and with the calibrated defaults;
* ``figures/*.png`` and ``calibrated.toml`` (copy it to ``calibration/calibrated.toml`` to make
  the registry use it).

Every batch is stored under ``--out/batches`` by the batch engine: rerunning the same command
resumes; a larger ``--budget`` continues the same calibration.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibration.config import DEFAULT_CONFIG, CalibrationConfig, load_config
from experiments.errors import UsageError

if TYPE_CHECKING:  # numpy and pandas are imported when a calibration runs, not by the CLI
    import pandas as pd

ENGINES = ("local", "dask", "sequential")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` sub-command."""
    p = sub.add_parser(
        "calibrate", help="ABC calibration against the region's 2020-2024 data (resumable)",
        description="Fit the free parameters of a calibration file to its targets by "
                    "approximate Bayesian computation (APMC) over the batch engine; write the "
                    "posterior, a summary, the fit table, the servitization effects, figures "
                    "and calibrated.toml to --out.")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, metavar="FILE",
                   help="calibration file (default: calibration/calibration.toml)")
    p.add_argument("--budget", type=int, metavar="N",
                   help="simulations in all generations (default: the file's budget)")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="local: process pool (default); dask: --scheduler or a LocalCluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (implies dask)")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes on this machine")
    p.add_argument("--out", type=Path, default=Path("results") / "calibration",
                   help="output folder (default ./results/calibration)")
    p.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="none",
                   help="progress of each batch (default none: one line per generation)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Check everything, then calibrate and print the outcome."""
    engine = args.engine or ("dask" if args.scheduler else "local")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: allowed a whole number >= 1")
    if args.scheduler and engine != "dask":
        raise UsageError(f"--scheduler needs --engine dask (got --engine {engine})")
    if args.budget is not None and args.budget < 2:
        raise UsageError(f"--budget {args.budget}: allowed a whole number >= 2")
    cfg = load_config(args.config, args.budget)
    calibrate(cfg, args.out, engine=engine, scheduler=args.scheduler, workers=args.workers,
              progress=args.progress, log=print)
    return 0


def prepare_out(cfg: CalibrationConfig, out: Path) -> None:
    """Create the output folder, or check that it holds this calibration (to resume it)."""
    from calibration.abc import CONFIG_COPY, STATE, fingerprint

    state = {"fingerprint": fingerprint(cfg), "config": str(cfg.path)}
    marker = out / STATE
    if marker.exists():
        old = json.loads(marker.read_text())
        if old.get("fingerprint") != state["fingerprint"]:
            raise UsageError(f"--out {out}: holds another calibration (from {old.get('config')})"
                             "; choose another folder or delete it")
    elif out.exists() and any(out.iterdir()):
        raise UsageError(f"--out {out}: exists and is not a calibration folder; choose an "
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
    runner = Runner(out, engine, scheduler, workers, progress)
    log(f"servisim calibrate: {cfg.name}: {len(cfg.priors)} free parameters, "
        f"{len(cfg.used)} targets, budget {cfg.budget}, population {cfg.population}, "
        f"engine {engine}")
    post = run_abc(cfg, runner, log)
    abc_seconds = time.perf_counter() - started
    post.particles.to_parquet(out / "posterior.parquet")
    post.history.to_csv(out / "generations.csv", index=False)
    summary = fitting.summary(cfg, post.particles)
    calibrated, point, candidates = _choose_point(cfg, runner, post.particles, summary)
    candidates.to_csv(out / "candidates.csv", index=False)
    summary["calibrated"] = [calibrated[name] for name in summary["parameter"]]
    summary.to_csv(out / "summary.csv", index=False)
    fit = fitting.fit_table(cfg, post.particles, point)
    fit.to_csv(out / "fit.csv", index=False)
    effects = _effects(cfg, runner, post.particles)
    if effects is not None:
        effects.to_csv(out / "effects.csv", index=False)
    presets = _presets(cfg, runner, calibrated)
    if presets is not None:
        presets.to_csv(out / "presets.csv", index=False)
    fitting.figures(cfg, post.particles, post.history, fit, out / "figures", effects)
    (out / "calibrated.toml").write_text(fitting.calibrated_toml(
        cfg, summary, post.runs, len(post.particles), fingerprint(cfg)))
    seconds = time.perf_counter() - started
    _report(log, cfg, post, summary, fit, effects, presets, abc_seconds, seconds, out)
    return {"posterior": post.particles, "summary": summary, "fit": fit, "effects": effects,
            "presets": presets, "history": post.history, "seconds": seconds}


def _choose_point(cfg: CalibrationConfig, runner: Any, particles: pd.DataFrame,
                  summary: pd.DataFrame) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Pick the calibrated defaults: the candidate whose runs fit best over several seeds.

    The candidates (``point_candidates``) are the posterior medians and the particles with the
    smallest distances, rounded as they will be written. Each runs with ``point_seeds`` seeds;
    the one whose median outputs are nearest the targets wins: a single parameter set that
    fits jointly (the marginal medians of a wide posterior need not).

    Returns:
        (the chosen values, its runs, one row per candidate with its distance).

    """
    import numpy as np
    import pandas as pd

    from calibration import fit as fitting
    from calibration.abc import derived_seed, distances, experiment_text

    names = list(cfg.priors)
    best = particles.nsmallest(min(cfg.point_candidates - 1, len(particles)), "distance",
                               keep="first")
    candidates = [fitting.calibrated_defaults(summary)]
    sources = ["posterior medians"]
    for index, row in best.iterrows():
        candidates.append({n: fitting.calibrated_value(cfg, n, row[n]) for n in names})
        sources.append(f"posterior particle {index}")
    text = experiment_text(f"{cfg.name}-calibrated-point", derived_seed(cfg, 10_001),
                           candidates, cfg.run_function, cfg.fixed, cfg.outputs,
                           replicates=cfg.point_seeds)
    runs = runner.run("calibrated-point", text, cfg.outputs, versioned=True)
    medians = runs.groupby("particle")[cfg.outputs].median().reindex(range(len(candidates)))
    table = pd.DataFrame(candidates)
    table.insert(0, "source", sources)
    table.insert(1, "distance_of_seed_medians", distances(cfg, medians))
    pick = int(np.argmin(table["distance_of_seed_medians"].to_numpy()))
    table.insert(2, "chosen", np.arange(len(table)) == pick)
    return candidates[pick], runs[runs["particle"] == pick], table


def _effects(cfg: CalibrationConfig, runner: Any, particles: pd.DataFrame
             ) -> pd.DataFrame | None:
    """Matched before/after effects over posterior particles run to 2040."""
    if not cfg.is_servisim or cfg.effects_runs <= 0:
        return None
    import numpy as np

    from calibration.abc import as_dicts, derived_seed, experiment_text
    from calibration.effects import EFFECTS, HEADLINE, HORIZONS, summarise

    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 10_002]))
    w = particles["weight"].to_numpy(float)
    pick = rng.choice(len(particles), size=cfg.effects_runs, p=w / w.sum())
    theta = particles[list(cfg.priors)].to_numpy(float)[pick]
    outputs = [f"{e}_h{h}" for e in EFFECTS for h in HORIZONS]
    outputs += [f"{e}_{g}_h{HEADLINE}" for e in EFFECTS for g in ("small", "large")]
    outputs += [f"treated_h{h}" for h in HORIZONS]
    fixed = {**cfg.fixed, "population_scale": cfg.effects_scale}
    text = experiment_text(f"{cfg.name}-effects", derived_seed(cfg, 10_002),
                           as_dicts(cfg, theta), "calibration.effects:simulate", fixed, outputs)
    runs = runner.run("effects", text, outputs, versioned=True)
    runs.to_parquet(runner.out_dir / "effects_runs.parquet")
    return summarise(runs[runs["status"] == "ok"], cfg.targets)


def _presets(cfg: CalibrationConfig, runner: Any, calibrated: dict[str, Any]
             ) -> pd.DataFrame | None:
    """Share of each preset's runs in its own class, literature vs calibrated defaults."""
    if not cfg.is_servisim or cfg.preset_seeds <= 0:
        return None
    import pandas as pd

    from calibration import fit as fitting
    from calibration.abc import derived_seed, experiment_text
    from calibration.summaries import CHECKED_PRESETS, PRESET_INDEX

    rows = []
    literature = {k: fitting.literature_default(cfg, k) for k in calibrated}
    literature = {k: (int(v) if cfg.kinds[k] == "int" else v) for k, v in literature.items()}
    for label, defaults in (("literature", literature), ("calibrated", calibrated)):
        particles = [{**defaults, PRESET_INDEX: i} for i in range(len(CHECKED_PRESETS))]
        fixed = {**{k: v for k, v in cfg.fixed.items() if k not in defaults},
                 "population_scale": cfg.preset_scale}
        text = experiment_text(f"{cfg.name}-presets-{label}", derived_seed(cfg, 10_003),
                               particles, "calibration.summaries:preset_scenario", fixed,
                               ["own_class"], replicates=cfg.preset_seeds)
        runs = runner.run(f"presets-{label}", text, ["own_class"], versioned=True)
        for i, name in enumerate(CHECKED_PRESETS):
            part = runs[runs["particle"] == i]
            counts = part["scenario"].value_counts()
            rows.append({"defaults": label, "preset": name, "runs": len(part),
                         "own_class_share": float(part["own_class"].mean()),
                         **{f"n_{c}": int(counts.get(c, 0)) for c in CHECKED_PRESETS},
                         "passes_70_percent": bool(part["own_class"].mean() >= 0.7)})
    return pd.DataFrame(rows)


def _report(log: Any, cfg: CalibrationConfig, post: Any, summary: pd.DataFrame,
            fit: pd.DataFrame, effects: pd.DataFrame | None, presets: pd.DataFrame | None,
            abc_seconds: float, seconds: float, out: Path) -> None:
    fitted = fit[fit["fitted"]]
    log(f"ABC: {post.runs} runs in {abc_seconds:.0f} s ({post.runs / abc_seconds:.1f} runs/s), "
        f"{len(post.history)} generations, {len(post.particles)} particles kept")
    log(f"{'parameter':<28} {'literature':>11} {'calibrated':>11} {'median':>11}  90% interval")
    for r in summary.itertuples():
        log(f"{r.parameter:<28} {r.literature_default:>11.4g} {r.calibrated:>11.4g} "
            f"{r.median:>11.4g}  {r.q05:.4g} to {r.q95:.4g}")
    log(f"fit: {int(fitted['inside'].sum())}/{len(fitted)} fitted targets inside their range "
        f"(simulated median); reported only: "
        f"{int(fit.loc[~fit['fitted'], 'inside'].fillna(False).sum())}"
        f"/{int((~fit['fitted']).sum())}")
    for r in fit.itertuples():
        mark = "inside " if r.inside else "OUTSIDE"
        log(f"  {mark} {r.target:<30} observed {r.observed:<9.4g} range [{r.low:.4g}, "
            f"{r.high:.4g}]  model {r.sim_median:.4g} ({r.sim_q05:.4g} to {r.sim_q95:.4g})"
            f"{'' if r.fitted else '  (reported, not fitted)'}")
    if effects is not None:
        head = effects[effects["headline"]]
        for r in head.itertuples():
            log(f"effect {r.effect:<18} model {r.model_median:+.3f} ({r.model_q05:+.3f} to "
                f"{r.model_q95:+.3f}) CEPII [{r.cepii_low:+.3f}, {r.cepii_high:+.3f}] "
                f"{'inside' if r.inside else 'OUTSIDE'}")
    if presets is not None:
        for r in presets.itertuples():
            log(f"preset {r.preset:<6} ({r.defaults} defaults): {r.own_class_share:.0%} of "
                f"{r.runs} runs in its own class")
    log(f"wrote {out}/posterior.parquet, summary.csv, fit.csv, figures/, calibrated.toml "
        f"({seconds:.0f} s in all)")

