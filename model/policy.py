"""Step 2: public policy: subsidy calls as events, support programmes, Covid hurdles.

The relaunch plan's digitalisation calls were events: the 2020 call of the "Industrie du
futur" window opened in October 2020 and its envelope was used in under a year; a 2021 wave
opened in May 2021 and was spent in ten days (evidence-v2 section 2). Firms of 10 or more
employees (mid-caps included) apply with their projects, first come first served, until the
envelope is spent: oversubscription is what happens when more apply than it can pay for.
After 2022 a yearly call releases ``subsidy_budget_after`` each January; what is left lapses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from agents.exact import expm1, psum, psum_where
from agents.jit import kernel, rows, tally
from agents.uniforms import uniforms
from model.state import IS_ALIVE, IS_STRATEGIC, FirmState

#: The relaunch waves: (year, quarter index) -> share of ``subsidy_budget_relance`` released
#: (EUR 280 m in 2020Q4, EUR 175 m in 2021Q2: evidence-v2 section 2).
RELANCE_WAVES = {(2020, 3): 280 / 455, (2021, 1): 175 / 455}
RELANCE_LAST_YEAR = 2022
#: Firms of this size or more can apply (France Relance: SMEs of 10+ employees and mid-caps).
ELIGIBLE_EMPLOYEES = 10.0


@dataclass
class SubsidyPolicy:
    """Subsidy calls and their budget, in EUR of the simulated population.

    Attributes:
        budget_left: what can still be granted in the open call.
        released: total budget made available so far.
        spent: total granted so far.
        requested: total asked for (incl. requests refused for lack of budget).
        lapsed: budget left unspent when a call closed.
        call_opened: a call opened this quarter (firms that hear of it prepare projects).
        requests_by_year: calendar year -> number of applications.
        requested_by_year: calendar year -> EUR asked.
        released_by_year: calendar year -> EUR released.
        year: the year of the last :meth:`open_window` call (the model calls it every
            quarter before any application).

    """

    relance_budget: float
    yearly_budget_after: float
    budget_left: float = 0.0
    released: float = 0.0
    spent: float = 0.0
    requested: float = 0.0
    lapsed: float = 0.0
    call_opened: bool = False
    requests_by_year: dict[int, int] = field(default_factory=dict)
    requested_by_year: dict[int, float] = field(default_factory=dict)
    released_by_year: dict[int, float] = field(default_factory=dict)
    year: int | None = None

    def open_window(self, year: int, quarter: int) -> None:
        """Open the calls due this quarter: the relaunch waves, then one call each January."""
        self.year = year
        self.call_opened = False
        if (year, quarter) in RELANCE_WAVES:
            self._release(self.relance_budget * RELANCE_WAVES[year, quarter])
        elif year > RELANCE_LAST_YEAR and quarter == 0:
            self.lapsed += self.budget_left
            self.budget_left = 0.0
            self._release(self.yearly_budget_after)

    def _release(self, amount: float) -> None:
        if amount <= 0:
            return
        self.budget_left += amount
        self.released += amount
        self.released_by_year[self.year] = self.released_by_year.get(self.year, 0.0) + amount
        self.call_opened = True

    def is_open(self) -> bool:
        """Whether a call is open (some budget is left)."""
        return self.budget_left > 0.0

    def would_grant(self, requests: np.ndarray) -> np.ndarray:
        """Which requests the budget would grant in full, in order, without granting them."""
        return _answer(requests, self.budget_left)[0]

    def grant(self, requests: np.ndarray) -> np.ndarray:
        """Grant requests first come, first served (callers pass them in a random order).

        Args:
            requests: EUR asked, in arrival order.

        Returns:
            Boolean mask of the requests granted in full (a request is never split).

        """
        granted, total_asked, total = _answer(requests, self.budget_left)
        total_asked, total = float(total_asked), float(total)
        self.requested += total_asked
        if self.year is not None:
            self.requests_by_year[self.year] = self.requests_by_year.get(self.year, 0) + len(
                requests)
            self.requested_by_year[self.year] = (self.requested_by_year.get(self.year, 0.0)
                                                 + total_asked)
        self.budget_left -= total
        self.spent += total
        return granted


@kernel
def _answer(requests, budget):
    """The book's answer to ``requests`` (float64, in arrival order) with ``budget`` left.

    One compiled call instead of four numpy passes. The running total is ``np.cumsum``'s
    sequential sum in both modes, and the totals are numpy's pairwise sums (``agents.exact``),
    so the answer is the same to the last bit.

    Returns:
        (granted mask, total asked, total granted).

    """
    n = len(requests)
    granted = np.cumsum(requests) <= budget
    return granted, psum(requests, n), psum_where(requests, granted, n)


def hurdle_terms(params: dict, year: int) -> tuple[float, float, float | None]:
    """The rates behind :func:`hurdle_rates` in a year: large, SME, Covid premium (or None).

    The model recomputes the hurdle array only when these change (twice a run, not yearly).
    """
    premium = params["covid_hurdle_premium"] if year <= params["covid_hurdle_until"] else None
    return params["hurdle_rate_large"], params["hurdle_rate_sme"], premium


def hurdle_rates(kind_is_large: np.ndarray, params: dict, year: int) -> np.ndarray:
    """Yearly hurdle rate per firm, with the Covid premium while uncertainty lasts."""
    large, sme, premium = hurdle_terms(params, year)
    rate = np.where(kind_is_large, large, sme)
    if premium is not None:
        rate = rate + premium
    return rate


@functools.lru_cache(64)
def conversion_probability(rate: float, dt: float) -> float:
    """Chance that a support programme turns a myopic firm strategic within ``dt`` years.

    Cached by value: the rate is a lever, so it may change during a run, but rarely does.
    """
    return float(-expm1(-rate * dt))


def convert_myopic(rng: np.random.Generator, firms: FirmState, rate: float, dt: float) -> int:
    """Support programmes turn a share of myopic firms strategic; returns how many."""
    n = firms.n
    return _convert(firms.flags, n, uniforms(rng, n), conversion_probability(rate, dt))


@kernel
def _convert(flags, n, draw, probability):
    """Turn the live myopic firms of rows ``:n`` whose draw falls below ``probability``."""
    strategic, alive = flags[IS_STRATEGIC], flags[IS_ALIVE]
    converted = 0
    for i in rows(n):
        turned = alive[i] & ~strategic[i] & (draw[i] < probability)
        converted += tally(turned)
        strategic[i] |= turned
    return int(converted)
