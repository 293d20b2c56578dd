"""Entrants of a quarter: new establishments from the pool drawn at start-up, started."""

from __future__ import annotations

import numpy as np

from agents.economics import productivity_gain
from agents.exact import psum
from agents.jit import call_drawing, kernel, maximum, rows, rule, where
from model.population import fill_new_firms, new_firm_draws, new_firm_terms
from model.state import (
    BASE_DEMAND,
    CASH,
    CLIENTS_PER_SUPPLIER,
    DIGITAL,
    EMPLOYEES,
    GOODS_DEMAND,
    GOODS_REVENUE,
    IS_CLUSTER,
    JOBS_PER_GOODS,
    KIND,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    FirmState,
)


def add_entrants(state: FirmState, rng: np.random.Generator, params: dict, first: int,
                 count: int, ordinary: int, demand_index: float, imitation: np.ndarray,
                 quarter: int) -> float:
    """Add this quarter's entrants and start them; returns their cash, EUR.

    :func:`model.population.add_firms` for rows of the entrants' pool (their kind and
    employees drawn at start-up), then :func:`start_new_entrants`, in one kernel call that
    makes their draws too.

    Args:
        state: firm state; the entrants' rows must be below ``state.n``.
        rng: the model's generator.
        params: resolved parameters.
        first: the first entrant's row.
        count: how many enter (at least one), in the rows from ``first`` on.
        ordinary: how many of them are ordinary entries (the rest are drawn by clusters).
        demand_index: today's demand index.
        imitation: imitation multiplier per row, updated in place.
        quarter: the step at which they enter.

    """
    return float(call_drawing(
        _new_entrants, rng, state.values, state.codes, state.flags, state.clients,
        state.client_goods_2020, imitation, first, count, quarter, new_firm_terms(params),
        (ordinary, demand_index, params["cluster_imitation_multiplier"],
         params["digital_productivity_gain"], params["adoption_mark"])))


@kernel
def _new_entrants(values, codes, flags, clients, client_goods_2020, imitation, first, count,
                  quarter, terms, start, source):
    """:func:`add_entrants`, its draws made from ``source`` (``agents.draws``): their cash."""
    new_rows = np.arange(first, first + count)
    fill_new_firms(values, codes, flags, new_rows, codes[KIND, new_rows],
                   values[EMPLOYEES, new_rows], quarter, new_firm_draws(source, count), terms)
    ordinary, demand_index, cluster_imitation, gain_at_mark, adoption_mark = start
    return start_new_entrants(values, flags, clients, client_goods_2020, new_rows, ordinary,
                              demand_index, imitation, cluster_imitation, gain_at_mark,
                              adoption_mark)


@rule
def start_new_entrants(values, flags, clients, client_goods_2020, new_rows, ordinary,
                       demand_index, imitation, cluster_imitation, gain_at_mark, adoption_mark):
    """Start this quarter's entrants (after :func:`fill_new_firms`); returns their cash, EUR.

    The first ``ordinary`` rows are ordinary entries; the sites drawn by a cluster after them
    join it. Entrants sell what their customers ask at today's demand index.
    """
    drawn = np.arange(len(new_rows)) >= ordinary
    for k in rows(len(new_rows)):
        i = new_rows[k]
        flags[IS_CLUSTER, i] |= drawn[k]  # sites drawn by a cluster join it
        imitation[i] = where(flags[IS_CLUSTER, i], cluster_imitation, 1.0)
        gain = productivity_gain(values[DIGITAL, i], gain_at_mark, adoption_mark)
        values[PRODUCTIVITY_GAIN, i] = gain
        values[PRODUCTIVITY_GAIN_2020, i] = gain
        values[GOODS_DEMAND, i] = values[BASE_DEMAND, i] * demand_index
        values[GOODS_REVENUE, i] = values[GOODS_DEMAND, i]
        values[JOBS_PER_GOODS, i] = values[EMPLOYEES, i] / maximum(values[GOODS_REVENUE, i],
                                                                   1e-9)
    for k in rows(len(new_rows)):
        i = new_rows[k]
        for c in range(CLIENTS_PER_SUPPLIER):
            live = clients[i, c] >= 0
            client_goods_2020[i, c] = where(live, values[GOODS_DEMAND,
                                                         where(live, clients[i, c], 0)], 0.0)
    return psum(values[CASH, new_rows[0]:], len(new_rows))
