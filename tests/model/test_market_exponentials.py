"""The market's exponentials, kept for the platforms' entry, are the firms' as they are."""

import numpy as np

from model import ServitizationModel, market, market_2020


def _assert_firm_terms_reuse(model: ServitizationModel, exponentials: np.ndarray) -> None:
    """Firm terms from ``exponentials`` are those computed afresh, to the last bit."""
    usage = model.usage_at(model.t_years)
    given = market_2020.firm_terms(model.firms, model.p, usage, exponentials)
    fresh = market_2020.firm_terms(model.firms, model.p, usage)
    for a, b in zip(given, fresh, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_cleared_market_keeps_the_firms_exponentials_and_firm_terms_reuse_them():
    model = ServitizationModel(rng=5, headless=True, population_scale=0.05)
    for _ in range(8):
        model.step()
    f, p = model.firms, model.p
    outcome = model._clear_market()
    np.testing.assert_array_equal(outcome.exponentials, market.firms_exponentials(f, p))
    _assert_firm_terms_reuse(model, outcome.exponentials)


def test_firm_terms_from_the_cleared_markets_exponentials_hold_after_offers_are_abandoned():
    from agents.kinds import ADDED_SERVICES, PAY_PER_USE

    model = ServitizationModel(rng=5, headless=True, population_scale=0.1)
    for _ in range(40):
        model.step()
    f = model.firms
    outcome = model._clear_market()
    offering = np.flatnonzero(f.alive[:f.n] & (f.rung[:f.n] >= PAY_PER_USE))
    assert len(offering) > 0
    f.rung[offering[::2]] = ADDED_SERVICES  # what abandon_failing_offers does to a rung
    _assert_firm_terms_reuse(model, outcome.exponentials)
