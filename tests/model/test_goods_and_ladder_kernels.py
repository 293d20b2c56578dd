"""The goods demand and ladder kernels give the bits and counts of the code they replaced."""

import numpy as np

from agents.economics import WAGE, competitiveness
from agents.firms import supplier_demand
from agents.jit import divide_where, maximum, numpy_form, where
from agents.kinds import ADDED_SERVICES, PAY_PER_USE, SUPPLIER
from model import ServitizationModel, goods, ladder
from model.goods import TRUST_SENSITIVITY
from model.state import (
    ABANDONED,
    BASE_DEMAND,
    CLIENTS_PER_SUPPLIER,
    EMPLOYEES,
    GOODS_DEMAND,
    IS_ALIVE,
    IS_SERVITIZING,
    KIND,
    LOSS_QUARTERS,
    PRODUCTIVITY_GAIN,
    PRODUCTIVITY_GAIN_2020,
    RUNG,
    SERVICE_PROFIT,
    TRANSITION_QUARTERS,
    TRUST,
)


# --- the kernels as they were (every row walks its clients; masks counted after the loop) ---
def _clients_output(alive, goods_demand, clients, client_goods_2020, i):
    total, count = 0.0, 0
    for c in range(CLIENTS_PER_SUPPLIER):
        client = clients[i, c]
        has = client >= 0
        safe = where(has, client, 0)
        now = where(has & alive[safe], goods_demand[safe], 0.0)
        base = client_goods_2020[i, c]
        total = total + divide_where(now, base, has & (base > 0))
        count = count + has
    return where(count > 0, total / maximum(count, 1), 1.0)


def _update_demand(values, codes, flags, clients, client_goods_2020, n, demand_index,
                   competitor_gain, competitor_gain_2020, sales_ratio, regional_client_share):
    alive, kind, goods_demand = flags[IS_ALIVE], codes[KIND], values[GOODS_DEMAND]
    index = where(kind[:n] == SUPPLIER,
                  supplier_demand(demand_index, _clients_output(
                      alive, goods_demand, clients, client_goods_2020, slice(0, n)),
                      regional_client_share),
                  demand_index)
    edge = competitiveness(values[PRODUCTIVITY_GAIN, :n], values[PRODUCTIVITY_GAIN_2020, :n],
                           competitor_gain, competitor_gain_2020, sales_ratio)
    kept = 1 - TRUST_SENSITIVITY + TRUST_SENSITIVITY * values[TRUST, :n]
    goods_demand[:n] = where(alive[:n], values[BASE_DEMAND, :n] * index * edge * kept, 0.0)


def _advance(codes, flags, n, transition_quarters):
    i = slice(0, n)
    started = flags[IS_SERVITIZING, i] & (codes[TRANSITION_QUARTERS, i] == 0)
    started_usage = started & (codes[RUNG, i] >= PAY_PER_USE)
    climbing = flags[IS_ALIVE, i] & flags[IS_SERVITIZING, i]
    codes[TRANSITION_QUARTERS, i] += climbing
    done = climbing & (codes[TRANSITION_QUARTERS, i] >= transition_quarters)
    flags[IS_SERVITIZING, i] &= ~done
    return int(started.sum()), int(started_usage.sum()), int(done.sum())


def _abandon(values, codes, flags, n, overhead_share, transition_quarters):
    i = slice(0, n)
    running = flags[IS_ALIVE, i] & (codes[RUNG, i] >= PAY_PER_USE) & ~flags[IS_SERVITIZING, i]
    overhead = overhead_share * (values[EMPLOYEES, i] * WAGE / 4)
    losing = running & (values[SERVICE_PROFIT, i] < overhead)
    codes[LOSS_QUARTERS, i] = where(losing, codes[LOSS_QUARTERS, i] + 1, 0)
    failed = losing & (codes[LOSS_QUARTERS, i] >= transition_quarters)
    codes[RUNG, i] = where(failed, ADDED_SERVICES, codes[RUNG, i])
    codes[ABANDONED, i] += failed
    codes[LOSS_QUARTERS, i] = where(failed, 0, codes[LOSS_QUARTERS, i])
    return int(failed.sum())


def _both_modes(module, name: str):
    """The kernel as the model calls it (compiled if numba is there) and as plain numpy."""
    run = getattr(module, name)  # a Kernel, or its compiled function once it has run
    return run, numpy_form(run)


def _model_mid_run():
    model = ServitizationModel(rng=7, headless=True, population_scale=0.1)
    for _ in range(30):
        model.step()
    return model


def _state(model):
    f = model.firms
    return f.values.copy(), f.codes.copy(), f.flags.copy()


def test_update_demand_walks_only_suppliers_clients_and_gives_the_same_bits():
    model = _model_mid_run()
    f, p = model.firms, model.p
    # Some clients closed, some suppliers without a second client or a 2020 base.
    rng = np.random.default_rng(0)
    f.flags[IS_ALIVE, :f.n] &= rng.random(f.n) < 0.9
    suppliers = np.flatnonzero(f.kind[:f.n] == SUPPLIER)
    f.clients[suppliers[::7], 1] = -1
    f.client_goods_2020[suppliers[::11], 0] = 0.0
    terms = (f.n, 1.013, 0.21, 0.17, p["digital_sales_ratio"], p["regional_client_share"])
    values, codes, flags = _state(model)
    _update_demand(values, codes, flags, f.clients, f.client_goods_2020, *terms)
    for run in _both_modes(goods, "_update_demand"):
        got = f.values.copy()
        run(got, codes, flags, f.clients, f.client_goods_2020, *terms)
        np.testing.assert_array_equal(got, values)


def test_advance_counts_as_it_goes_as_the_masks_counted_after():
    model = _model_mid_run()
    f, p = model.firms, model.p
    rng = np.random.default_rng(1)
    f.flags[IS_SERVITIZING, :f.n] |= rng.random(f.n) < 0.2
    f.codes[TRANSITION_QUARTERS, :f.n] = rng.integers(0, p["transition_quarters"] + 1, f.n)
    _, codes, flags = _state(model)
    expected = _advance(codes, flags, f.n, p["transition_quarters"])
    assert min(expected) > 0
    for run in _both_modes(ladder, "_advance"):
        got_codes, got_flags = f.codes.copy(), f.flags.copy()
        counts = run(got_codes, got_flags, f.n, p["transition_quarters"])
        assert tuple(int(x) for x in counts) == expected
        np.testing.assert_array_equal(got_codes, codes)
        np.testing.assert_array_equal(got_flags, flags)


def test_abandon_counts_as_it_goes_as_the_mask_counted_after():
    model = _model_mid_run()
    f, p = model.firms, model.p
    rng = np.random.default_rng(2)
    f.codes[RUNG, :f.n] = rng.integers(0, 4, f.n)
    f.codes[LOSS_QUARTERS, :f.n] = rng.integers(0, p["transition_quarters"] + 2, f.n)
    f.flags[IS_SERVITIZING, :f.n] &= rng.random(f.n) < 0.3
    f.values[SERVICE_PROFIT, :f.n] *= np.where(rng.random(f.n) < 0.5, -1.0, 1.0)
    values, codes, flags = _state(model)
    terms = (f.n, p["service_overhead_share"], p["transition_quarters"])
    expected = _abandon(values, codes, flags, *terms)
    assert expected > 0
    for run in _both_modes(ladder, "_abandon"):
        got_codes = f.codes.copy()
        assert int(run(values, got_codes, f.flags.copy(), *terms)) == expected
        np.testing.assert_array_equal(got_codes, codes)


def test_client_index_is_each_suppliers_clients_output():
    model = _model_mid_run()
    f = model.firms
    rows_ = np.flatnonzero(f.kind[:f.n] == SUPPLIER)
    index = goods.client_index(model.firms)
    expected = _clients_output(f.alive, f.goods_demand, f.clients, f.client_goods_2020,
                               slice(0, f.n))
    np.testing.assert_array_equal(index[rows_], expected[rows_])
