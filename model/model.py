"""ServitizationModel: Hauts-de-France industrial firms and the service market, 2020-2040.

One step is one quarter. The firm state lives in numpy arrays (``model.firms``); the Mesa
agents (``SME``, ``LargeFirm``, ``UpstreamSupplier``, ``PlatformEntrant``) are views on those
rows. With ``headless=True`` no agent objects are created and the trajectories are identical.
"""

from __future__ import annotations

import functools
import math
from collections import deque
from collections.abc import Callable
from typing import Any

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario

from agents import FIRM_CLASSES, PlatformEntrant
from agents import decisions as rules
from agents.economics import productivity_gain
from agents.kinds import PAY_PER_USE
from model import (
    capabilities,
    cyber,
    demography,
    finance,
    goods,
    investment,
    jobs,
    ladder,
    levers,
    market,
    market_2020,
    platforms,
)
from model import indicators as indicator_defs
from model.calendar import DT, QUARTERS_PER_YEAR, quarter_label
from model.entrants import add_entrants
from model.investment_book import call_projects
from model.macro import DemandIndex, usage_curve, usage_on_curve
from model.network import AdopterNetwork
from model.parameters import resolve
from model.policy import SubsidyPolicy, convert_myopic, hurdle_rates, hurdle_terms
from model.population import build_network, firm_count, populate
from model.quarters import run_quarters
from model.run_terms import quarter_market, run_terms
from model.scenarios import classify
from model.state import FirmState, PlatformState

LEDGER_ENTRIES = ("retained", "interest", "payout", "subsidy", "capex", "cyber", "borrowed",
                  "repaid", "entrant_cash")
_usage_curve = functools.lru_cache(64)(usage_curve)  # two logarithms: once per 2040 share


class RunClassifier(Scenario):
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
        cyber_history: one ``(year, CyberOutcome)`` per step done, in order.
        know_how_penalty: the platforms' utility penalty that puts this run's 2020 service
            capture at ``service_capture_2020``.
        considered: the last investment round's ``(rows, prompted)``, so that a firm's
            ``decide()`` weighs a call project where a call brought the firm to that round.

    """

    def __init__(self, rng: Any = None, headless: bool = False, scenario: Scenario | None = None,
                 **parameters: Any) -> None:
        del scenario  # SolaraViz passes one on Reset; the keywords are the run's parameters
        rng = int(rng) if isinstance(rng, np.integer) else rng  # random.seed takes no np.int64
        p = resolve(parameters)
        # a study of today's levers keeps 2020-24 as it was: the run is built without them
        self.held_levers = levers.hold(p)
        super().__init__(rng=rng)
        self.scenario = RunClassifier(rng=rng)
        self.p = p
        self.headless = headless
        self.n_steps = (p["end_year"] - p["start_year"] + 1) * QUARTERS_PER_YEAR
        self.quarter = 0  # steps done
        n0 = firm_count(p["population_scale"])
        capacity = n0 + int(math.ceil(n0 * p["entry_rate"] * self.n_steps * DT * 2)) + 20
        capacity += int(math.ceil(n0 * min(p["cluster_attraction"], 1.0) * 0.5)) + 20
        self.firms = FirmState(capacity)
        self.platforms = PlatformState(p["max_platforms"] * 9 + 8)
        populate(self.firms, self.rng, p)
        self.network = AdopterNetwork(*build_network(self.rng, self.firms, p["network_degree"]),
                                      self.firms.alive, self.firms.adopted)
        self.initial_firms = n0
        self.initial_10plus = self.firms.employees[:n0] >= 10
        self.demand = DemandIndex()
        self.policy = SubsidyPolicy(p["subsidy_budget_relance"] * p["population_scale"],
                                    p["subsidy_budget_after"] * p["population_scale"])
        self.ledger = dict.fromkeys(LEDGER_ENTRIES, 0.0)
        self.initial_cash = self.money_in_firms()
        self.cumulative_adoptions = int(self.firms.adopted[:n0].sum())
        self.initial_adoptions = max(self.cumulative_adoptions, 1)
        self.wright_multiplier = 1.0
        self.adoptions = self.cluster_adoptions = 0
        self.considered = (np.zeros(0, np.int64), np.zeros(0, bool))
        self.recent_cluster_adoptions: deque[int] = deque(maxlen=QUARTERS_PER_YEAR)
        self.recent_entries: deque[int] = deque(maxlen=QUARTERS_PER_YEAR)
        self.new_sites = self.climbs = self.abandoned = 0
        self.usage_offers = int((self.firms.rung[:n0] >= PAY_PER_USE).sum())  # run, or started
        self.additional_capex = 0.0
        self.cyber_history: list[tuple[int, cyber.CyberOutcome]] = []
        self.hurdle = hurdle_rates(self.firms.large, p, p["start_year"])
        self._hurdle_year, self._hurdle_terms = p["start_year"], hurdle_terms(p, p["start_year"])
        # Per-row rates by size class, fixed for the run (kinds never change).
        large = self.firms.large
        self.bass_p = np.where(large, p["bass_p_large"], p["bass_p_sme"])
        self.attack_hazard = np.where(large, cyber.yearly_hazard(p["attack_prob_large"]),
                                      cyber.yearly_hazard(p["attack_prob_sme"]))
        self.exit_hazard = np.where(large, p["exit_hazard_large"], p["exit_hazard_sme"])
        self.imitation = np.where(self.firms.cluster, p["cluster_imitation_multiplier"], 1.0)
        self._start_economy(n0)
        if not headless:
            self._create_firm_agents(np.arange(n0))
            self._create_platform_agents(np.arange(self.platforms.n))
        self.datacollector = indicator_defs.IndicatorCollector(
            model_reporters={name: (lambda m, k=name: m.current[k])
                             for name in indicator_defs.INDICATORS})
        self.datacollector.collect(self)

    def _start_economy(self, n0: int) -> None:
        """The 2020 state: productivity, goods demand, the service market at its 2020 split."""
        f = self.firms
        f.productivity_gain[:n0] = self.productivity_of(f.digital[:n0])
        f.productivity_gain_2020[:n0] = f.productivity_gain[:n0]
        self.competitor_digital_2020 = float(f.digital[:n0].mean())
        self.competitor_gain_2020 = float(self.productivity_of(self.competitor_digital_2020))
        self.competitor_gain = self.competitor_gain_2020
        # In 2020 every firm sells what its customers ask (demand index 1, no edge yet).
        f.goods_demand[:n0] = f.base_demand[:n0]
        self._settle_platforms_2020()
        self._clear_market(first=True)
        rows = np.flatnonzero(f.clients[:n0, 0] >= 0)
        f.client_goods_2020[rows] = f.goods_demand[f.clients[rows]]
        jobs.set_initial_jobs(f, np.arange(n0))
        self.current = indicator_defs.compute(self)

    def _settle_platforms_2020(self) -> None:
        """As many 2020 platforms as the 2020 market holds, and their know-how penalty.

        Platforms are added one by one, each time with the penalty that keeps the firms at
        ``service_capture_2020``, while a typical candidate would still find entry worth it.
        """
        f, p, pl = self.firms, self.p, self.platforms
        usage = self.usage_at(0.0)
        typical = float(np.mean(platforms.CANDIDATE_CAPABILITY))
        terms = market_2020.firm_terms(f, p, usage)  # the firms do not change while it settles
        while True:
            row = platforms.add_platforms(pl, np.array([platforms.INITIAL_CAPABILITY]), 0)
            pl.reach[row] = 1.0  # known to every customer by 2020
            pl.market_share[: pl.n] = (1 - p["service_capture_2020"]) / pl.n
            self.know_how_penalty, self.in_house = market_2020.settle_2020(f, pl, p, usage, terms)
            if pl.n >= p["max_platforms"]:
                return
            u = market.platform_utilities(pl, p, self.know_how_penalty)
            size = market_2020.capture_base(market_2020.totals_under(
                f, p, u, self.know_how_penalty, self.in_house, usage, terms))
            profit, _ = platforms.candidate_profit(f, p, self.know_how_penalty, self.in_house,
                                                   usage, size, u, typical, terms)
            if not PlatformEntrant.enters(np.array([profit]), platforms.entry_cost(p, size))[0]:
                return

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
        return self.p["start_year"] + self.quarter // QUARTERS_PER_YEAR

    @property
    def quarter_label(self) -> str:
        """The last simulated quarter as text, e.g. ``2031Q2`` (``2019Q4`` before any step)."""
        return quarter_label(self.p["start_year"], self.quarter)

    def usage_at(self, t_years):
        """Usage-based share of demand at a time (years since start)."""
        return usage_on_curve(t_years, *_usage_curve(self.p["usage_share_2040"]))

    def productivity_of(self, digital):
        """Labour-productivity gain of a digital capability (``agents.economics``)."""
        return productivity_gain(digital, self.p["digital_productivity_gain"],
                                 self.p["adoption_mark"])

    def market_view(self, usage) -> Any:
        """The service market customers see now, at a given usage share (as the step's)."""
        _, nest = market.platform_view(self.platforms, self.p, self.know_how_penalty)
        return quarter_market(self, nest, usage)

    # --- the step ----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one quarter, in the order of docs/model.md."""
        if self.held_levers:
            levers.release(self)
        p, f, rng = self.p, self.firms, self.rng
        year, qy, t_years = self.year, self.quarter % QUARTERS_PER_YEAR, self.t_years
        # 1. Macro: demand for regional goods; competitors outside the region digitalise.
        demand_index = self.demand.step(rng, t_years, year, qy, p["demand_growth"],
                                        p["covid_shock"])
        self.competitor_gain = float(self.productivity_of(goods.competitor_digital(
            t_years + DT, self.competitor_digital_2020, p["competitor_digital_2040"])))
        # 2. Policy: subsidy calls, hurdles, support programmes (secure framework: in rules).
        self.policy.open_window(year, qy)
        if year != self._hurdle_year:
            self._hurdle_year, terms = year, hurdle_terms(p, year)
            if terms != self._hurdle_terms:  # twice a run: a pass over every row otherwise
                self.hurdle, self._hurdle_terms = hurdle_rates(f.large, p, year), terms
        convert_myopic(rng, f, p["support_conversion_rate"], DT)
        # 3. Attention: Bass hazard in agent form, and projects prepared for a call.
        share = self.neighbour_adopter_share()
        candidates, prompted = self.considered = investment.considering(self, share)
        # 4. Decision: NPV of the options, subsidy application, financing. The platforms'
        # view is the market's of step 7 too: platforms change only in step 8.
        view = market.platform_view(self.platforms, p, self.know_how_penalty)
        result = investment.invest(self, candidates, prompted, share, view[1])
        self.adoptions += result.adoptions
        self.cluster_adoptions += result.cluster_adoptions
        self.recent_cluster_adoptions.append(result.cluster_adoptions)
        self.additional_capex += result.additional_capex
        # 5. Capabilities, the ladder's climbs, Wright's law.
        started, started_usage, _ = ladder.advance_climbs(f, p)
        self.climbs += started
        self.usage_offers += started_usage
        capabilities.update(f, p, self.quarter, DT)
        self.wright_multiplier = capabilities.wright_multiplier(
            self.cumulative_adoptions, self.initial_adoptions, p["learning_rate"])
        # 6. Cyber.
        attacks = cyber.attacks(rng, f, p, self.attack_hazard, self.quarter, DT)
        self.ledger["cyber"] += attacks.losses
        self.cyber_history.append((year, attacks))
        # 7. Markets: goods against outside competitors, services against platforms.
        goods.update_demand(f, p, demand_index, self.competitor_gain, self.competitor_gain_2020)
        usage = self.usage_at(t_years)
        outcome = self._clear_market(view=view, usage=usage)
        abandoned = ladder.abandon_failing_offers(f, p)
        self.abandoned += abandoned
        # 8. Platforms.
        market_size = outcome.incumbent_revenue + outcome.platform_revenue
        platforms.settle(self.platforms, p, market_size, self.quarter,
                         run_terms(self).reach_growth)
        # The market's exponentials still hold: an abandoned offer only lowers a rung to added
        # services, whose exponential does not depend on the rung, and below pay-per-use the
        # pay-per-use one is not read (agents.economics.makers_offer).
        entered = platforms.enter(rng, f, self.platforms, p, self.know_how_penalty,
                                  self.in_house, usage, market_size, self.quarter,
                                  outcome.exponentials)
        # 9. Finance, jobs, offshoring, exits, entries.
        finance.settle_quarter(f, self.ledger, p["interest_rate"],
                               unlimited_credit=not p["cash_constraint"])
        jobs.offshore_and_update(rng, f, p, DT, jobs.productivity_index(
            t_years + DT, p["labour_productivity_growth"]))
        demography.exits(rng, f, p, self.exit_hazard, self.quarter, DT)
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

    def run(self, before: Callable[[], Any] | None = None,
            after: Callable[[], Any] | None = None) -> None:
        """Run to the end of the horizon (2040Q4 by default), as repeated ``step()`` calls would.

        Args:
            before: called before each step (``model.history.History.before_step``).
            after: called after each step (``model.history.History.observe``).

        """
        run_quarters(self, before, after)

    # --- outputs -----------------------------------------------------------------------------
    def indicators(self) -> dict[str, float]:
        """The indicators of the last simulated quarter (the run's outcomes at the end)."""
        return dict(self.current)

    def trajectory(self):
        """Quarterly indicators as a DataFrame with a ``quarter`` column like ``2031Q2``."""
        import pandas as pd

        return pd.DataFrame(self.trajectory_columns())

    def trajectory_columns(self) -> dict[str, list]:
        """:meth:`trajectory` as lists, one per column (a batch stores them without pandas)."""
        start = self.p["start_year"]
        columns: dict[str, list] = {"quarter": [quarter_label(start, q)
                                                for q in range(self.quarter + 1)]}
        columns.update((name, list(values))
                       for name, values in self.datacollector.model_vars.items())
        return columns

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

    def _clear_market(self, first: bool = False, view: tuple | None = None,
                      usage: float | None = None) -> market.MarketOutcome:
        p = self.p
        u, nest = view or market.platform_view(self.platforms, p, self.know_how_penalty)
        usage = self.usage_at(self.t_years) if usage is None else usage
        seen = quarter_market(self, nest, usage)
        # Idle staff are paid from the first quarter on (2020 starts from the region's state).
        trend = (jobs.productivity_index(self.t_years, p["labour_productivity_growth"])
                 if self.quarter > 0 or not first else None)
        outcome = market.clear(self.firms, self.platforms, p, seen, u, self.competitor_gain,
                               self.competitor_gain_2020, trend,
                               jobs.SHORT_TIME_COVER.get(self.year, 0.0))
        self.market = outcome
        return outcome

    def _enter_firms(self, demand_index: float) -> None:
        f, p = self.firms, self.p
        ordinary, drawn = demography.entries_this_quarter(
            self.rng, self.initial_firms, p["entry_rate"],
            self.recent_cluster_adoptions[-1] if self.recent_cluster_adoptions else 0,
            p["cluster_attraction"], DT)
        count = min(ordinary + drawn, f.capacity - f.n)
        self.recent_entries.append(count)
        if count <= 0:
            return
        first = f.n
        f.n += count
        self.new_sites += count
        self.ledger["entrant_cash"] += add_entrants(f, self.rng, p, first, count, ordinary,
                                                    demand_index, self.imitation, self.quarter)
        if not self.headless:
            self._create_firm_agents(np.arange(first, first + count))

    def _create_firm_agents(self, rows: np.ndarray) -> None:
        for row in rows.tolist():
            FIRM_CLASSES[int(self.firms.kind[row])](self, row)

    def _create_platform_agents(self, rows: np.ndarray) -> None:
        for row in rows.tolist():
            PlatformEntrant(self, row)

    # --- what firms would do (the agents ask these) ------------------------------------------
    def decision_context(self, rows: np.ndarray) -> rules.DecisionContext:
        """What the firms in ``rows`` know now (call projects: as in :attr:`considered`)."""
        return investment.decision_context(self, rows, call_projects(self.considered, rows))

    def decide_for(self, rows: np.ndarray, spend: bool = False) -> rules.Decision:
        """The step's decision for ``rows`` (``spend=False``: grant nothing; :attr:`considered`)."""
        return investment.decide_for(self, rows, spend, call_projects(self.considered, rows))

    def financing_capacity(self, rows: np.ndarray) -> np.ndarray:
        """Cash plus borrowing capacity of the firms in ``rows``."""
        return finance.financing_capacity(self.firms, rows, self.p["cash_constraint"])

    def money_in_firms(self) -> float:
        """Total cash of all firms ever in the population (live or not), EUR."""
        return float(self.firms.cash[: self.firms.n].sum())
