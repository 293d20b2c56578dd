"""What a calibration found: parameter summary, fit table, figures, calibrated defaults.

* ``summary``: per free parameter, its prior, its literature default, and the posterior's
  weighted median and 90% interval.
* ``fit``: per target (those fitted and those only reported), the observed value and range,
  and the simulated median and 90% interval over the posterior particles' own runs (the
  posterior predictive); ``inside`` says whether the simulated median lies in the range.
* ``calibrated_toml``: the calibrated values as a ``[defaults]`` table the registry reads when
  the file is shipped as ``calibration/calibrated.toml``. The values are those of one candidate
  (the posterior medians or a posterior particle) chosen by ``servisim calibrate`` for fitting
  best over several seeds; ``summary`` starts with the rounded medians.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibration.config import CalibrationConfig


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Quantile of a weighted sample (midpoint interpolation of the weighted CDF)."""
    values, weights = np.asarray(values, float), np.asarray(weights, float)
    keep = np.isfinite(values)
    values, weights = values[keep], weights[keep]
    if not len(values):
        return math.nan
    order = np.argsort(values)
    values, weights = values[order], weights[order]
    cdf = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return float(np.interp(q, cdf, values))


def literature_default(cfg: CalibrationConfig, name: str) -> float:
    """The registry's literature value of a parameter (``nan`` for a custom model)."""
    if not cfg.is_servisim:
        return math.nan
    from model import REGISTRY

    prm = REGISTRY[name]
    value = prm.literature_default if prm.literature_default is not None else prm.default
    return float(value)


def literature_value(cfg: CalibrationConfig, name: str) -> float | int:
    """The literature value with the parameter's type (servisim only)."""
    value = literature_default(cfg, name)
    return int(value) if cfg.kinds[name] == "int" else value


def summary(cfg: CalibrationConfig, particles: pd.DataFrame) -> pd.DataFrame:
    """Median and 90% interval of every free parameter, next to its prior and literature value."""
    w = particles["weight"].to_numpy(float)
    rows = []
    for name, (low, high) in cfg.priors.items():
        values = particles[name].to_numpy(float)
        median = weighted_quantile(values, w, 0.5)
        q05, q95 = weighted_quantile(values, w, 0.05), weighted_quantile(values, w, 0.95)
        lit = literature_default(cfg, name)
        rows.append({
            "parameter": name, "kind": cfg.kinds[name], "prior_low": low, "prior_high": high,
            "literature_default": lit, "median": median, "q05": q05, "q95": q95,
            "calibrated": calibrated_value(cfg, name, median),
            "interval_share_of_prior": (q95 - q05) / (high - low),
            "literature_inside_interval": bool(q05 <= lit <= q95) if not math.isnan(lit)
            else None,
        })
    return pd.DataFrame(rows)


def calibrated_value(cfg: CalibrationConfig, name: str, median: float) -> float | int:
    """The value written as a default: the median, to 4 significant digits (ints rounded)."""
    if cfg.kinds[name] == "int":
        return int(round(median))
    return float(f"{median:.4g}")


def fit_table(cfg: CalibrationConfig, particles: pd.DataFrame,
              point: pd.DataFrame | None = None,
              literature: pd.DataFrame | None = None) -> pd.DataFrame:
    """Observed vs simulated for every fitted or reported target.

    Args:
        cfg: the calibration.
        particles: the posterior (with the outputs of each particle's run).
        point: optional runs at the calibrated defaults (several seeds): adds their median.
        literature: optional runs at the literature defaults: adds their median.

    """
    w = particles["weight"].to_numpy(float)
    rows = []
    for t in cfg.targets.values():
        if t.id not in cfg.used and t.use != "report":
            continue
        if t.model_output not in particles:
            continue
        values = particles[t.model_output].to_numpy(float)
        med = weighted_quantile(values, w, 0.5)
        q05, q95 = weighted_quantile(values, w, 0.05), weighted_quantile(values, w, 0.95)
        row = {
            "target": t.id, "fitted": t.id in cfg.used, "model_output": t.model_output,
            "model_year": t.model_year, "data_year": t.data_year, "observed": t.observed,
            "low": t.low, "high": t.high, "sim_median": med, "sim_q05": q05, "sim_q95": q95,
            "inside": bool(t.low <= med <= t.high) if t.has_range else None,
            "interval_overlaps": bool(q05 <= t.high and q95 >= t.low) if t.has_range else None,
        }
        for label, runs in (("calibrated", point), ("literature", literature)):
            if runs is not None and t.model_output in runs:
                value = float(runs[t.model_output].median())
                row[f"{label}_median"] = value
                row[f"{label}_inside"] = bool(t.low <= value <= t.high) if t.has_range \
                    else None
        rows.append(row)
    return pd.DataFrame(rows)


def calibrated_toml(cfg: CalibrationConfig, table: pd.DataFrame, runs: int, particles: int,
                    fingerprint: str) -> str:
    """The calibrated defaults as TOML (``[meta]`` and ``[defaults]``)."""
    created = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        "# Calibrated defaults of servisim, written by `servisim calibrate`.",
        "# ABC calibration (APMC) against the region's 2020-2024 data: of the posterior medians",
        f"# and the best posterior particles, the set whose runs fit best over {cfg.point_seeds}"
        " seeds",
        "# among those with which the presets keep their class (candidates.csv).",
        "# Shipped as calibration/calibrated.toml, the registry uses them as defaults; each",
        "# parameter keeps its literature value (Parameter.literature_default);",
        "# SERVISIM_DEFAULTS=literature ignores this file.",
        "",
        "[meta]",
        f'calibration = "{cfg.name}"',
        f'config = "{cfg.path.name}"',
        f'fingerprint = "{fingerprint}"',
        f"runs = {runs}",
        f"posterior_particles = {particles}",
        f"scale = {cfg.scale if cfg.scale is not None else 'nan'}",
        f'targets = [{", ".join(f"{chr(34)}{t}{chr(34)}" for t in cfg.used)}]',
        f'created = "{created}"',
        "",
        "[defaults]",
    ]
    for row in table.itertuples():
        value = row.calibrated
        text = str(int(value)) if row.kind == "int" else repr(float(value))
        comment = (f"# literature {row.literature_default:g}; posterior median {row.median:.4g}, "
                   f"90% interval {row.q05:.4g} to {row.q95:.4g}")
        lines.append(f"{row.parameter} = {text}  {comment}")
    return "\n".join(lines) + "\n"


def calibrated_defaults(table: pd.DataFrame) -> dict[str, Any]:
    """The calibrated values as a parameter dict."""
    return {r.parameter: (int(r.calibrated) if r.kind == "int" else float(r.calibrated))
            for r in table.itertuples()}


# --- figures ----------------------------------------------------------------------------------
def figures(cfg: CalibrationConfig, particles: pd.DataFrame, history: pd.DataFrame,
            fit: pd.DataFrame, folder: Path, effects: pd.DataFrame | None = None) -> list[Path]:
    """Write the posterior, fit, convergence and (if given) effects figures as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    w = particles["weight"].to_numpy(float)

    names = list(cfg.priors)
    cols = min(4, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        low, high = cfg.priors[name]
        ax.hist(particles[name], bins=20, range=(low, high), weights=w, color="#4c72b0")
        ax.axvline(weighted_quantile(particles[name].to_numpy(float), w, 0.5), color="black",
                   lw=1.5, label="posterior median")
        lit = literature_default(cfg, name)
        if not math.isnan(lit):
            ax.axvline(lit, color="#c44e52", ls="--", lw=1.2, label="literature default")
        ax.set_xlim(low, high)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper right")
    fig.suptitle("Posterior of the free parameters (x axis: the prior range)")
    fig.tight_layout()
    written.append(_save(fig, folder / "posterior.png"))

    fig, ax = plt.subplots(figsize=(8, 0.45 * len(fit) + 1.2))
    for i, r in enumerate(fit.itertuples()):
        half = (r.high - r.low) / 2 if not math.isnan(r.high) else np.nan
        if not half or np.isnan(half):
            continue
        mid = (r.high + r.low) / 2
        z = [(v - mid) / half for v in (r.sim_q05, r.sim_median, r.sim_q95)]
        colour = "#55a868" if r.inside else "#c44e52"
        ax.plot([z[0], z[2]], [i, i], color=colour, lw=2)
        ax.plot(z[1], i, "o", color=colour)
        ax.plot((r.observed - mid) / half, i, "kx")
        for column, marker in (("calibrated_median", "D"), ("literature_median", "s")):
            value = getattr(r, column, None)
            if value is not None and not np.isnan(value):
                ax.plot((value - mid) / half, i, marker, mfc="none", color="black", ms=5)
    ax.axvspan(-1, 1, color="#dddddd", zorder=0)
    ax.set_yticks(range(len(fit)))
    ax.set_yticklabels([f"{t}{'' if f else ' (reported)'}" for t, f in
                        zip(fit["target"], fit["fitted"], strict=True)], fontsize=8)
    ax.set_xlabel("(value - range midpoint) / half range; grey: the data's range; x: observed;"
                  "\ndiamond: calibrated defaults, square: literature defaults (seed medians)")
    ax.set_xlim(-6, 6)
    ax.invert_yaxis()
    ax.set_title("Fit: simulated median and 90% interval over the posterior")
    fig.tight_layout()
    written.append(_save(fig, folder / "fit.png"))

    fig, ax1 = plt.subplots(figsize=(6, 3.2))
    ax1.plot(history["generation"], history["tolerance"], "o-", color="#4c72b0")
    ax1.set_xlabel("generation")
    ax1.set_ylabel("tolerance (distance)", color="#4c72b0")
    ax2 = ax1.twinx()
    ax2.plot(history["generation"], history["acceptance"], "s--", color="#dd8452")
    ax2.axhline(cfg.min_acceptance, color="#dd8452", lw=0.8, ls=":")
    ax2.set_ylabel("acceptance rate", color="#dd8452")
    ax1.set_title("ABC generations")
    fig.tight_layout()
    written.append(_save(fig, folder / "generations.png"))

    if effects is not None and len(effects):
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
        for ax, (name, part) in zip(axes, effects[effects["group"] == "all"].groupby(
                "effect", sort=False), strict=False):
            ax.fill_between(part["horizon"], part["model_q05"], part["model_q95"],
                            color="#4c72b0", alpha=0.3)
            ax.plot(part["horizon"], part["model_median"], "o-", color="#4c72b0",
                    label="model (median, 90%)")
            ax.axhspan(part["cepii_low"].iloc[0], part["cepii_high"].iloc[0], color="#55a868",
                       alpha=0.25, label="CEPII range")
            ax.axhline(0, color="black", lw=0.6)
            ax.set_title(name.replace("_", " "))
            ax.set_xlabel("years after the start year")
        axes[0].legend(fontsize=7, loc="upper left")
        fig.suptitle("Servitization effects: matched before/after, model vs CEPII")
        fig.tight_layout()
        written.append(_save(fig, folder / "effects.png"))
    return written


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
