"""Investment: the package's cost by size, and who a subsidy call accepts."""

from __future__ import annotations

import numpy as np
import pytest

from model import ServitizationModel
from model.investment import ELIGIBLE_EMPLOYEES, eligible, package_cost
from model.population import REFERENCE_SME_EMPLOYEES


@pytest.fixture(scope="module")
def model():
    return ServitizationModel(rng=1, headless=True, population_scale=0.05)


def test_the_package_costs_the_reference_smes_price_scaled_by_size_and_wrights_law(model):
    rows = np.arange(model.firms.n)
    size = np.maximum(model.firms.employees[rows], 1.0) / REFERENCE_SME_EMPLOYEES
    assert package_cost(model, rows) == pytest.approx(
        model.p["investment_cost_sme"] * size ** model.p["investment_size_exponent"]
        * model.wright_multiplier)


def test_larger_firms_pay_more_for_the_package(model):
    rows = np.argsort(model.firms.employees[: model.firms.n])
    assert np.all(np.diff(package_cost(model, rows)) >= 0)


def test_a_subsidy_call_accepts_firms_from_ten_employees(model):
    rows = np.arange(model.firms.n)
    accepted = eligible(model, rows)
    assert ELIGIBLE_EMPLOYEES == 10
    assert (model.firms.employees[rows][accepted] >= 10).all()
    assert (model.firms.employees[rows][~accepted] < 10).all() and accepted.any()
