"""The step's first decision round: the discounting of its rows and the options' table."""

import numpy as np
import pytest

from agents import decisions as rules
from agents.jit import kernel
from model import investment
from model import investment_book as book
from model.investment_book import discounting_of
from model.run_terms import decision_terms
from model.state import IS_ALIVE, IS_STRATEGIC


@kernel
def _compiled_discounting(own_hurdle, strategic, terms, m):
    return discounting_of(own_hurdle, strategic, terms, m)


@pytest.fixture
def model(stepped_run):
    return stepped_run(4, 0.1, 6)  # read only


def _rows(model, size):
    alive = np.flatnonzero(model.firms.flags[IS_ALIVE])
    return np.random.default_rng(size).permutation(alive)[:size]


def _each_rows(model, rows, hurdle):
    """``rules.discounting`` row by row, from the rows' decision context."""
    ctx = investment.decision_context(model, rows)
    return rules.discounting(hurdle, ctx.horizon_quarters, ctx.ramp_quarters,
                             ctx.transition_quarters)


@pytest.mark.parametrize("rates", [1, 2, 3])
def test_discounting_of_the_rows_is_each_rows_own_to_the_last_bit(model, rates):
    rows = _rows(model, 300)
    hurdle = model.hurdle[rows].copy()
    hurdle[::5] += 0.01 * (rates - 2)  # one rate (all the same), the step's two, or three
    if rates == 1:
        hurdle[:] = hurdle[0]
    strategic = model.firms.flags[IS_STRATEGIC, rows]
    expected = np.array(_each_rows(model, rows, hurdle))
    terms = decision_terms(model)
    for discounting in (discounting_of, _compiled_discounting):
        got = discounting(hurdle, strategic, terms, len(rows))
        np.testing.assert_array_equal(got, expected)


def test_discounting_of_no_rows_is_empty(model):
    got = _compiled_discounting(np.zeros(0), np.zeros(0, np.bool_), decision_terms(model), 0)
    assert got.shape == (3, 0)


def test_first_round_table_is_the_options_of_the_decision_context(model):
    rows = _rows(model, 250)
    prompted = np.arange(len(rows)) % 7 == 0
    f = model.firms
    table, *_ = investment._first_round(
        f.values, f.codes, f.flags, model.hurdle, model.attack_hazard, rows, prompted,
        decision_terms(model), model.p["cash_constraint"], model.p["adopt_when_considering"])
    ctx = investment.decision_context(model, rows, prompted)
    for column, expected in enumerate(rules.option_terms(ctx)):
        np.testing.assert_array_equal(table[column], expected)


def test_first_round_reads_no_field_it_does_not_gather(model):
    rows = _rows(model, 250)
    prompted = np.arange(len(rows)) % 7 == 0
    f = model.firms
    args = (model.hurdle, model.attack_hazard, rows, prompted, decision_terms(model),
            model.p["cash_constraint"], model.p["adopt_when_considering"])
    expected = investment._first_round(f.values, f.codes, f.flags, *args)
    values, codes, flags = f.values.copy(), f.codes.copy(), f.flags.copy()
    values[np.setdiff1d(np.arange(len(values)), book.GATHERED_VALUES)] = np.nan
    codes[np.setdiff1d(np.arange(len(codes)), book.GATHERED_CODES)] = -7
    flags[np.setdiff1d(np.arange(len(flags)), book.GATHERED_FLAGS)] = True
    got = investment._first_round(values, codes, flags, *args)
    np.testing.assert_array_equal(got[0], expected[0])
    for a, b in zip(got[1:], expected[1:], strict=True):
        np.testing.assert_array_equal(a, b)


def test_gathered_fields_are_the_rows_fields_in_order(model):
    rows = _rows(model, 100)
    f = model.firms
    own = book.gathered(f.values, f.codes, f.flags, model.hurdle, model.attack_hazard, rows,
                        len(rows))
    for block, fields, copy in ((f.values, book.GATHERED_VALUES, own[0]),
                                (f.codes, book.GATHERED_CODES, own[1]),
                                (f.flags, book.GATHERED_FLAGS, own[2])):
        np.testing.assert_array_equal(copy[list(fields)], block[list(fields)][:, rows])
    np.testing.assert_array_equal(own[3], model.hurdle[rows])
    np.testing.assert_array_equal(own[4], model.attack_hazard[rows])
