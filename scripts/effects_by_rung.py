"""Why the margin effect dips: do the firms that start selling services climb on to pay-per-use.

Usage: .venv/bin/python scripts/effects_by_rung.py [--seeds 11 12 13] [--scale 0.5]

For each seed, one run at the shipped defaults to 2040 with the panel of
``calibration/effects.py``; prints the matched effects three years after the start (as
``servisim calibrate`` computes them), how many of the treated firms (started selling services
in 2021-2034) reached pay-per-use or a performance contract by then, and the raw change of the
margin rate (points, no control) of those that did and of those that stayed on added services.
"""

from __future__ import annotations

import argparse

import numpy as np

from agents.kinds import PAY_PER_USE
from calibration import effects as fx
from model import ServitizationModel


class RungPanel(fx.Panel):
    """The effects panel with each firm's rung at every year's Q4."""

    def __init__(self, model):
        super().__init__(model)
        self.rung = np.zeros(self.alive.shape, dtype=int)

    def record(self, model, quarter: int) -> None:
        """Add the quarter just simulated, and the rungs at its year's Q4."""
        super().record(model, quarter)
        if quarter % 4 == 3:
            f = model.firms
            self.rung[quarter // 4, : f.n] = f.rung[: f.n]


def main() -> None:
    """Run the seeds and print one block per seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--scale", type=float, default=0.5)
    args = parser.parse_args()
    h = fx.HEADLINE
    for seed in args.seeds:
        model = ServitizationModel(rng=seed, headless=True, population_scale=args.scale)
        panel = fx.run_panel(model, RungPanel)
        found = fx.effects(panel)
        first = panel.years[0]
        climbed, stayed = [], []
        for cohort in range(fx.FIRST_COHORT, fx.LAST_COHORT + 1):
            pre, post = cohort - 1 - first, cohort + h - first
            if post >= len(panel.years):
                continue
            t = np.flatnonzero((panel.start == cohort) & panel.alive[pre] & panel.alive[post]
                               & (panel.sales[pre] > 0))
            top = panel.rung[pre + 1: post + 1, t].max(axis=0)
            change = (panel.ebit[post, t] / panel.sales[post, t]
                      - panel.ebit[pre, t] / panel.sales[pre, t])
            climbed.append(change[top >= PAY_PER_USE])
            stayed.append(change[top < PAY_PER_USE])
        up, flat = np.concatenate(climbed), np.concatenate(stayed)
        total = len(up) + len(flat)
        print(f"seed {seed}: margin {found['margin_effect']:+.1%}, employment "
              f"{found['employment_effect']:+.1%}, sales {found['sales_effect']:+.1%} "
              f"({h} years after the start)")
        print(f"  {len(up)} of {total} starters ({len(up) / max(total, 1):.0%}) reached "
              f"pay-per-use by then: margin rate {100 * np.mean(up):+.2f} points; the "
              f"{len(flat)} on added services: {100 * np.mean(flat):+.2f} points (raw changes, "
              "no control)")


if __name__ == "__main__":
    main()
