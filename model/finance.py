"""Cash and debt of firms: profit after interest and tax, payout, loans and their repayment.

Loans carry ``interest_rate`` and are repaid in equal parts over five years; a firm keeps its
after-tax profit until it holds three months of sales and pays out what is above (dividends,
owners' pay), so cash follows the business instead of piling up; a shortfall is borrowed
within the firm's borrowing limit, and a firm still short is insolvent (the demography step
closes it).
"""

from __future__ import annotations

import numpy as np

from agents.firms import borrowing_limit
from model.state import FirmState

REPAYMENT_QUARTERS = 20  # loans are repaid in equal parts over five years
TAX_RATE = 0.25  # French corporate income tax from 2022
CASH_TARGET_YEARS = 0.25  # cash held, in years of sales, before profits are paid out (assumption)


def borrowing_capacity(firms: FirmState, rows) -> np.ndarray:
    """What firms can still borrow: their kind's borrowing limit less their debt."""
    sales = firms.goods_revenue[rows] + firms.service_revenue[rows]
    limit = borrowing_limit(firms.kind[rows], firms.margin[rows], sales)
    return np.maximum(limit - firms.debt[rows], 0.0)


def financing_capacity(firms: FirmState, rows: np.ndarray, cash_constraint: bool) -> np.ndarray:
    """Cash plus borrowing capacity; ``inf`` without a cash limit (Bass docking)."""
    if not cash_constraint:
        return np.full(len(rows), np.inf)
    return np.maximum(firms.cash[rows], 0.0) + borrowing_capacity(firms, rows)


def lend(firms: FirmState, rows: np.ndarray, amount: np.ndarray, ledger: dict) -> None:
    """Book new loans: debt up, cash up, and their repayment added to the plan."""
    firms.debt[rows] += amount
    firms.cash[rows] += amount
    firms.repayment[rows] += amount / REPAYMENT_QUARTERS
    ledger["borrowed"] += float(amount.sum())


def settle_quarter(firms: FirmState, ledger: dict[str, float], interest_rate: float,
                   unlimited_credit: bool = False) -> None:
    """Book the quarter's profit, pay interest and principal, pay out, borrow what is short.

    Args:
        firms: firm state, updated in place.
        ledger: the model's money ledger, updated in place.
        interest_rate: yearly rate on debt.
        unlimited_credit: no cash limit (Bass docking): any shortfall is borrowed.

    """
    n = firms.n
    alive = firms.alive[:n]
    interest = np.where(alive, firms.debt[:n] * interest_rate / 4, 0.0)
    profit = np.where(alive, firms.margin[:n] - interest, 0.0)
    kept = np.where(profit > 0, (1 - TAX_RATE) * profit, profit)
    firms.cash[:n] += kept
    ledger["retained"] += float(kept.sum())
    ledger["interest"] += float(interest.sum())
    due = np.where(alive, np.minimum(np.minimum(firms.repayment[:n], firms.debt[:n]),
                                     np.maximum(firms.cash[:n], 0.0)), 0.0)
    firms.cash[:n] -= due
    firms.debt[:n] -= due
    firms.repayment[:n] = np.where(firms.debt[:n] > 1e-9, firms.repayment[:n], 0.0)
    ledger["repaid"] += float(due.sum())
    sales = firms.goods_revenue[:n] + firms.service_revenue[:n]
    excess = np.where(alive, np.maximum(firms.cash[:n] - CASH_TARGET_YEARS * 4 * sales, 0.0), 0.0)
    firms.cash[:n] -= excess
    ledger["payout"] += float(excess.sum())
    rows = np.flatnonzero(alive & (firms.cash[:n] < 0))
    if len(rows):
        capacity = np.inf if unlimited_credit else borrowing_capacity(firms, rows)
        lend(firms, rows, np.minimum(-firms.cash[rows], capacity), ledger)
