"""Approximate Bayesian computation over the batch engine (adaptive population Monte Carlo).

The algorithm is APMC (Lenormand, Jabot & Deffuant 2013, *Computational Statistics* 28:
2777-2796), an ABC-SMC made for simulation models run in parallel batches:

1. Draw ``population`` particles from the uniform priors and run them. Keep the ``alpha``
   share with the smallest distances; the largest kept distance is the tolerance.
2. Each generation, draw ``population - kept`` new particles from the kept ones (by weight),
   moved by a Gaussian kernel of twice their weighted variance and redrawn until inside the
   priors; weight them by prior / mixture-of-kernels density (truncated kernels, normalised).
   Run them; the acceptance rate is the share of new particles below the tolerance. Pool old
   and new, keep the ``alpha`` best: the new tolerance.
3. Stop when the acceptance rate falls below ``min_acceptance`` or the budget is spent. The
   kept particles and their weights are the posterior.

Every generation is one experiment of the batch engine, given in memory
(``design = "points"``: one point per particle), so it runs on the local pool or on Dask, its
runs are stored as Parquet, and rerunning the same command resumes where it stopped. The distance is
the root mean square of (simulated - observed) / half the target's range over the targets used.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logsumexp
from scipy.stats import norm

from calibration.config import CalibrationConfig
from experiments.errors import UsageError
from experiments.spec.experiment import ExperimentSpec
from experiments.spec.tables import experiment

PARTICLE = "particle"  # the column that numbers a batch's particles (its point_id)
CONFIG_COPY, STATE = "calibration.toml", "calibration.json"


# --- distances --------------------------------------------------------------------------------
def distances(cfg: CalibrationConfig, outputs: pd.DataFrame) -> np.ndarray:
    """Root mean square of (simulated - observed) / half-range over the targets used.

    Failed runs and missing values give ``inf`` (never accepted).
    """
    terms = []
    for tid in cfg.used:
        t = cfg.targets[tid]
        sim = outputs[t.model_output].to_numpy(dtype=float)
        terms.append(((sim - t.observed) / t.half_width) ** 2)
    d = np.sqrt(np.mean(terms, axis=0))
    return np.where(np.isfinite(d), d, np.inf)


# --- priors and kernels -----------------------------------------------------------------------
def _bounds(cfg: CalibrationConfig) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([cfg.priors[k][0] for k in cfg.priors])
    hi = np.array([cfg.priors[k][1] for k in cfg.priors])
    return lo, hi


def _typed(cfg: CalibrationConfig, theta: np.ndarray) -> np.ndarray:
    """Round integer parameters (their prior is uniform over the whole numbers in range)."""
    theta = theta.copy()
    for j, name in enumerate(cfg.priors):
        if cfg.kinds[name] == "int":
            lo, hi = cfg.priors[name]
            theta[:, j] = np.clip(np.floor(theta[:, j] + 0.5), math.ceil(lo), math.floor(hi))
    return theta


def sample_prior(cfg: CalibrationConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` particles from the uniform priors (rows: particles; columns: priors)."""
    lo, hi = _bounds(cfg)
    return _typed(cfg, lo + (hi - lo) * rng.random((n, len(lo))))


def _kernel_sigma(theta: np.ndarray, weights: np.ndarray, lo: np.ndarray,
                  hi: np.ndarray) -> np.ndarray:
    w = weights / weights.sum()
    mean = w @ theta
    var = w @ (theta - mean) ** 2
    return np.maximum(np.sqrt(2.0 * var), 1e-6 * (hi - lo))


def propose(cfg: CalibrationConfig, theta: np.ndarray, weights: np.ndarray, n: int,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` new particles from the weighted kept ones and give their weights.

    Returns:
        (particles, weights): weights are the prior density over the density of the
        proposal (a mixture of the truncated kernels), so particles drawn from the prior
        would weigh 1.

    """
    lo, hi = _bounds(cfg)
    sigma = _kernel_sigma(theta, weights, lo, hi)
    w = weights / weights.sum()
    out = np.empty((n, theta.shape[1]))
    todo = np.arange(n)
    for _ in range(10_000):
        if not len(todo):
            break
        parents = rng.choice(len(theta), size=len(todo), p=w)
        draw = theta[parents] + sigma * rng.standard_normal((len(todo), theta.shape[1]))
        inside = np.all((draw >= lo) & (draw <= hi), axis=1)
        out[todo[inside]] = draw[inside]
        todo = todo[~inside]
    if len(todo):  # pragma: no cover - only with absurdly wide kernels
        out[todo] = sample_prior(cfg, len(todo), rng)
    out = _typed(cfg, out)
    # Importance weight = prior density / proposal density, both normalised, so that weights
    # of particles from different generations compare (particles from the prior weigh 1).
    # The proposal is a mixture of Gaussian kernels truncated to the prior box.
    mass = np.prod(norm.cdf((hi - theta) / sigma) - norm.cdf((lo - theta) / sigma), axis=1)
    z = (out[:, None, :] - theta[None, :, :]) / sigma
    log_kernel = (-0.5 * (z**2).sum(axis=2) - np.log(sigma).sum()
                  - 0.5 * len(sigma) * math.log(2 * math.pi) - np.log(np.maximum(mass, 1e-300)))
    log_proposal = logsumexp(log_kernel, b=w[None, :], axis=1)
    log_prior = -np.log(hi - lo).sum()
    return out, np.exp(log_prior - log_proposal)


# --- one generation through the batch engine --------------------------------------------------
def particle_experiment(cfg: CalibrationConfig, name: str, seed: int,
                        particles: list[dict[str, Any]], model: str, fixed: dict[str, Any],
                        outputs: list[str], replicates: int = 1) -> ExperimentSpec:
    """An experiment that runs ``model`` at each particle: one point per particle.

    Args:
        cfg: the calibration (its file's folder is where a custom model may come from).
        name: the batch's name.
        seed: the batch's root seed (:func:`derived_seed`).
        particles: each particle's parameter values.
        model: the ``module:function`` each run calls.
        fixed: values shared by every run.
        outputs: the outputs each run returns.
        replicates: seeds per particle.

    """
    names = list(particles[0])
    return experiment(
        {"name": name, "design": "points", "replicates": replicates, "seed": seed,
         "model": model, "outcomes": outputs},
        {n: [p[n] for p in particles] for n in names}, fixed, folder=cfg.path.resolve().parent)


def as_dicts(cfg: CalibrationConfig, theta: np.ndarray) -> list[dict[str, Any]]:
    """Particles (rows of ``theta``) as parameter dicts, integers as ``int``."""
    return [{name: (int(v) if cfg.kinds[name] == "int" else float(v))
             for name, v in zip(cfg.priors, row, strict=True)} for row in theta]


def derived_seed(cfg: CalibrationConfig, *keys: int) -> int:
    """A batch's root seed from the calibration's seed and the batch's place."""
    return int(np.random.SeedSequence([cfg.seed, *keys]).generate_state(1)[0])


def generation(cfg: CalibrationConfig, gen: int, theta: np.ndarray) -> ExperimentSpec:
    """The experiment of one ABC generation."""
    return particle_experiment(cfg, f"{cfg.name}-gen-{gen:02d}", derived_seed(cfg, gen),
                               as_dicts(cfg, theta), cfg.run_function, cfg.fixed, cfg.outputs)


@dataclass
class Runner:
    """Runs batches of particles through the batch engine into ``out_dir/batches``."""

    out_dir: Path
    engine: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    progress: str | None = "none"
    model_paths: tuple[str, ...] = ()  # where a custom calibration model may come from
    new_runs: int = 0  # runs made in this session (a resumed batch skips those stored)

    def run(self, label: str, spec: ExperimentSpec, outputs: list[str],
            versioned: bool = False) -> pd.DataFrame:
        """Run one experiment (resuming if it was started) and return its outputs by particle.

        Args:
            label: the batch's folder name under ``batches``.
            spec: the experiment (:func:`particle_experiment`).
            outputs: the outputs to return.
            versioned: add a hash of the experiment to the label (batches that follow the
                posterior, e.g. at the calibrated point: a larger budget gives a new one).

        Returns:
            One row per particle, in particle order: ``seed``, ``status`` and every output.

        """
        from experiments.runs.batch import run_batch
        from experiments.stored import load_results

        if versioned:
            label = f"{label}-{hashlib.sha256(spec.source).hexdigest()[:8]}"
        folder = self.out_dir / "batches"
        done = run_batch(spec, folder / label, engine=self.engine, scheduler=self.scheduler,
                         model_paths=self.model_paths,
                         workers=self.workers, progress=self.progress)
        self.new_runs += done.n_new
        results = load_results(folder / label)  # by point_id (the particle), then replicate
        results.insert(1, PARTICLE, results["point_id"])
        for name in outputs:
            if name not in results:
                results[name] = np.nan
        failed = results["status"] != "ok"
        results.loc[failed, outputs] = np.nan
        return results


# --- the algorithm ----------------------------------------------------------------------------
@dataclass
class Posterior:
    """The result of a calibration.

    Attributes:
        particles: the kept particles: every free parameter, ``weight`` (sums to 1),
            ``distance``, ``generation``, ``seed`` and every model output of its run.
        history: one row per generation: runs, tolerance, acceptance rate, seconds.
        runs: simulations run in all (every generation).

    """

    particles: pd.DataFrame
    history: pd.DataFrame
    runs: int


def run_abc(cfg: CalibrationConfig, runner: Runner,
            log: Callable[[str], None] | None = None) -> Posterior:
    """Calibrate: APMC over the batch engine until the acceptance rate or the budget runs out.

    Args:
        cfg: the checked calibration file.
        runner: where the batches run and are stored.
        log: called with one line per generation (e.g. ``print``).

    Returns:
        The posterior.

    Raises:
        UsageError: every run of the first generation failed (the first error is shown).

    """
    log = log or (lambda _line: None)
    runner.model_paths = runner.model_paths or cfg.model_paths  # where its model comes from
    names = list(cfg.priors)
    n, kept = cfg.population, cfg.kept
    history = []
    started = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0, 1]))
    theta = sample_prior(cfg, n, rng)
    frame = runner.run("gen-00", generation(cfg, 0, theta), cfg.outputs)
    if (frame["status"] != "ok").all():
        error = frame["error"].dropna().iloc[0] if frame["error"].notna().any() else "?"
        raise UsageError(f"{cfg.path}: every run of the first generation failed; the first "
                         f"error: {error}")
    pool = _pool(cfg, theta, frame, np.ones(n), 0)
    pool = pool.nsmallest(kept, "distance", keep="first")
    spent = n
    tolerance = float(pool["distance"].max())
    history.append({"generation": 0, "runs": n, "tolerance": tolerance, "acceptance": 1.0,
                    "failed": int((frame["status"] != "ok").sum()),
                    "seconds": time.perf_counter() - started})
    log(_line(history[-1]))
    gen = 0
    while spent < cfg.budget:
        gen += 1
        tic = time.perf_counter()
        m = min(n - kept, cfg.budget - spent)
        rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, gen, 1]))
        theta, weights = propose(cfg, pool[names].to_numpy(float), pool["weight"].to_numpy(),
                                 m, rng)
        frame = runner.run(f"gen-{gen:02d}", generation(cfg, gen, theta), cfg.outputs)
        new = _pool(cfg, theta, frame, weights, gen)
        spent += m
        acceptance = float((new["distance"] < tolerance).mean())
        merged = pd.concat([pool, new], ignore_index=True)
        pool = merged.nsmallest(kept, "distance", keep="first")
        tolerance = float(pool["distance"].max())
        history.append({"generation": gen, "runs": m, "tolerance": tolerance,
                        "acceptance": acceptance, "failed": int((frame["status"] != "ok").sum()),
                        "seconds": time.perf_counter() - tic})
        log(_line(history[-1]))
        if acceptance < cfg.min_acceptance:
            break
    pool = pool.reset_index(drop=True)
    pool["weight"] = pool["weight"] / pool["weight"].sum()
    return Posterior(pool, pd.DataFrame(history), spent)


def _pool(cfg: CalibrationConfig, theta: np.ndarray, frame: pd.DataFrame,
          weights: np.ndarray, gen: int) -> pd.DataFrame:
    out = pd.DataFrame(theta, columns=list(cfg.priors))
    for name, kind in cfg.kinds.items():
        if kind == "int":
            out[name] = out[name].round().astype(int)
    out["weight"] = weights
    out["distance"] = distances(cfg, frame)
    out["generation"] = gen
    out["seed"] = frame["seed"].to_numpy()
    for name in cfg.outputs:
        out[name] = frame[name].to_numpy(dtype=float)
    return out


def _line(h: dict[str, Any]) -> str:
    failed = f", {h['failed']} failed" if h["failed"] else ""
    return (f"generation {h['generation']:>2}: {h['runs']:>5} runs, tolerance "
            f"{h['tolerance']:.3f}, acceptance {h['acceptance']:.2f}{failed}, "
            f"{h['seconds']:.1f} s")


def fingerprint(cfg: CalibrationConfig) -> str:
    """A hash of everything that fixes the runs except the budget (a larger budget resumes)."""
    data = {"model": cfg.model, "used": cfg.used, "priors": cfg.priors, "kinds": cfg.kinds,
            "fixed": cfg.fixed, "population": cfg.population, "alpha": cfg.alpha,
            "min_acceptance": cfg.min_acceptance, "seed": cfg.seed, "outputs": cfg.outputs,
            "targets": {t: [cfg.targets[t].model_output, cfg.targets[t].observed,
                            cfg.targets[t].low, cfg.targets[t].high] for t in cfg.used}}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
