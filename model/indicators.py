"""The indicators, computed from the state arrays every quarter.

Money and jobs are whole-region equivalents (divided by ``population_scale``), so runs at
different scales are comparable. Exits count the firms of 10 or more employees of 2020, as
the workshop's thresholds do, with cyber-caused exits apart. The servitized shares count the
firms that make goods: service-intensive firms (repair, installation) sell services from the
start and are not the transformation the indicator follows.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from agents.exact import count, psum_where
from agents.jit import divide_where, kernel, rows, rule, tally
from agents.kinds import ADDED_SERVICES, PAY_PER_USE
from model.population import JOBS_2017
from model.state import (
    EMPLOYEES,
    EXIT_CAUSE,
    EXIT_CYBER,
    GOODS_REVENUE,
    IS_ADOPTED,
    IS_ALIVE,
    IS_CLUSTER,
    IS_LARGE,
    IS_SERVICE_INTENSIVE,
    IS_SERVITIZED,
    OFFSHORED,
    P_ALIVE,
    P_REVENUE,
    PRODUCTION_JOBS,
    RUNG,
    SERVICE_JOBS,
    SERVICE_REVENUE,
)

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


#: What :func:`_tally` counts, in the order of its counts.
(ALIVE, SME_MAKERS, SME_MAKERS_SERVITIZED, LARGE_MAKERS, LARGE_MAKERS_SERVITIZED, SMES,
 SMES_ADOPTED, LARGE, LARGE_ADOPTED, TEN_PLUS, TEN_PLUS_GONE, TEN_PLUS_CYBER_GONE,
 CLUSTER_MEMBERS, OFFERING, SMES_USAGE) = range(15)


@rule
def counted(total, condition):
    """``total`` plus :func:`~agents.jit.tally` of ``condition``, kept an int32.

    A kernel's counts of rows fit an int32; kept one, LLVM adds sixteen rows to each count per
    vector instruction instead of eight, which halves the counting loop.
    """
    return np.int32(total + tally(condition))


@kernel
def _tally(values, codes, flags, n, platform_values, platform_flags, m, initial_10plus,
           support):
    """The sums and counts behind the indicators (rows ``:n``)."""
    alive = flags[IS_ALIVE]
    service_functions, lost = np.empty(n), np.empty(n)
    # Counts add up in the loop (integers: any order gives the same), so that it vectorises
    # and no row of marks is written and read again.
    live = smes = sme_makers = sme_servitized = larges = large_makers = np.int32(0)
    large_servitized = sme_adopted = large_adopted = members = offering = np.int32(0)
    sme_usage = np.int32(0)
    for i in rows(n):
        large = flags[IS_LARGE, i]
        sme, big = alive[i] & ~large, alive[i] & large
        makers = ~flags[IS_SERVICE_INTENSIVE, i]
        servitized, adopted = flags[IS_SERVITIZED, i], flags[IS_ADOPTED, i]
        live = counted(live, alive[i])
        sme_makers = counted(sme_makers, sme & makers)
        sme_servitized = counted(sme_servitized, servitized & sme & makers)
        large_makers = counted(large_makers, big & makers)
        large_servitized = counted(large_servitized, servitized & big & makers)
        smes = counted(smes, sme)
        sme_adopted = counted(sme_adopted, adopted & sme)
        larges = counted(larges, big)
        large_adopted = counted(large_adopted, adopted & big)
        members = counted(members, alive[i] & flags[IS_CLUSTER, i])
        offering = counted(offering, (codes[RUNG, i] >= ADDED_SERVICES) & alive[i])
        sme_usage = counted(sme_usage, (codes[RUNG, i] >= PAY_PER_USE) & sme)
        functions = support * values[PRODUCTION_JOBS, i] + values[SERVICE_JOBS, i]
        service_functions[i] = functions
        offshored = values[OFFSHORED, i]
        lost[i] = divide_where(functions * offshored, 1 - offshored, offshored < 1)
    ten_plus = ten_plus_gone = ten_plus_cyber_gone = np.int32(0)
    for i in rows(len(initial_10plus)):  # the 2020 firms of 10 or more employees
        gone = initial_10plus[i] & ~alive[i]
        ten_plus = counted(ten_plus, initial_10plus[i])
        ten_plus_gone = counted(ten_plus_gone, gone)
        ten_plus_cyber_gone = counted(ten_plus_cyber_gone,
                                      gone & (codes[EXIT_CAUSE, i] == EXIT_CYBER))
    counts = np.array((live, sme_makers, sme_servitized, large_makers, large_servitized, smes,
                       sme_adopted, larges, large_adopted, ten_plus, ten_plus_gone,
                       ten_plus_cyber_gone, members, offering, sme_usage), np.int64)
    sums = (psum_where(values[SERVICE_REVENUE], alive, n),
            psum_where(platform_values[P_REVENUE], platform_flags[P_ALIVE], m),
            psum_where(values[GOODS_REVENUE], alive, n),
            psum_where(values[EMPLOYEES], alive, n),
            psum_where(service_functions, alive, n), psum_where(lost, alive, n))
    return sums, counts


def compute(model) -> dict[str, float]:
    """Compute every indicator for the current quarter.

    Args:
        model: the ``ServitizationModel``.

    Returns:
        Indicator name -> value, in the order of :data:`INDICATORS`.

    """
    # A quarter's fixed cost: counts unpacked into locals and shares written inline, since
    # every lookup and call here is made once a quarter with the caches cold.
    f, pl, params = model.firms, model.platforms, model.p
    scale = params["population_scale"]
    sums, counts = _tally(f.values, f.codes, f.flags, f.n, pl.values, pl.flags, pl.n,
                          model.initial_10plus, params["support_function_share"])
    industrial, platform, goods, employees, service_functions, lost = sums
    # Compiled, the sums come back as Python floats; as numpy, as numpy's (made Python's here).
    if industrial.__class__ is not float:
        industrial, platform, goods, employees, service_functions, lost = map(float, sums)
    (alive, sme_makers, sme_servitized, large_makers, large_servitized, smes, sme_adopted,
     larges, large_adopted, ten_plus, ten_plus_gone, ten_plus_cyber_gone, members, offering,
     sme_usage) = counts.tolist()
    total_service = industrial + platform
    capture = industrial / total_service if total_service > 0 else 1.0
    # Servitization is the makers' move: service-intensive firms sell services from the start.
    serv_sme = sme_servitized / sme_makers if sme_makers else 0.0
    serv_large = large_servitized / large_makers if large_makers else 0.0
    history = model.cyber_history
    if history:
        # The last four quarters' severe incidents (integers: any order gives the same sum).
        recent = history[-4:]
        severe = 0
        for _, outcome in recent:
            severe += outcome.severe
        incidents = 1000.0 * severe * 4 / len(recent) / (alive if alive > 1 else 1)
    else:
        incidents = 0.0
    spent = model.policy.spent
    tenplus = ten_plus if ten_plus > 1 else 1
    adoptions, usage_offers = model.adoptions, model.usage_offers
    recent_cluster = model.recent_cluster_adoptions
    jobs = employees / scale
    goods_and_services = industrial + goods
    return {
        "industrial_service_capture": capture,
        "platform_share": 1.0 - capture,
        "servitized_share_sme": serv_sme,
        "servitized_share_large": serv_large,
        "two_tier_gap": serv_large - serv_sme,
        "digital_adoption_sme": sme_adopted / smes if smes else 0.0,
        "digital_adoption_large": large_adopted / larges if larges else 0.0,
        "service_revenue_share": industrial / goods_and_services if goods_and_services else 0.0,
        "jobs": jobs,
        "jobs_index_2017": jobs / JOBS_2017,
        "cumulative_exits_share": float(ten_plus_gone) / tenplus,
        "platforms_alive": float(count(pl.alive, pl.n)),
        "severe_incidents_per_1000": incidents,
        "cluster_adoption_share": model.cluster_adoptions / adoptions if adoptions else 0.0,
        "subsidy_spent": spent / scale,
        "subsidy_leverage": model.additional_capex / spent if spent > 0 else 0.0,
        "cyber_exits_share": float(ten_plus_cyber_gone) / tenplus,
        "service_offer_share": offering / alive if alive else 0.0,
        "usage_offer_share_sme": sme_usage / smes if smes else 0.0,
        "abandoned_offers_share": model.abandoned / usage_offers if usage_offers else 0.0,
        "cluster_dynamism": sum(recent_cluster) / (members if members > 1 else 1) * 4
        / (len(recent_cluster) or 1),
        "new_sites_share": model.new_sites / model.initial_firms,
        "service_function_jobs_share": service_functions / employees if employees else 0.0,
        "offshored_jobs": lost / scale,
    }


class IndicatorCollector(mesa.DataCollector):
    """Mesa's DataCollector for the indicators, which the model computes once a quarter.

    Its model reporters read ``model.current``. Collecting keeps the quarter's dict (the model
    makes a new one each quarter and changes none afterwards) and ``model_vars`` appends the
    kept quarters' values to its columns when it is read: a quarter then costs two appends
    instead of one a column (Mesa's generic collection costs 50-100 us), and the columns are
    filled in one pass whose objects are still in the caches.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._quarters: list[dict[str, float]] = []
        super().__init__(*args, **kwargs)

    @property
    def model_vars(self) -> dict[str, list]:
        """Indicator name -> its value in each quarter collected (Mesa's columns)."""
        quarters, columns = self._quarters, self._columns
        if quarters:
            for current in quarters:
                for name, value in current.items():
                    columns[name].append(value)
            quarters.clear()
        return columns

    @model_vars.setter
    def model_vars(self, columns: dict[str, list]) -> None:
        self._quarters.clear()
        self._columns = columns

    def collect(self, model: mesa.Model) -> None:
        """Record the quarter's indicators (the reporters' values)."""
        self._collection_steps.append(model.time)
        self._quarters.append(model.current)
