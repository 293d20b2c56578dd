"""ServitizationModel: Hauts-de-France industrial firms and the service market, 2020-2040.

One step is one quarter. The firm state lives in numpy arrays (``model.firms``); the Mesa
agents (``SME``, ``LargeFirm``, ``UpstreamSupplier``, ``PlatformEntrant``) are views on those
rows. With ``headless=True`` no agent objects are created and the trajectories are identical.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario

from agents import FIRM_CLASSES, PlatformEntrant
from agents import decisions as rules
from model import capabilities, cyber, demography, finance, investment, market, platforms
from model import indicators as indicator_defs
from model.investment import yearly_hazard
from model.macro import DemandIndex, usage_share
from model.network import AdopterNetwork
from model.parameters import resolve
from model.policy import SubsidyPolicy, convert_myopic, hurdle_rates
from model.population import (
    SERVICE_REVENUE_PER_JOB,
    add_firms,
    build_network,
    firm_count,
    populate,
)
from model.scenarios import classify
from model.state import FirmState, PlatformState

DT = 0.25  # years per step
INITIAL_PLATFORMS = 1


class RunScenario(Scenario):
    """Mesa's scenario object for this model, callable to classify the run.

    ``model.scenario()`` returns ``"low"``, ``"trend"`` or ``"high"`` from the current
    indicators (the 2040 class once the run has finished).
    """

    def __call__(self) -> str:
        """Classify the model's current indicators."""
        return classify(self.model.indicators())


class ServitizationModel(mesa.Model):
    """Servitization of Hauts-de-France industry, 2020-2040, one step per quarter.

    Args:
        rng: seed (int) or numpy generator; same seed + same parameters = identical runs.
        headless: if True, create no Mesa agent objects (faster; same trajectories).
        scenario: accepted for Mesa's SolaraViz (which passes one on Reset) and ignored.
        **parameters: any registry parameter by name; validated against the registry.

    Attributes:
        p: the resolved parameters.
        firms: the firm state arrays.
        platforms: the platform state arrays.
        datacollector: one row per quarter, one column per indicator.
        cyber_history: one ``(year, CyberOutcome)`` per step done, in order (who was
            attacked, what it cost), for outputs the indicators do not hold.
        severe_history: severe incidents per step done (from ``cyber_history``).

    """

    def __init__(self, rng: Any = None, headless: bool = False, scenario: Scenario | None = None,
                 **parameters: Any) -> None:
        # Mesa's SolaraViz passes its own `scenario` on Reset; the run's parameters are the
        # keywords, so it is not used.
        del scenario
        p = resolve(parameters)
        super().__init__(rng=rng)
        self.scenario = RunScenario(rng=rng)
        self.p = p
        self.headless = headless
        self.n_steps = (p["end_year"] - p["start_year"] + 1) * 4
        self.quarter = 0  # steps done
        n0 = firm_count(p["population_scale"])
        capacity = n0 + int(math.ceil(n0 * p["entry_rate"] * self.n_steps * DT * 2)) + 20
        self.firms = FirmState(capacity)
        self.platforms = PlatformState(p["max_platforms"] * 8 + INITIAL_PLATFORMS + 8)
        populate(self.firms, self.rng, p)
        self.network = AdopterNetwork(build_network(self.rng, self.firms, p["network_degree"]),
                                      self.firms.alive, self.firms.adopted)
        self.initial_firms = n0
        self.demand = DemandIndex()
        self.policy = SubsidyPolicy(p["subsidy_budget_relance"] * p["population_scale"],
                                    p["subsidy_budget_after"] * p["population_scale"])
        self.ledger = {k: 0.0 for k in ("retained", "subsidy", "capex", "cyber", "borrowed",
                                        "repaid", "entrant_cash")}
        self.initial_cash = float(self.firms.cash[: self.firms.n].sum())
        self.cumulative_adoptions = int(self.firms.adopted[:n0].sum())
        self.initial_adoptions = max(self.cumulative_adoptions, 1)
        self.wright_multiplier = 1.0
        self.exits_since_start = 0
        self.adoptions = 0
        self.cluster_adoptions = 0
        self.additional_capex = 0.0
        self.cyber_history: list[tuple[int, cyber.CyberOutcome]] = []
        self.hurdle = hurdle_rates(self.firms.large, p, p["start_year"])
        self._hurdle_year = p["start_year"]
        # Per-row rates by size class, fixed for the run (kinds never change).
        large = self.firms.large
        self.bass_p = np.where(large, p["bass_p_large"], p["bass_p_sme"])
        self.attack_hazard = np.where(large, yearly_hazard(p["attack_prob_large"]),
                                      yearly_hazard(p["attack_prob_sme"]))
        self.exit_hazard = np.where(large, p["exit_hazard_large"], p["exit_hazard_sme"])
        self.subsidy_attention = np.where(large, 0.0, p["subsidy_attention"])
        self.imitation = np.where(self.firms.cluster, p["cluster_imitation_multiplier"], 1.0)
        platforms.add_platforms(self.platforms, np.full(INITIAL_PLATFORMS, 0.5), 0)
        # Clear twice: the second clearing sees the platforms' 2020 shares, so that the jobs
        # coefficients below absorb the 2020 squeeze and 2020Q1 matches the jobs anchor.
        self._clear_market(demand_index=1.0)
        self._clear_market(demand_index=1.0)
        self.service_demand_2020 = max(self.market.total_demand, 1e-9)
        self._set_initial_jobs(np.arange(n0))
        self.current = indicator_defs.compute(self)
        if not headless:
            self._create_firm_agents(np.arange(n0))
            self._create_platform_agents(np.arange(self.platforms.n))
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, k=name: m.current[k])
                             for name in indicator_defs.INDICATORS})
        self.datacollector.collect(self)

    # --- time --------------------------------------------------------------------------------
    @property
    def severe_history(self) -> list[int]:
        """Severe cyber incidents per step done, oldest first."""
        return [outcome.severe for _, outcome in self.cyber_history]

    @property
    def t_years(self) -> float:
        """Years elapsed since the start of the horizon."""
        return self.quarter * DT

    @property
    def year(self) -> int:
        """Calendar year of the quarter being simulated next."""
        return self.p["start_year"] + self.quarter // 4

    @property
    def quarter_label(self) -> str:
        """The last simulated quarter as text, e.g. ``2031Q2`` (``2019Q4`` before any step)."""
        q = self.quarter - 1
        return f"{self.p['start_year'] + q // 4}Q{q % 4 + 1}"

    def usage_at(self, t_years: float | np.ndarray) -> float | np.ndarray:
        """Usage-based share of demand at a time (years since start)."""
        return usage_share(t_years, self.p["usage_share_2040"])

    # --- the step ----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one quarter, in the order of spec section 3."""
        p, f, rng = self.p, self.firms, self.rng
        year, qy = self.year, self.quarter % 4
        n = f.n
        # 1. Macro: demand for regional industrial goods.
        demand_index = self.demand.step(rng, self.t_years, year, qy, p["demand_growth"],
                                        p["covid_shock"])
        # 2. Policy: subsidy windows, hurdles, support programmes, secure framework (in rules).
        self.policy.open_window(year, qy)
        if year != self._hurdle_year:
            self.hurdle = hurdle_rates(f.large, p, year)
            self._hurdle_year = year
        convert_myopic(rng, f.strategic[:n], f.alive[:n], p["support_conversion_rate"], DT)
        # 3. Attention: Bass hazard in agent form.
        share = self.neighbour_adopter_share()
        considering = self._attention(share)
        # 4. Decision: NPV of the options, financing, subsidy.
        u_platform = market.platform_utilities(self.platforms, p, p["population_scale"])
        result = investment.invest(self, considering, share[considering], self.policy,
                                   u_platform)
        self.adoptions += result.adoptions
        self.cluster_adoptions += result.cluster_adoptions
        self.additional_capex += result.additional_capex
        # 5. Capabilities and Wright's law.
        capabilities.update(f, p, self.quarter, DT)
        self.wright_multiplier = capabilities.wright_multiplier(
            self.cumulative_adoptions, self.initial_adoptions, p["learning_rate"])
        # 6. Cyber.
        alive_before = int(f.alive[:n].sum())
        attacks = cyber.attacks(rng, f, p, self.attack_hazard, self.quarter, DT)
        self.ledger["cyber"] += attacks.losses
        self.cyber_history.append((year, attacks))
        # 7. Market.
        self._clear_market(demand_index)
        # 8. Platforms.
        entered = platforms.enter_and_exit(
            rng, self.platforms, p, self.poorly_served_share,
            self.market.total_demand / self.service_demand_2020, self.market.total_demand,
            self.quarter)
        # 9. Finance, jobs, exits, entries.
        finance.settle_quarter(f, self.ledger, unlimited_credit=not p["cash_constraint"])
        offshored = self._offshored_share()
        demography.update_jobs(f, demography.productivity_index(
            self.t_years + DT, p["labour_productivity_growth"]), offshored)
        demography.exits(rng, f, p, self.exit_hazard, self.quarter, DT)
        self.exits_since_start += alive_before - int(f.alive[:n].sum())
        self._enter_firms(demand_index)
        if entered and not self.headless:
            self._create_platform_agents(np.arange(self.platforms.n - entered,
                                                   self.platforms.n))
        # 10. Data collection.
        self.quarter += 1
        self.current = indicator_defs.compute(self)
        self.datacollector.collect(self)
        if self.quarter >= self.n_steps:
            self.running = False

    def run(self) -> None:
        """Run to the end of the horizon (2040Q4 by default)."""
        while self.running:
            self.step()

    # --- outputs -----------------------------------------------------------------------------
    def indicators(self) -> dict[str, float]:
        """The indicators of the last simulated quarter (the run's outcomes at the end)."""
        return dict(self.current)

    def trajectory(self):
        """Quarterly indicators as a DataFrame with a ``quarter`` column like ``2031Q2``."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        start = self.p["start_year"]
        labels = ["2019Q4"] + [f"{start + q // 4}Q{q % 4 + 1}" for q in range(len(df) - 1)]
        df.insert(0, "quarter", labels)
        return df

    # --- helpers of the step ------------------------------------------------------------------
    def neighbour_adopter_share(self) -> np.ndarray:
        """Adopter share among each firm's neighbours (rows ``:n``).

        With ``complete_network`` every firm sees the whole population (Bass docking).
        """
        f = self.firms
        n = f.n
        if self.p["complete_network"]:
            alive = f.alive[:n]
            return np.full(n, (alive & f.adopted[:n]).sum() / max(alive.sum(), 1))
        self.network.update(f.alive, f.adopted)
        return self.network.adopter_share(n)

    def _attention(self, share: np.ndarray) -> np.ndarray:
        f, p = self.firms, self.p
        n = f.n
        draw = self.rng.random(n)
        pool = np.flatnonzero(f.alive[:n] & ~(f.adopted[:n] & f.servitizing[:n]))
        bass_p = self.bass_p[pool]  # the pool: firms with something left to adopt
        if self.policy.is_open():  # a subsidy call draws eligible firms' attention
            bass_p = bass_p + self.subsidy_attention[pool]
        multiplier = self.imitation[pool]
        mid = rules.mid_step_share(bass_p, p["bass_q"], share[pool], multiplier, DT)
        prob = rules.attention_probability(bass_p, p["bass_q"], mid, multiplier, DT)
        return pool[draw[pool] < prob]

    def _clear_market(self, demand_index: float) -> None:
        f, p = self.firms, self.p
        n = f.n
        in_transition = f.servitizing[:n] & (f.transition_quarters[:n] < p["transition_quarters"])
        self.market = market.clear(f, self.platforms, p, demand_index,
                                   self.usage_at(self.t_years), in_transition)
        total = f.goods_revenue[:n] + f.service_revenue[:n]
        share = np.divide(f.service_revenue[:n], total, out=np.zeros(n), where=total > 0)
        f.servitized[:n] = f.alive[:n] & (share >= p["servitization_threshold"])
        # A firm already selling services past the threshold counts as having made the move.
        f.servitizing[:n] |= f.servitized[:n]

    @property
    def poorly_served_share(self) -> float:
        """Share of service demand unserved or served by firms with low service capability."""
        m = self.market
        return m.poorly_served / m.total_demand if m.total_demand > 0 else 0.0

    def _offshored_share(self) -> np.ndarray:
        """Share of each firm's service jobs located outside the region (grows to 2040)."""
        f = self.firms
        progress = min(1.0, self.t_years / 20.0)
        anchored = np.where(f.cluster[: f.n], 0.5, 1.0)  # cluster ties keep jobs local
        return self.p["offshorable_service_share"] * progress * anchored

    def _set_initial_jobs(self, rows: np.ndarray) -> None:
        f = self.firms
        service = np.minimum(0.5 * f.employees[rows],
                             f.service_revenue[rows] * 4 / SERVICE_REVENUE_PER_JOB)
        f.service_jobs[rows] = service
        f.production_jobs[rows] = f.employees[rows] - service
        goods = np.maximum(f.goods_revenue[rows], 1e-9)
        f.jobs_per_goods[rows] = f.production_jobs[rows] / goods

    def _enter_firms(self, demand_index: float) -> None:
        f, p = self.firms, self.p
        count = demography.entries_this_quarter(self.rng, self.initial_firms, p["entry_rate"], DT)
        count = min(count, f.capacity - f.n)
        if count <= 0:
            return
        rows = np.arange(f.n, f.n + count)
        f.n += count
        add_firms(f, self.rng, p, rows, f.kind[rows], f.employees[rows], self.quarter)
        self.ledger["entrant_cash"] += float(f.cash[rows].sum())
        f.goods_revenue[rows] = f.base_demand[rows] * demand_index
        f.jobs_per_goods[rows] = f.employees[rows] / np.maximum(f.goods_revenue[rows], 1e-9)
        if not self.headless:
            self._create_firm_agents(rows)

    def _create_firm_agents(self, rows: np.ndarray) -> None:
        for row in rows.tolist():
            FIRM_CLASSES[int(self.firms.kind[row])](self, row)

    def _create_platform_agents(self, rows: np.ndarray) -> None:
        for row in rows.tolist():
            PlatformEntrant(self, row)

    def decision_context(self, rows: np.ndarray) -> rules.DecisionContext:
        """What the firms in ``rows`` know if they evaluate their options now."""
        u_platform = market.platform_utilities(self.platforms, self.p, self.p["population_scale"])
        return investment.decision_context(self, rows, self.policy.is_open(), u_platform)

    def financing_capacity(self, rows: np.ndarray) -> np.ndarray:
        """Cash plus borrowing capacity of the firms in ``rows``."""
        return investment.financing_capacity(self.firms, rows, self.p["cash_constraint"])

    def money_in_firms(self) -> float:
        """Total cash of all firms ever in the population (live or not), EUR."""
        return float(self.firms.cash[: self.firms.n].sum())
