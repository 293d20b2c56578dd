"""Figures of a batch analysis (seaborn/matplotlib, no display needed).

Each function draws one kind of figure from the analysis tables, saves it as PNG in the given
folder and returns ``(file name, caption)`` pairs, so a report can list and embed them.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

COLORS = {"low": "#c0392b", "trend": "#f39c12", "high": "#27ae60"}
"""One colour per scenario class, the same in every figure."""
DPI = 110
MAX_MAP_POINTS = 4000

Figure = tuple[str, str]


def slug(text: str) -> str:
    """Make a file-name-safe form of an outcome name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "outcome"


def _save(fig: plt.Figure, folder: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(folder / name, dpi=DPI)
    plt.close(fig)
    return name


def index_bars(table: pd.DataFrame, method: str, folder: Path) -> list[Figure]:
    """Draw bar charts of the indices with 95% confidence intervals, one per outcome."""
    keys = {"sobol": [("S1", "first order S1"), ("ST", "total order ST")],
            "pawn": [("pawn", "PAWN (median KS)")],
            "morris": [("mu_star", "mu*")]}[method]
    out = []
    for outcome, rows in table.groupby("outcome", sort=False):
        rows = rows.sort_values(keys[-1][0] if method != "morris" else "mu_star",
                                ascending=False)
        n = len(rows)
        fig, ax = plt.subplots(figsize=(7, 1.2 + 0.38 * n))
        y = np.arange(n)
        height = 0.8 / len(keys)
        for i, (key, label) in enumerate(keys):
            ax.barh(y + (i - (len(keys) - 1) / 2) * height, rows[key], height,
                    xerr=rows[f"{key}_conf"], label=label, capsize=2,
                    color=sns.color_palette("deep")[i])
        ax.set_yticks(y, rows["parameter"])
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        if "pawn_dummy" in rows:
            ax.axvline(rows["pawn_dummy"].iloc[0], color="grey", ls="--", lw=1,
                       label="a parameter without effect")
        ax.set_xlabel("index (bars: 95% confidence interval)")
        ax.set_title(f"{outcome}: {'Morris mu*' if method == 'morris' else method} indices")
        ax.legend(loc="lower right", fontsize=8)
        name = _save(fig, folder, f"{method}_{slug(outcome)}.png")
        out.append((name, f"{outcome}: which parameters matter ({method}, 95% CIs)"))
    return out


def s2_heatmaps(table: pd.DataFrame, folder: Path) -> list[Figure]:
    """Draw heatmaps of the second-order Sobol indices, one per outcome."""
    out = []
    for outcome, rows in table.groupby("outcome", sort=False):
        names = list(dict.fromkeys([*rows["parameter_1"], *rows["parameter_2"]]))
        grid = pd.DataFrame(np.nan, index=names, columns=names)
        for r in rows.itertuples():
            grid.loc[r.parameter_1, r.parameter_2] = r.S2
        fig, ax = plt.subplots(figsize=(1.5 + 0.55 * len(names), 1.2 + 0.5 * len(names)))
        sns.heatmap(grid, annot=len(names) <= 10, fmt=".2f", cmap="Blues", ax=ax,
                    vmin=0, cbar_kws={"label": "S2"})
        ax.set_title(f"{outcome}: interactions (second-order Sobol)")
        name = _save(fig, folder, f"sobol_s2_{slug(outcome)}.png")
        out.append((name, f"{outcome}: pairwise interactions (S2)"))
    return out


def morris_plots(table: pd.DataFrame, folder: Path) -> list[Figure]:
    """Draw Morris mu*-sigma plots, one per outcome."""
    out = []
    for outcome, rows in table.groupby("outcome", sort=False):
        fig, ax = plt.subplots(figsize=(6.5, 5))
        ax.errorbar(rows["mu_star"], rows["sigma"], xerr=rows["mu_star_conf"], fmt="o",
                    capsize=2)
        for r in rows.itertuples():
            ax.annotate(r.parameter, (r.mu_star, r.sigma), fontsize=8,
                        xytext=(3, 3), textcoords="offset points")
        top = float(np.nanmax([rows["mu_star"].max(), rows["sigma"].max(), 1e-12]))
        ax.plot([0, top], [0, top], ls="--", color="grey", lw=0.8, label="sigma = mu*")
        ax.set_xlabel("mu* (mean absolute elementary effect)")
        ax.set_ylabel("sigma (non-linearity, interactions)")
        ax.set_title(f"{outcome}: Morris screening")
        ax.legend(fontsize=8)
        name = _save(fig, folder, f"morris_{slug(outcome)}.png")
        out.append((name, f"{outcome}: Morris mu* against sigma"))
    return out


def convergence_lines(table: pd.DataFrame, method: str, folder: Path) -> list[Figure]:
    """Draw the indices against the sample size, with their CI bands, one per outcome."""
    size, keys = (("n_base", ["S1", "ST"]) if method == "sobol"
                  else ("trajectories", ["mu_star"]))
    out = []
    for outcome, rows in table.groupby("outcome", sort=False):
        fig, axes = plt.subplots(1, len(keys), figsize=(5.5 * len(keys), 4), squeeze=False)
        palette = dict(zip(rows["parameter"].unique(),
                           sns.color_palette("tab10", rows["parameter"].nunique()),
                           strict=False))
        for ax, key in zip(axes[0], keys, strict=True):
            for parameter, part in rows.groupby("parameter", sort=False):
                c = palette[parameter]
                ax.plot(part[size], part[key], marker="o", ms=3, color=c, label=parameter)
                ax.fill_between(part[size], part[key] - part[f"{key}_conf"],
                                part[key] + part[f"{key}_conf"], color=c, alpha=0.12)
            ax.set_xscale("log", base=2)
            ax.set_xlabel("base samples N" if method == "sobol" else "trajectories")
            ax.set_ylabel(key)
            ax.set_title(f"{outcome}: {key} as the sample grows")
        axes[0][-1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
        name = _save(fig, folder, f"convergence_{slug(outcome)}.png")
        out.append((name, f"{outcome}: convergence of the indices"))
    return out


def share_bars(shares: pd.DataFrame, folder: Path) -> list[Figure]:
    """Draw the share of runs in each class, overall and along each parameter."""
    if shares.empty:
        return []
    params = [p for p in shares["parameter"].unique() if p != "all"]
    cols = min(3, len(params) + 1)
    rows_n = int(np.ceil((len(params) + 1) / cols))
    fig, axes = plt.subplots(rows_n, cols, figsize=(4.2 * cols, 3.2 * rows_n), squeeze=False)
    for ax, parameter in zip(axes.flat, ["all", *params], strict=False):
        part = shares[shares["parameter"] == parameter]
        wide = part.pivot_table(index="bin", columns="scenario", values="share")
        wide = wide.join(part.drop_duplicates("bin").set_index("bin")[["bin_low", "bin_high"]])
        labels = (["all runs"] if parameter == "all" else
                  [f"{lo:.3g}" if lo == hi else f"{lo:.3g}-{hi:.3g}"
                   for lo, hi in zip(wide["bin_low"], wide["bin_high"], strict=True)])
        bottom = np.zeros(len(wide))
        for c, color in COLORS.items():
            values = wide[c].fillna(0).to_numpy() if c in wide else np.zeros(len(wide))
            ax.bar(labels, values, bottom=bottom, color=color, label=c)
            bottom += values
        ax.set_ylim(0, 1)
        ax.set_title(parameter, fontsize=9)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for ax in list(axes.flat)[len(params) + 1:]:
        ax.axis("off")
    axes[0][0].legend(fontsize=8)
    name = _save(fig, folder, "scenario_shares.png")
    return [(name, "share of runs in each scenario, overall and along each parameter")]


def scenario_map(x: pd.DataFrame, classes: pd.Series, pair: list[str], boxes: pd.DataFrame,
                 folder: Path) -> list[Figure]:
    """Draw the runs over the two most influential parameters, coloured by class."""
    if len(pair) < 2 or classes.empty:
        return []
    a, b = pair[:2]
    data = pd.DataFrame({a: x[a], b: x[b], "scenario": classes})
    if len(data) > MAX_MAP_POINTS:
        data = data.sample(MAX_MAP_POINTS, random_state=0)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    sns.scatterplot(data=data, x=a, y=b, hue="scenario", palette=COLORS, s=14, alpha=0.7,
                    hue_order=[c for c in COLORS if c in set(data["scenario"])], ax=ax)
    for (scenario, _), box in boxes.groupby(["scenario", "box"], sort=False):
        lims = box.set_index("parameter")
        if not set(lims.index) & {a, b}:
            continue
        x0, x1 = (lims.loc[a, ["low", "high"]] if a in lims.index else ax.get_xlim())
        y0, y1 = (lims.loc[b, ["low", "high"]] if b in lims.index else ax.get_ylim())
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.6,
                                   edgecolor=COLORS.get(scenario, "black"), ls="--"))
    ax.set_title("scenario of each run over the two most influential parameters\n"
                 "(dashed: PRIM boxes restricted on them)", fontsize=9)
    name = _save(fig, folder, "scenario_map.png")
    return [(name, f"scenario of each run over {a} and {b}")]


def box_limits(boxes: pd.DataFrame, summary: pd.DataFrame, ranges: dict[str, tuple],
               folder: Path) -> list[Figure]:
    """Draw each PRIM box as bars over the parameters' explored ranges (scaled to 0-1)."""
    if boxes.empty:
        return []
    keys = list(boxes.groupby(["scenario", "box"], sort=False).groups)
    fig, axes = plt.subplots(len(keys), 1, squeeze=False,
                             figsize=(7, sum(0.9 + 0.35 * len(boxes[(boxes.scenario == s) &
                                                                    (boxes.box == k)])
                                             for s, k in keys)))
    for ax, (scenario, number) in zip(axes[:, 0], keys, strict=True):
        rows = boxes[(boxes["scenario"] == scenario) & (boxes["box"] == number)]
        stats = summary[(summary["scenario"] == scenario) & (summary["box"] == number)].iloc[0]
        for i, r in enumerate(rows.itertuples()):
            lo, hi = ranges.get(r.parameter, (r.low, r.high))
            span = (hi - lo) or 1.0
            ax.barh(i, (r.high - r.low) / span, left=(r.low - lo) / span, height=0.5,
                    color=COLORS.get(scenario, "grey"))
            ax.text(1.02, i, f"{r.low:.3g} - {r.high:.3g}", va="center", fontsize=8)
        ax.set_yticks(range(len(rows)), rows["parameter"])
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_title(f"{scenario}, box {number}: coverage {stats.coverage:.0%}, "
                     f"density {stats.density:.0%}", fontsize=9)
    axes[-1, 0].set_xlabel("share of the explored range")
    name = _save(fig, folder, "discovery_boxes.png")
    return [(name, "PRIM boxes: the parameter ranges that lead to each scenario")]


def regime_boxplots(x: pd.DataFrame, classes: pd.Series, parameters: list[str],
                    ranges: dict[str, tuple], folder: Path) -> list[Figure]:
    """Draw box plots of the parameters' values (scaled to 0-1) in each scenario class."""
    parameters = [p for p in parameters if p in x][:8]
    if not parameters or classes.empty:
        return []
    scaled = pd.DataFrame({p: (x[p] - ranges[p][0]) / ((ranges[p][1] - ranges[p][0]) or 1.0)
                           for p in parameters})
    scaled["scenario"] = classes.to_numpy()
    long = scaled.melt(id_vars="scenario", var_name="parameter", value_name="value")
    fig, ax = plt.subplots(figsize=(7.5, 1.5 + 0.55 * len(parameters)))
    with warnings.catch_warnings():  # seaborn 0.13 passes matplotlib's deprecated `vert`
        warnings.simplefilter("ignore", DeprecationWarning)
        sns.boxplot(data=long, y="parameter", x="value", hue="scenario", palette=COLORS,
                    hue_order=[c for c in COLORS if c in set(classes)], fliersize=1, ax=ax)
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1, 1), title="scenario")
    ax.set_xlabel("value, as a share of the explored range")
    ax.set_title("parameter values of the runs in each scenario", fontsize=9)
    name = _save(fig, folder, "regimes_boxplot.png")
    return [(name, "where the runs of each scenario sit along the key parameters")]
