"""Cash and debt of firms: profit after interest and tax, payout, loans and their repayment.

Loans carry ``interest_rate`` and are repaid in equal parts over five years; a firm keeps its
after-tax profit until it holds three months of sales and pays out what is above (dividends,
owners' pay), so cash follows the business instead of piling up; a shortfall is borrowed
within the firm's borrowing limit, and a firm still short is insolvent (the demography step
closes it).
"""

from __future__ import annotations

import numpy as np

from agents.exact import psum, psum_where
from agents.firms import borrowing_limit
from agents.jit import kernel, maximum, minimum, rows, where
from model.state import (
    CASH,
    DEBT,
    GOODS_REVENUE,
    IS_ALIVE,
    KIND,
    MARGIN,
    REPAYMENT,
    SERVICE_REVENUE,
    FirmState,
)

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
    retained, interest, repaid, payout, borrowed = _settle(
        firms.values, firms.codes, firms.flags, firms.n, interest_rate, unlimited_credit)
    # Unrolled: a loop over the names cost more than the kernel at small scales.
    ledger["retained"] += float(retained)
    ledger["interest"] += float(interest)
    ledger["repaid"] += float(repaid)
    ledger["payout"] += float(payout)
    ledger["borrowed"] += float(borrowed)


@kernel
def _settle(values, codes, flags, n, interest_rate, unlimited_credit):
    """:func:`settle_quarter` on rows ``:n``; returns the ledger's five totals."""
    alive, kind, margin = flags[IS_ALIVE], codes[KIND], values[MARGIN]
    cash, debt, repayment = values[CASH], values[DEBT], values[REPAYMENT]
    goods, services = values[GOODS_REVENUE], values[SERVICE_REVENUE]
    # Separate fresh arrays (not rows of one block): LLVM vectorises loops writing them.
    kept, interest, due, excess, borrowed = (np.empty(n), np.empty(n), np.empty(n),
                                             np.empty(n), np.empty(n))
    short = np.empty(n, np.bool_)
    for i in rows(n):
        live = alive[i]
        interest[i] = where(live, debt[i] * interest_rate / 4, 0.0)
        profit = where(live, margin[i] - interest[i], 0.0)
        kept[i] = where(profit > 0, (1 - TAX_RATE) * profit, profit)
        held = cash[i] + kept[i]
        due[i] = where(live, minimum(minimum(repayment[i], debt[i]), maximum(held, 0.0)), 0.0)
        held = held - due[i]
        owed = debt[i] - due[i]
        plan = where(owed > 1e-9, repayment[i], 0.0)
        sales = goods[i] + services[i]
        excess[i] = where(live, maximum(held - CASH_TARGET_YEARS * 4 * sales, 0.0), 0.0)
        held = held - excess[i]
        # What is still short is borrowed (within the borrowing capacity), as lend() books it.
        short[i] = live & (held < 0)
        limit = maximum(borrowing_limit(kind[i], margin[i], sales) - owed, 0.0)
        borrowed[i] = where(short[i], minimum(-held, where(unlimited_credit, np.inf, limit)),
                            0.0)
        debt[i] = owed + borrowed[i]
        cash[i] = held + borrowed[i]
        repayment[i] = plan + borrowed[i] / REPAYMENT_QUARTERS
    return (psum(kept, n), psum(interest, n), psum(due, n), psum(excess, n),
            psum_where(borrowed, short, n))
