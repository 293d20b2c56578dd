"""The synthetic Hauts-de-France population of industrial establishments and their network.

At ``population_scale`` 1.0: 9,740 establishments, 60% with 1-9 employees, 38% with 10-249 and
2% with 250 or more (INSEE, 10 ans d'industrie), employing 292,914 people in 2017 (seed
document) less three years of the -1%/yr trend, i.e. about 284,000 in 2020. As CEPII and the
seed describe them, most firms sell some services (``initial_service_offer``, first rung of the
service ladder), a minority are service-intensive (they repair and install on other makers'
machines too, and sell more services than goods), and a few digital adopters already sell
pay-per-use. Each upstream supplier sells to regional clients, weighted by size.
"""

from __future__ import annotations

import numpy as np

from agents import jit
from agents.draws import normal_draws, uniform_draws
from agents.economics import REVENUE_PER_JOB
from agents.exact import exp, exp_into, log, power_of_array, quantile
from agents.jit import kernel, maximum, minimum, rows, rule, where
from agents.kinds import ADDED_SERVICES, GOODS_ONLY, LARGE, PAY_PER_USE, SME, SUPPLIER
from agents.uniforms import uniforms
from model.network import adjacency, network_csr
from model.state import (
    BASE_DEMAND,
    CASH,
    CLIENTS_PER_SUPPLIER,
    DIGITAL,
    EMPLOYEES,
    ENTRY_QUARTER,
    IS_ALIVE,
    IS_INSURED,
    IS_SERVICE_INTENSIVE,
    IS_STRATEGIC,
    KIND,
    PRODUCTION_JOBS,
    RUNG,
    SECURITY,
    SERVICE,
    SERVICE_JOBS,
    SERVICE_POTENTIAL,
    TRUST,
    FirmState,
)

ESTABLISHMENTS_2022 = 9740
JOBS_2017 = 292_914
JOBS_TREND = -0.01  # per year, 2017-2020
SIZE_SHARES = (0.60, 0.38, 0.02)  # 1-9, 10-249, >= 250 employees
REFERENCE_SME_EMPLOYEES = 20.0
N_SECTORS = 14  # professional domains of the 2017 jobs table
#: Service potential (added services per EUR of goods) across firms: lognormal around
#: ``aftermarket_ratio``; suppliers' is smaller ("not central"), large makers' larger.
POTENTIAL_SIGMA = 1.0
SUPPLIER_POTENTIAL, LARGE_POTENTIAL = 0.6, 2.4
#: Service-intensive firms sell services worth several times their own goods (median 3): their
#: potential market is that divided by the share of the spend customers buy from providers.
INTENSIVE_SALES_MEDIAN, INTENSIVE_POTENTIAL_SIGMA = 3.0, 0.5
INITIAL_CASH_YEARS = 0.08  # cash held in 2020, in years of sales
OFFER_RANK_NOISE = 0.5  # lognormal noise on potential when ranking who sells services
#: An entrant's digital capability is ``adoption_mark`` times a uniform draw in this range
#: (``DIGITAL_RANGE`` is numpy's ``high - low``).
DIGITAL_LOW, DIGITAL_HIGH = 0.1, 0.7
DIGITAL_RANGE = DIGITAL_HIGH - DIGITAL_LOW
SERVICE_SIGMA = 0.08  # normal noise on a new firm's initial service level


def initial_jobs(scale: float) -> float:
    """Regional industrial jobs at the start of 2020 for a population scale."""
    return JOBS_2017 * (1 + JOBS_TREND) ** 3 * scale


def firm_count(scale: float) -> int:
    """Number of establishments at a population scale (at least 20)."""
    return max(20, int(round(ESTABLISHMENTS_2022 * scale)))


def draw_employees(rng: np.random.Generator, n: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Draw employees per establishment by size class, summing to the 2020 jobs anchor.

    Returns:
        (employees, size_class) with size_class 0 = 1-9, 1 = 10-249, 2 = >= 250.

    """
    n_large = max(1, int(round(SIZE_SHARES[2] * n)))
    n_micro = int(round(SIZE_SHARES[0] * n))
    n_mid = n - n_large - n_micro
    micro = rng.integers(1, 10, n_micro).astype(float)
    mid = np.clip(exp(rng.normal(log(28.0), 0.85, n_mid)), 10, 249)
    large = 250.0 * power_of_array(1 - uniforms(rng, n_large), -1 / 1.6)  # Pareto tail from 250
    large = np.minimum(large, 5000.0)
    # Large establishments absorb what the size classes leave of the jobs total, so the
    # region's employment anchor holds exactly at every scale.
    rest = initial_jobs(scale) - micro.sum() - mid.sum()
    large *= max(rest, 250.0 * n_large) / large.sum()
    large = np.maximum(large, 250.0)
    employees = np.concatenate([micro, mid, large])
    size_class = np.repeat([0, 1, 2], [n_micro, n_mid, n_large])
    order = rng.permutation(n)
    return employees[order], size_class[order]


def populate(state: FirmState, rng: np.random.Generator, params: dict) -> None:
    """Fill the initial population, and draw who the future entrants will be.

    Rows ``:n`` are the 2020 establishments; the rows after them are the pool of entrants
    (small SMEs and suppliers), drawn now so that the network can include them.
    """
    n = firm_count(params["population_scale"])
    employees, size_class = draw_employees(rng, n, params["population_scale"])
    large = size_class == 2
    kind = np.where(large, LARGE, SME)
    kind[~large & (uniforms(rng, n) < params["supplier_share"])] = SUPPLIER
    m = state.capacity - n
    entrant_employees = np.where(uniforms(rng, m) < 0.8, rng.integers(1, 10, m),
                                 rng.integers(10, 50, m)).astype(float)
    state.kind[n:] = np.where(uniforms(rng, m) < params["supplier_share"], SUPPLIER, SME)
    state.employees[n:] = entrant_employees
    state.cluster[:] = uniforms(rng, state.capacity) < params["cluster_share"]
    state.n = n
    add_firms(state, rng, params, np.arange(n), kind, employees, quarter=0)
    state.large[:] = state.kind == LARGE
    # Initial capability: the adopters of 2020 (INSEE IoT shares) start past the mark.
    mark = params["adoption_mark"]
    share = np.where(large, params["initial_adoption_large"], params["initial_adoption_sme"])
    adopted = uniforms(rng, n) < share
    state.digital[:n] = np.where(
        adopted, mark + (1 - mark) * rng.uniform(0.0, 0.5, n), mark * rng.uniform(0.1, 0.7, n)
    )
    state.adopted[:n] = adopted
    state.service[:n] = np.clip(state.service[:n] + 0.25 * state.digital[:n], 0, 1)
    # A few digital adopters that sell services already sell pay-per-use.
    usage = (adopted & (state.rung[:n] == ADDED_SERVICES)
             & (uniforms(rng, n) < params["initial_usage_offer"]))
    state.rung[:n][usage] = PAY_PER_USE
    state.clients[:] = -1
    draw_clients(rng, state)


def add_firms(state: FirmState, rng: np.random.Generator, params: dict, rows: np.ndarray,
              kind: np.ndarray, employees: np.ndarray, quarter: int) -> None:
    """Initialise the economic state of new establishments (at start-up or as entrants).

    Args:
        state: firm state; ``rows`` must be below ``state.n``.
        rng: the model's generator.
        params: resolved parameters.
        rows: row indices to fill.
        kind: kind per new row.
        employees: employees per new row.
        quarter: the step at which they enter.

    """
    _new_firms(state.values, state.codes, state.flags, rows, np.asarray(kind),
               np.asarray(employees, dtype=float), quarter, new_firm_draws(rng, len(rows)),
               new_firm_terms(params))


@rule
def new_firm_draws(source, m: int) -> tuple:
    """The draws of ``m`` new firms, in the order the rules use them, from ``source``.

    ``source`` is the generator, or inside a compiled kernel its ``bitgen_t``
    (``agents.draws``). By numpy's faster identical path: ``normal(0, s, m)`` is
    ``0 + s * standard_normal(m)``, ``uniform(a, b, m)`` is ``a + (b - a) * random(m)``
    (:func:`fill_new_firms` scales them), and two draws in a row of one kind are one draw of
    both (tests/model/test_entrant_draws.py): six calls, not eight.
    """
    return (normal_draws(source, 2 * m), uniform_draws(source, m), normal_draws(source, m),
            uniform_draws(source, m), normal_draws(source, m), uniform_draws(source, 2 * m))


def new_firm_terms(params: dict) -> tuple:
    """The parameters :func:`fill_new_firms` reads, as it unpacks them."""
    return (params["aftermarket_ratio"], params["initial_service_offer"],
            params["service_intensive_share"], params["outsourced_services_share"],
            params["adoption_mark"], params["myopic_share"])


@kernel
def _new_firms(values, codes, flags, new_rows, kind, employees, quarter, draws, terms):
    """:func:`add_firms` given its draws."""
    fill_new_firms(values, codes, flags, new_rows, kind, employees, quarter, draws, terms)


@rule
def fill_new_firms(values, codes, flags, new_rows, kind, employees, quarter, draws, terms):
    """Initialise new firms' state (:func:`add_firms`) given their draws (:func:`new_firm_draws`).

    Row loops rather than array expressions: each of those allocated a temporary, which
    cost more than the arithmetic on a few dozen rows.
    """
    (noise, intensive_draw, intensive_normal, digital_uniform, service_normal,
     tail) = draws
    aftermarket, service_offer, intensive_share, outsourced, mark, myopic_share = terms
    m = len(new_rows)
    potential_normal, rank_normal = noise[:m], noise[m:]
    myopic_draw, insured_draw = tail[:m], tail[m:]
    # numpy's normal(0, s) and uniform(a, b), operation for operation.
    scaled = np.empty((3, m))
    for k in rows(m):
        scaled[0, k] = 0.0 + POTENTIAL_SIGMA * potential_normal[k]
        scaled[1, k] = 0.0 + OFFER_RANK_NOISE * rank_normal[k]
        scaled[2, k] = 0.0 + INTENSIVE_POTENTIAL_SIGMA * intensive_normal[k]
    grown = np.empty((3, m))
    exp_into(scaled[0], grown[0], m)
    exp_into(scaled[1], grown[1], m)
    exp_into(scaled[2], grown[2], m)
    potential, ranked = np.empty((2, m))
    for k in rows(m):
        potential[k] = aftermarket * grown[0, k]
        potential[k] *= where(kind[k] == SUPPLIER, SUPPLIER_POTENTIAL,
                              where(kind[k] == LARGE, LARGE_POTENTIAL, 1.0))
        ranked[k] = potential[k] * grown[1, k]
    # Firms with more to sell on their installed base are the ones that sell services: the
    # share initial_service_offer with the highest potential (ranked with a little noise).
    # Those left are the firms with little to service, so the firms that start later gain
    # little from it (CEPII's small effects of starting to sell services).
    cut = quantile(ranked, 1 - service_offer) if m else 0.0
    everyone = not service_offer < 1
    for k in rows(m):
        i = new_rows[k]
        is_large = kind[k] == LARGE
        offers = (ranked[k] > cut) | everyone
        intensive = offers & ~is_large & (intensive_draw[k] < intensive_share)
        own = where(intensive, INTENSIVE_SALES_MEDIAN / outsourced * grown[2, k], potential[k])
        codes[KIND, i] = kind[k]
        flags[IS_ALIVE, i] = True
        values[EMPLOYEES, i] = employees[k]
        values[PRODUCTION_JOBS, i] = employees[k]
        values[SERVICE_JOBS, i] = 0.0
        # A service-intensive firm's sales per job are those of any firm: its goods are a
        # small part of them.
        values[BASE_DEMAND, i] = (employees[k] * REVENUE_PER_JOB / 4
                                  / where(intensive, 1 + own * outsourced, 1.0))
        values[SERVICE_POTENTIAL, i] = own
        flags[IS_SERVICE_INTENSIVE, i] = intensive
        codes[RUNG, i] = where(offers, ADDED_SERVICES, GOODS_ONLY)
        values[CASH, i] = INITIAL_CASH_YEARS * employees[k] * REVENUE_PER_JOB
        values[DIGITAL, i] = mark * (DIGITAL_LOW + DIGITAL_RANGE * digital_uniform[k])
        values[SERVICE, i] = minimum(maximum(where(is_large, 0.45, 0.2) + 0.3 * intensive
                                             + (0.0 + SERVICE_SIGMA * service_normal[k]),
                                             0.0), 1.0)
        values[SECURITY, i] = where(is_large, 0.5, 0.15)
        values[TRUST, i] = 1.0
        flags[IS_STRATEGIC, i] = is_large | (myopic_draw[k] >= myopic_share)
        flags[IS_INSURED, i] = insured_draw[k] < where(is_large, 0.9,
                                                       where(employees[k] >= 50, 0.03, 0.002))
        codes[ENTRY_QUARTER, i] = quarter


def draw_clients(rng: np.random.Generator, state: FirmState) -> None:
    """Each upstream supplier (entrants' pool included) sells to regional clients.

    Clients are makers and large firms, drawn with weights growing with the square root of
    their size.
    """
    clients = np.flatnonzero(state.kind != SUPPLIER)
    suppliers = np.flatnonzero(state.kind == SUPPLIER)
    if not len(clients) or not len(suppliers):
        return
    weights = np.sqrt(np.maximum(state.employees[clients], 1.0))
    weights /= weights.sum()
    state.clients[suppliers] = weighted_choice(rng, clients, (len(suppliers),
                                                              CLIENTS_PER_SUPPLIER), weights)


def weighted_choice(rng: np.random.Generator, a: np.ndarray, size: tuple[int, ...],
                    p: np.ndarray) -> np.ndarray:
    """``rng.choice(a, size, p=p)`` (with replacement): the same draw and the same picks.

    numpy draws ``rng.random(size)`` and finds each in the normalised cumulative weights with
    ``searchsorted``, whose branchy binary search mispredicts nearly every step; the search
    here (:func:`_search_right`) has no branch on the data, and returns the same indices.

    Args:
        rng: the generator (one ``random(size)`` draw, as numpy's).
        a: the population (1-d).
        size: the shape of the picks.
        p: the probabilities, as many as ``a``, non-negative and summing to 1 (unchecked).

    Returns:
        The picks, of shape ``size``.

    """
    cdf = p.cumsum()  # as numpy's choice, operation for operation
    cdf /= cdf[-1]
    uniform = rng.random(size).ravel()
    index = np.empty(len(uniform), np.int64)
    _search_right(cdf, uniform, index)
    return a[index].reshape(size)


@kernel
def _search_right(cdf, x, out):
    """``cdf.searchsorted(x, side="right")`` into ``out``: how many of ``cdf`` are ``<= x``.

    A bisection without branches on the data (``cdf`` sorted, not empty), all the searches in
    step: each halving is one independent pass over them, so the loads overlap. The answer
    stays in ``[out, out + length]``.
    """
    n, m = len(cdf), len(x)
    for i in rows(m):
        out[i] = 0
    length = n
    while length > 1:
        half = length // 2
        for i in rows(m):
            out[i] += half * (cdf[out[i] + half - 1] <= x[i])  # arithmetic, not a branch
        length -= half
    for i in rows(m):
        out[i] += cdf[out[i]] <= x[i]


def build_network(rng: np.random.Generator, state: FirmState,
                  degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Build the supply-chain / sector / cluster network over all rows (entrants included).

    Each firm links to ``degree/2`` firms of its sector; each supplier to its regional
    clients; cluster members to other cluster members. Links are undirected.

    Returns:
        The symmetric 0/1 adjacency over (capacity, capacity), no self-links, as CSR
        ``(indptr, indices)`` (:func:`model.network.adjacency`).

    """
    c = state.capacity
    sector = rng.integers(0, N_SECTORS, c)
    half = max(1, degree // 2)
    # One draw of (half, c) is the stream of half draws of c; each row picks half links.
    uniform = rng.random((half, c))
    members = np.flatnonzero(state.cluster)
    if len(members) > 1:
        partners = members[rng.integers(0, len(members), len(members))]
    else:
        members = partners = members[:0]
    if jit.enabled():
        return network_csr(sector, N_SECTORS, uniform, state.clients, members, partners, c)
    # numpy sorts one-byte keys by radix, int64 ones by comparisons: the same stable order.
    order = np.argsort(sector.astype(np.uint8), kind="stable")
    ends = np.cumsum(np.bincount(sector, minlength=N_SECTORS))  # each sector's block in it
    lo = (ends - np.bincount(sector, minlength=N_SECTORS))[sector]
    picks = order[lo + (uniform * (ends[sector] - lo)).astype(np.int64)]
    suppliers, column = np.nonzero(state.clients >= 0)
    return adjacency(np.concatenate([np.tile(np.arange(c), half), suppliers, members]),
                     np.concatenate([picks.ravel(), state.clients[suppliers, column], partners]),
                     c)
