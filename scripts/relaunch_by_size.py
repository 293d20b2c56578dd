"""Who the 2020 relaunch call reaches, by size, and what the project-cost exponent trades.

Usage: .venv/bin/python scripts/relaunch_by_size.py [--seeds 11 12 13] [--scale 0.5]
       [--exponents 0.7582 1.0]

For each seed, the first five years of a run at the shipped defaults (the history check of
``model/history.py``): the establishments eligible for the call (10+ employees) before it opens
and their share under 50 employees, the 2020 applications, EUR asked and released, and the
relaunch summaries matched on the calibration targets. Then, for each project-cost size
exponent (``investment_size_exponent``), the mean over the seeds of the small-projects share,
the mean request and the oversubscription: the exponent trades the first against the second.
"""

from __future__ import annotations

import argparse

import numpy as np

from model import ServitizationModel
from model.history import QUARTERS, History, step_with_history

SUMMARIES = ("subsidy_small_projects_share_2020_2022", "subsidy_mean_request_2020",
             "subsidy_oversubscription_2020")


def history(seed: int, scale: float, **params) -> tuple[ServitizationModel, dict, tuple]:
    """Run 2020-2024; return the model, its summaries and (eligible, share under 50)."""
    model = ServitizationModel(rng=seed, headless=True, population_scale=scale, **params)
    watch = History(model)
    eligible = (0, float("nan"))
    for quarter in range(QUARTERS):
        if quarter == 3:  # 2020Q4, before the first call opens
            f = model.firms
            emp = f.employees[: f.n]
            mask = f.alive[: f.n] & (emp >= 10)
            eligible = (int(mask.sum()), float((emp[mask] < 50).mean()))
        step_with_history(model, watch)
    return model, watch.summaries(), eligible


def main() -> None:
    """Print one line per seed, then one line per exponent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--exponents", type=float, nargs="+", default=[0.7582, 1.0])
    args = parser.parse_args()
    for seed in args.seeds:
        model, s, (eligible, small) = history(seed, args.scale)
        policy = model.policy
        print(f"seed {seed}: {eligible} eligible ({small:.0%} under 50 employees); 2020: "
              f"{policy.requests_by_year.get(2020, 0)} applications, EUR "
              f"{policy.requested_by_year.get(2020, 0.0):,.0f} asked, EUR "
              f"{policy.released_by_year.get(2020, 0.0):,.0f} released; oversubscription "
              f"{s['subsidy_oversubscription_2020']:.2f}, applicant share "
              f"{s['subsidy_applicant_share_2020']:.3f}, mean request EUR "
              f"{s['subsidy_mean_request_2020']:,.0f}, small projects "
              f"{s['subsidy_small_projects_share_2020_2022']:.3f}")
    for exponent in args.exponents:
        values = np.array([[history(seed, args.scale, investment_size_exponent=exponent)[1][k]
                            for k in SUMMARIES] for seed in args.seeds])
        small, request, over = values.mean(axis=0)
        print(f"investment_size_exponent {exponent:g}: small projects {small:.3f}, mean request "
              f"EUR {request:,.0f}, oversubscription {over:.2f} (mean of {len(args.seeds)} seeds)")


if __name__ == "__main__":
    main()
