"""Small figures of one run's trajectory (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PANELS = (
    ("Service market captured", [("industrial_service_capture", "industrial firms"),
                                 ("platform_share", "platforms")]),
    ("Servitized firms", [("servitized_share_sme", "SMEs"), ("servitized_share_large", "large")]),
    ("Digital adoption", [("digital_adoption_sme", "SMEs"), ("digital_adoption_large", "large")]),
    ("Jobs and exits", [("jobs_index_2017", "jobs / 2017"),
                        ("cumulative_exits_share", "cumulative exits")]),
)


def plot_trajectory(trajectory: pd.DataFrame, path: Path, title: str = "",
                    fmt: str | None = None) -> None:
    """Draw the main indicators over time into a PNG file.

    Args:
        trajectory: one row per quarter with a ``quarter`` column and indicator columns.
        path: PNG file to write.
        title: figure title.
        fmt: the image format when ``path`` does not end in it (e.g. a temporary name).

    """
    years = 2019.75 + trajectory.index.to_numpy() / 4
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
    for ax, (name, series) in zip(axes.flat, PANELS, strict=True):
        for column, label in series:
            ax.plot(years, trajectory[column], label=label)
        ax.set_title(name)
        ax.set_ylim(0, max(1.05, float(trajectory[[c for c, _ in series]].max().max()) * 1.05))
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110, format=fmt)
    finally:
        plt.close(fig)
