"""The indicators, computed from the state arrays every quarter.

Money and jobs are whole-region equivalents (divided by ``population_scale``), so runs at
different scales are comparable. Exits count the firms of 10 or more employees of 2020, as
the workshop's thresholds do, with cyber-caused exits apart. The servitized shares count the
firms that make goods: service-intensive firms (repair, installation) sell services from the
start and are not the transformation the indicator follows.
"""

from __future__ import annotations

import numpy as np

from agents.kinds import ADDED_SERVICES, PAY_PER_USE
from model.population import JOBS_2017
from model.state import EXIT_CYBER, LARGE

#: Indicator names (the DataCollector's columns), the spec's first, then model v2's.
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
    "cyber_exits_share",
    "service_offer_share",
    "usage_offer_share_sme",
    "abandoned_offers_share",
    "cluster_dynamism",
    "new_sites_share",
    "service_function_jobs_share",
    "offshored_jobs",
)


def _share(mask: np.ndarray, within: np.ndarray) -> float:
    count = int(within.sum())
    return float((mask & within).sum()) / count if count else 0.0


def compute(model) -> dict[str, float]:
    """Compute every indicator for the current quarter.

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
    # Servitization is the makers' move: service-intensive firms sell services from the start.
    servitized = f.servitized[:n]
    makers = ~f.service_intensive[:n]
    serv_sme = _share(servitized, sme & makers)
    serv_large = _share(servitized, big & makers)
    goods = float(f.goods_revenue[:n][alive].sum())
    employees = float(f.employees[:n][alive].sum())
    history = [outcome.severe for _, outcome in model.cyber_history[-4:]]
    firms_alive = max(int(alive.sum()), 1)
    spent = model.policy.spent
    n0 = model.initial_firms
    tenplus = model.initial_10plus
    gone = tenplus & ~f.alive[:n0]
    members = alive & f.cluster[:n]
    support = model.p["support_function_share"]
    service_functions = float((support * f.production_jobs[:n] + f.service_jobs[:n])[alive].sum())
    offshorable_jobs = (support * f.production_jobs[:n] + f.service_jobs[:n]) * f.offshored[:n]
    lost = np.divide(offshorable_jobs, 1 - f.offshored[:n], out=np.zeros(n),
                     where=f.offshored[:n] < 1)
    return {
        "industrial_service_capture": capture,
        "platform_share": 1.0 - capture,
        "servitized_share_sme": serv_sme,
        "servitized_share_large": serv_large,
        "two_tier_gap": serv_large - serv_sme,
        "digital_adoption_sme": _share(f.adopted[:n], sme),
        "digital_adoption_large": _share(f.adopted[:n], big),
        "service_revenue_share": industrial / (industrial + goods) if industrial + goods else 0.0,
        "jobs": employees / scale,
        "jobs_index_2017": employees / scale / JOBS_2017,
        "cumulative_exits_share": float(gone.sum()) / max(int(tenplus.sum()), 1),
        "platforms_alive": float(p.alive[: p.n].sum()),
        "severe_incidents_per_1000": 1000.0 * sum(history) * 4 / len(history) / firms_alive
        if history else 0.0,
        "cluster_adoption_share": model.cluster_adoptions / model.adoptions
        if model.adoptions else 0.0,
        "subsidy_spent": spent / scale,
        "subsidy_leverage": model.additional_capex / spent if spent > 0 else 0.0,
        "cyber_exits_share": float((gone & (f.exit_cause[:n0] == EXIT_CYBER)).sum())
        / max(int(tenplus.sum()), 1),
        "service_offer_share": _share(f.rung[:n] >= ADDED_SERVICES, alive),
        "usage_offer_share_sme": _share(f.rung[:n] >= PAY_PER_USE, sme),
        "abandoned_offers_share": model.abandoned / model.usage_offers
        if model.usage_offers else 0.0,
        "cluster_dynamism": sum(model.recent_cluster_adoptions) / max(int(members.sum()), 1)
        * 4 / max(len(model.recent_cluster_adoptions), 1),
        "new_sites_share": model.new_sites / n0,
        "service_function_jobs_share": service_functions / employees if employees else 0.0,
        "offshored_jobs": float(lost[alive].sum()) / scale,
    }
