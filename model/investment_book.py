"""The investment round's own arithmetic: the rows' discounting, and the round's end.

The first round (``model.investment._first_round``) discounts with :func:`discounting_of`.
The round ends in one kernel, :func:`settle`: the final choice, then the booking.

``model.investment.invest`` used to run ``_final_round``, wrap its arrays in a ``Decision``
and pass them to a booking kernel; the step never reads the ``Decision`` itself, so both
passes run here in one call, the final choice of a row booked as soon as it is made (each
firm appears once in a round, so booking it cannot change another row's choice).
"""

from __future__ import annotations

import numpy as np

from agents import decisions as rules
from agents.exact import count, psum_where
from agents.jit import kernel, maximum, minimum, rows, rule, where
from agents.kinds import PAY_PER_USE, PERFORMANCE
from model.finance import REPAYMENT_QUARTERS
from model.run_terms import MYOPIC_HORIZON, RAMP_QUARTERS, STRATEGIC_HORIZON
from model.run_terms import TRANSITION_QUARTERS as TRANSITION_TERM  # not the state's field
from model.state import (
    CASH,
    CLIMB_COST,
    DEBT,
    DIGITAL,
    EMPLOYEES,
    GOODS_DEMAND,
    GOODS_REVENUE,
    INVESTED,
    IS_ADOPTED,
    IS_CLUSTER,
    IS_INSURED,
    IS_SERVITIZING,
    IS_STRATEGIC,
    KIND,
    LAST_OPTION,
    LOSS_QUARTERS,
    MARGIN,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    REPAYMENT,
    RUNG,
    SECURITY,
    SERVICE,
    SERVICE_POTENTIAL,
    SERVICE_REVENUE,
    SUBSIDY_RECEIVED,
    TRANSITION_QUARTERS,
    TRUST,
)

#: Rows of the first round's table: the options' terms (``agents.decisions.option_terms``),
#: the subsidy rate, the financing capacity and the chosen project's capex.
NPV_DIGITAL, NPV_CLIMB, NPV_SECURITY, CAPEX_DIGITAL, CAPEX_CLIMB, CAPEX_SECURITY = range(6)
ORGANISATION, RATE, FINANCING, COST = 6, 7, 8, 9

#: ``granted`` when no firm applied (read by no row).
NO_GRANTS = np.zeros(0, np.bool_)


@rule
def horizon(strategic, strategic_horizon, myopic_horizon):
    """The NPV horizon in quarters of (strategic or myopic) firms.

    Args:
        strategic: the firms' strategic flags.
        strategic_horizon: strategic firms' horizon in years.
        myopic_horizon: other firms' horizon in years.

    Returns:
        The horizons in quarters.

    """
    return where(strategic, strategic_horizon, myopic_horizon) * 4


@rule
def discounting_of(own_hurdle, strategic, terms: tuple, m: int):
    """``agents.decisions.discounting`` of each of ``m`` deciding rows, in a (3, m) array.

    The step's hurdle rates take two values (SMEs', large firms'), and horizons two: when the
    rows have no other rates, each of the four pairs is discounted once (numpy's power gives
    a value the same bits alone as in an array), not each row's.

    Args:
        own_hurdle: the rows' hurdle rates.
        strategic: the rows' strategic flags.
        terms: the quarter's decision terms (``model.run_terms.decision_terms``).
        m: the number of rows.

    Returns:
        The three annuities (rows) of each deciding row (columns).

    """
    long, short = terms[STRATEGIC_HORIZON], terms[MYOPIC_HORIZON]
    ramp, transition = terms[RAMP_QUARTERS], terms[TRANSITION_TERM]
    out = np.empty((3, m))
    low = high = 0.0
    two_rates = False
    if m > 0:
        low, high = own_hurdle.min(), own_hurdle.max()
        two_rates = count((own_hurdle == low) | (own_hurdle == high), m) == m
    if two_rates:
        low_long = rules.discounting(low, horizon(True, long, short), ramp, transition)
        low_short = rules.discounting(low, horizon(False, long, short), ramp, transition)
        high_long = rules.discounting(high, horizon(True, long, short), ramp, transition)
        high_short = rules.discounting(high, horizon(False, long, short), ramp, transition)
        for k in rows(m):
            for t in range(3):
                out[t, k] = where(own_hurdle[k] == low,
                                  where(strategic[k], low_long[t], low_short[t]),
                                  where(strategic[k], high_long[t], high_short[t]))
    else:
        for k in rows(m):
            out[0, k], out[1, k], out[2, k] = rules.discounting(
                own_hurdle[k], horizon(strategic[k], long, short), ramp, transition)
    return out


#: The fields of the firms' state a deciding row reads (``investment._context`` and
#: ``financing_of``) or the booking then updates (:func:`settle`: gathered too, so that it
#: finds them in cache); the others are not gathered.
GATHERED_VALUES = (EMPLOYEES, GOODS_DEMAND, SERVICE_POTENTIAL, PRODUCTIVITY_GAIN,
                   PRODUCTIVITY_GAIN_2020, GOODS_REVENUE, SERVICE_REVENUE, MARGIN, CASH, DEBT,
                   DIGITAL, SERVICE, SECURITY, TRUST, CLIMB_COST, REPAYMENT, INVESTED,
                   SUBSIDY_RECEIVED)
GATHERED_CODES = (KIND, RUNG, TRANSITION_QUARTERS, LOSS_QUARTERS, LAST_OPTION)
GATHERED_FLAGS = (IS_STRATEGIC, IS_INSURED, IS_ADOPTED, IS_SERVITIZING, IS_CLUSTER)


@rule
def gathered(values, codes, flags, hurdle, attack_hazard, firm_rows, m: int):
    """The deciding rows' state, in their order: only the :data:`GATHERED_VALUES` etc. fields.

    Each field is one 1-d gather (the rows of a field are contiguous); a field not listed is
    left unset in the copies.

    Args:
        values: the firms' float state (``model.state``).
        codes: the firms' integer state.
        flags: the firms' boolean state.
        hurdle: each firm's hurdle rate.
        attack_hazard: each firm's attack hazard.
        firm_rows: the deciding firms, in order.
        m: their number.

    Returns:
        (values, codes, flags, hurdle, attack hazard) of the deciding firms, by position.

    """
    own_values = np.empty((values.shape[0], m))
    own_codes = np.empty((codes.shape[0], m), codes.dtype)
    own_flags = np.empty((flags.shape[0], m), np.bool_)
    own_hurdle, own_hazard = np.empty(m), np.empty(m)
    for field in GATHERED_VALUES:
        for k in rows(m):
            own_values[field, k] = values[field, firm_rows[k]]
    for field in GATHERED_CODES:
        for k in rows(m):
            own_codes[field, k] = codes[field, firm_rows[k]]
    for field in GATHERED_FLAGS:
        for k in rows(m):
            own_flags[field, k] = flags[field, firm_rows[k]]
    for k in rows(m):
        own_hurdle[k] = hurdle[firm_rows[k]]
        own_hazard[k] = attack_hazard[firm_rows[k]]
    return own_values, own_codes, own_flags, own_hurdle, own_hazard


@kernel
def settle(values, codes, flags, firm_rows, table, choice, applied, applying, granted_in_order,
           adopt_always, prompted, call_gain, project_gain, adoption_mark):
    """Each firm's final choice (``agents.decisions.final_choice``), paid for and booked.

    Args:
        values: the firms' float state (``model.state``), updated.
        codes: the firms' integer state, updated.
        flags: the firms' boolean state, updated.
        firm_rows: the deciding firms, in the round's order.
        table: the first round's table (rows :data:`NPV_DIGITAL` ... :data:`COST`).
        choice: the first round's choices.
        applied: per firm, it applied for the subsidy.
        applying: the positions of the applicants, in order.
        granted_in_order: the subsidy book's answer per applicant.
        adopt_always: Bass docking switch.
        prompted: per firm, its digital project is a call project.
        call_gain: digital gain of a call project.
        project_gain: digital gain of another project.
        adoption_mark: digital level that counts as adopted.

    Returns:
        ((capex, subsidy, borrowed), (adoptions, cluster adoptions, digital adoptions),
        additional capex): the pairwise sums and counts the step books.

    """
    m = len(firm_rows)
    granted = np.zeros(m, np.bool_)
    granted[applying] = granted_in_order
    final = np.zeros(m, np.int64)
    secure, additional, acting, adopting, cluster_adopting, digital = np.zeros((6, m), np.bool_)
    cost, subsidy, project, short = np.zeros((4, m))
    for k in rows(m):
        i = firm_rows[k]
        (final[k], secure[k], cost[k], subsidy[k], project[k],
         additional[k]) = rules.final_choice(
            choice[k], table[COST, k], table[RATE, k], applied[k], granted[k],
            table[NPV_DIGITAL, k], table[NPV_CLIMB, k], table[NPV_SECURITY, k],
            table[CAPEX_DIGITAL, k], table[CAPEX_CLIMB, k], table[CAPEX_SECURITY, k],
            table[FINANCING, k], adopt_always, flags[IS_ADOPTED, i])
        # Booking (formerly investment._book): pay, borrow the shortfall, raise capabilities.
        acting[k] = (final[k] != rules.NONE) | secure[k]
        climbing = acting[k] & (final[k] == rules.CLIMB)
        values[CLIMB_COST, i] = where(climbing, table[ORGANISATION, k], values[CLIMB_COST, i])
        values[CASH, i] += where(acting[k], subsidy[k] - cost[k], 0.0)
        # The part not paid from cash is borrowed (within capacity when cash is constrained).
        short[k] = where(acting[k], maximum(-values[CASH, i], 0.0), 0.0)
        values[DEBT, i] += short[k]
        values[CASH, i] += short[k]
        values[REPAYMENT, i] += short[k] / REPAYMENT_QUARTERS
        values[INVESTED, i] += where(acting[k], cost[k], 0.0)
        values[SUBSIDY_RECEIVED, i] += where(acting[k], subsidy[k], 0.0)
        codes[LAST_OPTION, i] = where(acting[k], where(final[k] != rules.NONE, final[k],
                                                       rules.SECURITY), codes[LAST_OPTION, i])
        adopting[k] = acting[k] & ((final[k] == rules.DIGITAL) | climbing)
        cluster_adopting[k] = adopting[k] & flags[IS_CLUSTER, i]
        digital[k] = acting[k] & ((final[k] == rules.DIGITAL)
                                  | (climbing & (codes[RUNG, i] + 1 >= PAY_PER_USE)
                                     & (values[DIGITAL, i] < adoption_mark)))
        step = where(prompted[k], call_gain, project_gain)
        values[DIGITAL, i] += where(digital[k], step * (1 - values[DIGITAL, i]), 0.0)
        values[SERVICE, i] += where(climbing, rules.SERVICE_GAIN * (1 - values[SERVICE, i]),
                                    0.0)
        # The climb starts (ladder.start_climbs): one rung up, the J-curve's clock at zero.
        codes[RUNG, i] = where(climbing, minimum(codes[RUNG, i] + 1, PERFORMANCE),
                               codes[RUNG, i])
        flags[IS_SERVITIZING, i] |= climbing
        codes[TRANSITION_QUARTERS, i] = where(climbing, 0, codes[TRANSITION_QUARTERS, i])
        codes[LOSS_QUARTERS, i] = where(climbing, 0, codes[LOSS_QUARTERS, i])
        values[SECURITY, i] += where(acting[k] & secure[k],
                                     rules.SECURITY_GAIN * (1 - values[SECURITY, i]), 0.0)
    sums = (psum_where(cost, acting, m), psum_where(subsidy, acting, m),
            psum_where(short, acting, m))
    counts = (count(adopting, m), count(cluster_adopting, m), count(digital, m))
    return sums, counts, psum_where(project, additional, m)


def call_projects(considered: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Per row of ``rows``, whether a subsidy call brought it to a round (a call project).

    Args:
        considered: the round's ``(rows, prompted)``, as ``model.investment.considering``
            returned them.
        rows: the rows asked about.

    Returns:
        A boolean per row: the ``prompted`` flag the round gave it, False if it was not there.

    """
    candidates, prompted = considered
    return np.isin(rows, candidates[prompted])
