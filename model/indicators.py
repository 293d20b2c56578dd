"""Spec section 5: the indicators, computed from the state arrays every quarter."""

from __future__ import annotations

import numpy as np

from model.population import JOBS_2017
from model.state import LARGE

#: Indicator names, in the order of the spec (the DataCollector's columns).
INDICATORS: tuple[str, ...] = (
    "industrial_service_capture",
    "platform_share",
    "servitized_share_sme",
    "servitized_share_large",
    "two_tier_gap",
    "digital_adoption_sme",
    "digital_adoption_large",
    "service_revenue_share",
    "jobs",
    "jobs_index_2017",
    "cumulative_exits_share",
    "platforms_alive",
    "severe_incidents_per_1000",
    "cluster_adoption_share",
    "subsidy_spent",
    "subsidy_leverage",
)


def _share(mask: np.ndarray, within: np.ndarray) -> float:
    count = int(within.sum())
    return float((mask & within).sum()) / count if count else 0.0


def compute(model) -> dict[str, float]:
    """Compute every indicator for the current quarter.

    Money and jobs are whole-region equivalents (divided by ``population_scale``), so runs at
    different scales are comparable.

    Args:
        model: the ``ServitizationModel``.

    Returns:
        Indicator name -> value.

    """
    f, p = model.firms, model.platforms
    n = f.n
    scale = model.p["population_scale"]
    alive = f.alive[:n]
    large = f.kind[:n] == LARGE
    sme = alive & ~large
    big = alive & large
    industrial = float(f.service_revenue[:n][alive].sum())
    platform = float(p.revenue[: p.n][p.alive[: p.n]].sum())
    total_service = industrial + platform
    capture = industrial / total_service if total_service > 0 else 1.0
    servitized = f.servitized[:n]
    serv_sme = _share(servitized, sme)
    serv_large = _share(servitized, big)
    goods = float(f.goods_revenue[:n][alive].sum())
    jobs = float(f.employees[:n][alive].sum()) / scale
    history = [outcome.severe for _, outcome in model.cyber_history[-4:]]
    firms_alive = max(int(alive.sum()), 1)
    spent = model.policy.spent
    return {
        "industrial_service_capture": capture,
        "platform_share": 1.0 - capture,
        "servitized_share_sme": serv_sme,
        "servitized_share_large": serv_large,
        "two_tier_gap": serv_large - serv_sme,
        "digital_adoption_sme": _share(f.adopted[:n], sme),
        "digital_adoption_large": _share(f.adopted[:n], big),
        "service_revenue_share": industrial / (industrial + goods) if industrial + goods else 0.0,
        "jobs": jobs,
        "jobs_index_2017": jobs / JOBS_2017,
        "cumulative_exits_share": model.exits_since_start / model.initial_firms,
        "platforms_alive": float(p.alive[: p.n].sum()),
        "severe_incidents_per_1000": 1000.0 * sum(history) * 4 / len(history) / firms_alive
        if history else 0.0,
        "cluster_adoption_share": model.cluster_adoptions / model.adoptions
        if model.adoptions else 0.0,
        "subsidy_spent": spent / scale,
        "subsidy_leverage": model.additional_capex / spent if spent > 0 else 0.0,
    }
