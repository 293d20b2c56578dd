"""Public policy: the relaunch subsidy window, the later budget, support programmes, hurdles."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RELANCE_OPENS = (2020, 2)  # France Relance calls opened in September 2020 (Q3, index 2)
RELANCE_LAST_YEAR = 2022


@dataclass
class SubsidyPolicy:
    """Subsidy budget book-keeping, in EUR of the simulated population.

    Attributes:
        budget_left: what can still be granted in the current window.
        released: total budget made available so far.
        spent: total granted so far.
        requested: total asked for (incl. requests refused for lack of budget).
        lapsed: budget left unspent at the end of a yearly call.
        requests_by_year: calendar year -> number of requests made (granted or not).
        year: the year of the last :meth:`open_window` call. The model calls it every quarter
            before any request, so requests count in the year they are made (requests made
            before any call have no year and are not counted by year).

    """

    relance_budget: float
    yearly_budget_after: float
    budget_left: float = 0.0
    released: float = 0.0
    spent: float = 0.0
    requested: float = 0.0
    lapsed: float = 0.0
    requests_by_year: dict[int, int] = field(default_factory=dict)
    year: int | None = None

    def open_window(self, year: int, quarter: int) -> None:
        """Release budget at the start of a window: relaunch in 2020Q3, then every Q1 after."""
        self.year = year
        if (year, quarter) == RELANCE_OPENS:
            self._release(self.relance_budget)
        elif year > RELANCE_LAST_YEAR and quarter == 0:
            self.lapsed += self.budget_left  # a year's unspent budget lapses
            self.budget_left = 0.0
            self._release(self.yearly_budget_after)

    def _release(self, amount: float) -> None:
        self.budget_left += amount
        self.released += amount

    def is_open(self) -> bool:
        """Whether a subsidy can be expected this quarter."""
        return self.budget_left > 0.0

    def grant(self, requests: np.ndarray) -> np.ndarray:
        """Grant requests first-come first-served (callers pass them in a random order).

        Args:
            requests: EUR asked, in arrival order.

        Returns:
            Boolean mask of the requests granted in full (a request is never split).

        """
        self.requested += float(requests.sum())
        if self.year is not None:
            by_year = self.requests_by_year
            by_year[self.year] = by_year.get(self.year, 0) + len(requests)
        granted = np.cumsum(requests) <= self.budget_left
        total = float(requests[granted].sum())
        self.budget_left -= total
        self.spent += total
        return granted


def hurdle_rates(kind_is_large: np.ndarray, params: dict, year: int) -> np.ndarray:
    """Yearly hurdle rate per firm, with the Covid premium while uncertainty lasts."""
    rate = np.where(kind_is_large, params["hurdle_rate_large"], params["hurdle_rate_sme"])
    if year <= params["covid_hurdle_until"]:
        rate = rate + params["covid_hurdle_premium"]
    return rate


def convert_myopic(rng: np.random.Generator, strategic: np.ndarray, alive: np.ndarray,
                   rate: float, dt: float) -> int:
    """Support programmes turn a share of myopic firms strategic; returns how many."""
    draw = rng.random(len(strategic))
    converted = alive & ~strategic & (draw < -np.expm1(-rate * dt))
    strategic[converted] = True
    return int(converted.sum())
