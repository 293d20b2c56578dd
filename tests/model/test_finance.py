"""Financing: what firms can borrow, and what a loan books."""

from __future__ import annotations

import numpy as np
import pytest

from model import ServitizationModel
from model.finance import REPAYMENT_QUARTERS, borrowing_capacity, financing_capacity, lend


@pytest.fixture
def model():
    return ServitizationModel(rng=2, headless=True, population_scale=0.05)


def test_borrowing_capacity_is_never_negative_even_for_indebted_firms(model):
    rows = np.arange(model.firms.n)
    model.firms.debt[rows] = 1e12
    assert (borrowing_capacity(model.firms, rows) == 0).all()


def test_without_a_cash_constraint_financing_has_no_limit(model):
    rows = np.arange(5)
    assert np.isinf(financing_capacity(model.firms, rows, cash_constraint=False)).all()
    assert np.isfinite(financing_capacity(model.firms, rows, cash_constraint=True)).all()


def test_a_loan_raises_debt_and_cash_and_plans_its_repayment(model):
    rows, amount = np.array([0, 1]), np.array([1000.0, 2000.0])
    firms, ledger = model.firms, {"borrowed": 0.0}
    debt, cash, repay = firms.debt[rows].copy(), firms.cash[rows].copy(), \
        firms.repayment[rows].copy()
    lend(firms, rows, amount, ledger)
    assert firms.debt[rows] - debt == pytest.approx(amount)
    assert firms.cash[rows] - cash == pytest.approx(amount)
    assert firms.repayment[rows] - repay == pytest.approx(amount / REPAYMENT_QUARTERS)
    assert ledger["borrowed"] == 3000.0
