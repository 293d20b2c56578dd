"""The service market: a nested logit that counts platforms right, from the region's 2020 state."""

import numpy as np
import pytest
from scipy.stats import qmc

from agents.economics import nest_value, within_nest_shares
from model import ServitizationModel, load_preset
from model.parameters import by_role


def test_look_alike_platforms_share_their_nest_rather_than_add_up():
    one = nest_value(np.array([1.0]), 0.1)
    fifteen = nest_value(np.full(15, 1.0), 0.1)
    assert fifteen - one == pytest.approx(0.1 * np.log(15))
    # A plain logit (dissimilarity 1) counts each of them.
    assert nest_value(np.full(15, 1.0), 1.0) - one == pytest.approx(np.log(15))


def test_a_dead_platform_has_no_share_of_its_nest():
    shares = within_nest_shares(np.array([0.5, -np.inf, 0.5]), 0.6)
    np.testing.assert_allclose(shares, [0.5, 0.0, 0.5])


def test_the_network_effect_works_on_a_platforms_market_share():
    a = ServitizationModel(rng=1, headless=True, population_scale=0.1,
                           platform_network_effect=2.0)
    from model.market import platform_utilities

    before = platform_utilities(a.platforms, a.p, a.know_how_penalty)
    a.platforms.market_share[0] += 0.1
    after = platform_utilities(a.platforms, a.p, a.know_how_penalty)
    assert after[0] - before[0] == pytest.approx(0.2)


def _workshop_points(count, seed):
    params = [p for p in (*by_role("lever"), *by_role("uncertainty")) if p.sa_range]
    unit = qmc.LatinHypercube(d=len(params), seed=seed).random(count)
    lows = [p.sa_range[0] for p in params]
    highs = [p.sa_range[1] for p in params]
    for row in qmc.scale(unit, lows, highs):
        yield {p.name: (int(round(v)) if p.kind is int else float(v))
               for p, v in zip(params, row, strict=True)}


def test_every_run_starts_from_the_regions_2020_service_capture():
    captures = []
    for i, point in enumerate(_workshop_points(40, seed=7)):
        m = ServitizationModel(rng=i, headless=True, population_scale=0.1, **point)
        start = m.indicators()["industrial_service_capture"]
        assert start == pytest.approx(m.p["service_capture_2020"], abs=1e-6)
        for _ in range(4):
            m.step()
        captures.append(m.indicators()["industrial_service_capture"])
    assert min(captures) >= 0.88 and max(captures) <= 0.96, (min(captures), max(captures))


def test_capping_platforms_at_one_barely_changes_capture_in_the_trend_preset():
    def capture(cap):
        out = []
        for seed in range(6):
            m = ServitizationModel(rng=seed, headless=True, population_scale=0.25,
                                   **(load_preset("trend") | {"max_platforms": cap}))
            m.run()
            out.append(m.indicators()["industrial_service_capture"])
        return np.mean(out)

    assert abs(capture(1) - capture(100)) <= 0.03


def test_the_2020_settle_finds_the_roots_scipys_brentq_finds():
    from scipy.optimize import brentq

    from model import market_2020
    from model.market import platform_utilities

    m = ServitizationModel(rng=3, headless=True, population_scale=0.1, max_platforms=3)
    f, pl, p, usage = m.firms, m.platforms, m.p, m.usage_at(0.0)

    def totals(penalty, in_house):
        u = platform_utilities(pl, p, penalty)
        return market_2020.totals_under(f, p, u, penalty, in_house, usage)

    penalty, in_house = 0.0, 0.0
    for _ in range(market_2020.ROUNDS):
        before = (penalty, in_house)
        in_house = brentq(lambda o: market_2020.outsourced_share(totals(penalty, o))  # noqa: B023
                          - p["outsourced_services_share"], *market_2020.IN_HOUSE_BRACKET,
                          xtol=market_2020.XTOL)
        penalty = brentq(lambda a: market_2020.capture(totals(a, in_house))  # noqa: B023
                         - p["service_capture_2020"], *market_2020.PENALTY_BRACKET,
                         xtol=market_2020.XTOL)
        if abs(penalty - before[0]) < 1e-8 and abs(in_house - before[1]) < 1e-8:
            break
    assert market_2020.settle_2020(f, pl, p, usage) == (penalty, in_house)
