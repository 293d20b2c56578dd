"""The fused end of the investment round and the subsidy book's compiled answer."""

import numpy as np

from agents import decisions as rules
from model import ServitizationModel, investment
from model.policy import _answer


def test_book_answer_is_numpys_cumsum_and_pairwise_sums_to_the_last_bit():
    rng = np.random.default_rng(3)
    requests = rng.lognormal(10.0, 2.0, 1000)
    budget = float(np.cumsum(requests)[600])
    granted, asked, total = _answer(requests, budget)
    assert np.array_equal(granted, np.cumsum(requests) <= budget)
    assert float(asked) == float(requests.sum())
    assert float(total) == float(requests[granted].sum())
    empty = _answer(np.zeros(0), 1.0)
    assert len(empty[0]) == 0 and float(empty[1]) == float(empty[2]) == 0.0


def test_invest_books_what_decide_for_chooses():
    model = ServitizationModel(rng=11, headless=True, population_scale=0.05)
    for _ in range(8):
        model.step()
    rows = np.flatnonzero(model.firms.flags[investment.IS_ALIVE])[:60]
    twin = ServitizationModel(rng=11, headless=True, population_scale=0.05)
    for _ in range(8):
        twin.step()
    # The same rows in the same order: invest's draw permutes them, so replay that draw.
    order = np.random.default_rng(0).permutation(len(rows))
    model.rng, twin.rng = np.random.default_rng(0), np.random.default_rng(0)
    prompted = np.zeros(len(rows), bool)
    model.p["adopt_when_considering"] = twin.p["adopt_when_considering"] = True
    result = investment.invest(model, rows, prompted, np.zeros(model.firms.n))
    decision = investment.decide_for(twin, rows[order], spend=True, prompted=prompted)
    acting = (decision.choice != rules.NONE) | decision.security
    assert result.capex == float(decision.cost[acting].sum())
    assert result.subsidy == float(decision.subsidy[acting].sum())
    assert result.additional_capex == decision.additional_capex
    assert model.policy.budget_left == twin.policy.budget_left
    assert result.capex > 0
