"""Cash and debt of firms: retained earnings, loan repayment, emergency borrowing."""

from __future__ import annotations

import numpy as np

from model.investment import borrowing_capacity
from model.market import retained_cash
from model.state import FirmState

REPAYMENT_QUARTERS = 20  # loans are repaid over five years


def settle_quarter(firms: FirmState, ledger: dict[str, float], unlimited_credit: bool = False
                   ) -> None:
    """Book the quarter's retained EBIT, repay debt, and borrow to cover negative cash.

    A live firm whose cash is still negative after borrowing all it can is insolvent: the
    demography step closes it.

    Args:
        firms: firm state, updated in place.
        ledger: the model's money ledger, updated in place.
        unlimited_credit: no cash limit (Bass docking): any shortfall is borrowed.

    """
    n = firms.n
    alive = firms.alive[:n]
    retained = np.where(alive, retained_cash(firms.margin[:n]), 0.0)
    firms.cash[:n] += retained
    ledger["retained"] += float(retained.sum())
    due = np.where(alive, np.minimum(firms.debt[:n] / REPAYMENT_QUARTERS,
                                     np.maximum(firms.cash[:n], 0.0)), 0.0)
    firms.cash[:n] -= due
    firms.debt[:n] -= due
    ledger["repaid"] += float(due.sum())
    short = alive & (firms.cash[:n] < 0)
    rows = np.flatnonzero(short)
    capacity = np.inf if unlimited_credit else borrowing_capacity(firms, rows)
    loan = np.minimum(-firms.cash[rows], capacity)
    firms.cash[rows] += loan
    firms.debt[rows] += loan
    ledger["borrowed"] += float(loan.sum())
