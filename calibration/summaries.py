"""The model outputs that match the calibration targets (2020-2024), as one batch function.

``simulate(params, seed)`` is what a calibration batch runs (``model =
"calibration.summaries:simulate"``): it steps the servisim model through its first five years
(2020Q1-2024Q4, the quarters every run shares with a full 2040 run, so the numbers are those a
user sees) and returns one number per entry of :data:`SUMMARIES`.

The run starts in 2020: targets observed in 2012-2022 (jobs and establishment trends) are
matched on the model's own 2020-2024 years, and 2007 firm-level shares on the model's 2020
population. Some outputs need more than the 16 indicators: how many subsidy requests were
made, which firms were attacked and what it cost. The model records these itself
(``model.policy.requests_by_year`` and ``model.cyber_history``); they are read here after
the steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Summary name -> (year it describes in the model, what it is).
SUMMARIES: dict[str, tuple[str, str]] = {
    "jobs_change_2020_2024": (
        "2020-2024", "yearly change of industrial jobs, 2019Q4 to 2024Q4"),
    "establishments_change_2020_2024": (
        "2020-2024", "yearly change of live establishments, 2019Q4 to 2024Q4"),
    "digital_adoption_10_19_2020": (
        "2020", "digital adopters among live firms with 10-19 employees, 2020Q4"),
    "digital_adoption_250plus_2020": (
        "2020", "digital adopters among live large establishments (250+), 2020Q4"),
    "digital_adoption_10_49_2024": (
        "2024", "digital adopters among live firms with 10-49 employees, 2024Q4"),
    "digital_adoption_250plus_2024": (
        "2024", "digital adopters among live large establishments (250+), 2024Q4"),
    "subsidy_oversubscription_2020": (
        "2020", "subsidy asked in 2020 / budget released in 2020 (the relaunch's first wave)"),
    "subsidy_applicant_share_2020": (
        "2020", "subsidy applications in 2020 / live establishments with 10+ employees "
                "(the data's 30,000 industrial SMEs and mid-caps)"),
    "subsidy_mean_request_2020": (
        "2020", "EUR asked per application in 2020 (whole-region EUR)"),
    "subsidy_small_projects_share_2020_2022": (
        "2020-2022", "share of establishments subsidised in 2020-2022 with < 50 employees"),
    "service_revenue_share_2020": (
        "2020", "service sales / all sales of industrial firms, 2020Q4"),
    "service_capture_2020": (
        "2020", "service sales on makers' installed bases captured by the makers, 2020Q4"),
    "firms_selling_services_2020": (
        "2020", "live firms whose service sales are at least 1% of their sales, 2020Q4"),
    "firms_service_dominant_2020": (
        "2020", "live firms selling more services than goods, 2020Q4"),
    "cyber_attacked_share_2021": (
        "2021", "firms alive in 2021 attacked at least once in 2021"),
    "cyber_median_loss_2021": (
        "2021", "median loss of an attack in 2021 (before insurance), EUR"),
    "cyber_solvency_threat_2021": (
        "2021", "attacked firms whose loss (after insurance) exceeded their cash, 2021"),
    "severe_incidents_per_1000_2020": (
        "2020", "severe cyber incidents in 2020 per 1,000 live firms"),
    "service_function_jobs_share_2020": (
        "2020", "service-function jobs (support functions and the service offer) / all "
                "industrial jobs, 2020Q4"),
}

QUARTERS = 20  # 2020Q1 .. 2024Q4
SELLING_MIN_SHARE = 0.01


def _cyber_2021(model: Any, in_2021: np.ndarray) -> dict[str, float]:
    """The 2021 cyber summaries, from the attacks the model recorded each quarter."""
    outcomes = [o for year, o in model.cyber_history if year == 2021]
    # Only attacks that cost something count: with zero loss parameters an attack can cost
    # nothing, and then leaves nothing to observe.
    costly = [o.gross_losses > 0 for o in outcomes]
    attacked = {int(r) for o, c in zip(outcomes, costly, strict=True) for r in o.rows[c]}
    losses = np.concatenate([np.empty(0)] + [o.gross_losses[c]
                                             for o, c in zip(outcomes, costly, strict=True)])
    threatened = sum(o.threatened for o in outcomes)  # a threat always costs something
    return {
        "cyber_attacked_share_2021": len(attacked) / max(int(in_2021.sum()), 1),
        "cyber_median_loss_2021": float(np.median(losses)) if len(losses) else math.nan,
        "cyber_solvency_threat_2021": threatened / len(losses) if len(losses) else math.nan,
    }


def _share(mask: np.ndarray, within: np.ndarray) -> float:
    count = int(within.sum())
    return float((mask & within).sum()) / count if count else math.nan


def _firm_shares(model: Any) -> dict[str, float]:
    """Service-selling shares of the live firms now."""
    f = model.firms
    n = f.n
    alive = f.alive[:n]
    goods, service = f.goods_revenue[:n], f.service_revenue[:n]
    total = goods + service
    share = np.divide(service, total, out=np.zeros(n), where=total > 0)
    return {
        "firms_selling_services_2020": _share(share >= SELLING_MIN_SHARE, alive),
        "firms_service_dominant_2020": _share(service > goods, alive),
    }


def _adoption(model: Any, year: int) -> dict[str, float]:
    from model.state import LARGE

    f = model.firms
    n = f.n
    alive = f.alive[:n]
    emp = f.employees[:n]
    large = alive & (f.kind[:n] == LARGE)
    adopted = f.adopted[:n]
    if year == 2020:
        small = alive & ~large & (emp >= 10) & (emp < 20)
        return {"digital_adoption_10_19_2020": _share(adopted, small),
                "digital_adoption_250plus_2020": _share(adopted, large)}
    small = alive & ~large & (emp >= 10) & (emp < 50)
    return {"digital_adoption_10_49_2024": _share(adopted, small),
            "digital_adoption_250plus_2024": _share(adopted, large)}


def summaries(model: Any) -> dict[str, float]:
    """Step a fresh model through 2020-2024 and compute every summary.

    Args:
        model: a ``ServitizationModel`` that has not been stepped yet.

    Returns:
        Summary name -> value (``nan`` where a class is empty, e.g. no large firm).

    """
    f = model.firms
    out: dict[str, float] = {}
    jobs0 = model.current["jobs"]
    firms0 = int(f.alive[: f.n].sum())
    last_employees = f.employees.copy()
    eligible_2020 = math.nan
    for q in range(QUARTERS):
        if model.year == 2020 and q % 4 == 3:  # the relaunch's first call opens in 2020Q4
            n = f.n
            eligible_2020 = float((f.alive[:n] & (f.employees[:n] >= 10)).sum())
        model.step()
        n = f.n
        live = f.alive[:n]
        last_employees[:n] = np.where(live, f.employees[:n], last_employees[:n])
        if q == 3:  # 2020Q4
            out.update(_adoption(model, 2020))
            out.update(_firm_shares(model))
            out["service_revenue_share_2020"] = model.current["service_revenue_share"]
            out["service_capture_2020"] = model.current["industrial_service_capture"]
            out["severe_incidents_per_1000_2020"] = model.current["severe_incidents_per_1000"]
            out["service_function_jobs_share_2020"] = model.current[
                "service_function_jobs_share"]
            asked = model.policy.requested_by_year.get(2020, 0.0)
            count = model.policy.requests_by_year.get(2020, 0)
            out["subsidy_mean_request_2020"] = asked / count if count else math.nan
            released = model.policy.released_by_year.get(2020, 0.0)
            out["subsidy_oversubscription_2020"] = (
                model.policy.requested_by_year.get(2020, 0.0) / released
                if released > 0 else math.nan)
            alive_2021 = live.copy()
        if q == 11:  # 2022Q4: every establishment subsidised by the relaunch calls
            got = f.subsidy_received[:n] > 0
            out["subsidy_small_projects_share_2020_2022"] = _share(
                last_employees[:n] < 50, got)
    out.update(_adoption(model, 2024))
    years = QUARTERS / 4
    out["jobs_change_2020_2024"] = (model.current["jobs"] / jobs0) ** (1 / years) - 1
    out["establishments_change_2020_2024"] = (
        int(f.alive[: f.n].sum()) / firms0) ** (1 / years) - 1
    applications = model.policy.requests_by_year.get(2020, 0)
    out["subsidy_applicant_share_2020"] = (
        applications / eligible_2020 if eligible_2020 > 0 else math.nan)
    # firms alive at some point in 2021: alive at the end of 2020 or entered in 2021
    entered = (f.entry_quarter[: f.n] >= 4) & (f.entry_quarter[: f.n] < 8)
    in_2021 = np.zeros(f.n, dtype=bool)
    in_2021[: len(alive_2021)] = alive_2021
    in_2021 |= entered
    out.update(_cyber_2021(model, in_2021))
    return {name: float(out[name]) for name in SUMMARIES}


def simulate(params: dict[str, Any], seed: int) -> dict[str, float]:
    """Batch function (``f(params, seed) -> dict``): the servisim summaries of one run.

    Args:
        params: registry parameters (anything not given stays at its default).
        seed: the run's seed.

    Returns:
        One value per entry of :data:`SUMMARIES`.

    """
    from model import ServitizationModel

    model = ServitizationModel(rng=seed, headless=True, **params)
    return summaries(model)


#: Presets checked with the calibrated defaults, by index (a batch varies numbers only).
CHECKED_PRESETS = ("low", "trend", "high")
PRESET_INDEX = "preset_index"


def preset_scenario(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """Batch function: a full run of preset ``CHECKED_PRESETS[preset_index]`` on ``params``.

    ``params`` plays the role of the registry defaults (e.g. calibrated values); the preset's
    own values go on top, as ``load_preset`` does on the registry.

    Returns:
        ``own_class`` (1.0 if the run lands in the preset's class, else 0.0) and ``scenario``.

    """
    from model import ServitizationModel, load_preset

    name = CHECKED_PRESETS[int(params[PRESET_INDEX])]
    run = {k: v for k, v in params.items() if k != PRESET_INDEX}
    run.update(load_preset(name))
    model = ServitizationModel(rng=seed, headless=True, **run)
    model.run()
    scenario = model.scenario()
    return {"own_class": float(scenario == name), "scenario": scenario}
