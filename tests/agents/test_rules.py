import math

import numpy as np
import pytest

from agents import decisions as rules
from agents.economics import attack_rate
from model.capabilities import wright_multiplier
from model.macro import covid_loss, usage_share
from model.parameters import defaults
from model.policy import SubsidyPolicy, hurdle_rates


def test_attention_probability_is_the_bass_hazard_over_a_quarter():
    p = rules.attention_probability(0.01, 0.3, np.array([0.0, 0.5]), 1.0, 0.25)
    expected = 1 - np.exp(-np.array([0.01, 0.01 + 0.3 * 0.5]) * 0.25)
    np.testing.assert_allclose(p, expected)


def test_cluster_members_imitate_more():
    base = rules.attention_probability(0.01, 0.3, 0.4, 1.0, 0.25)
    cluster = rules.attention_probability(0.01, 0.3, 0.4, 1.5, 0.25)
    assert cluster > base


def test_mid_step_share_lies_between_start_share_and_one():
    a = np.array([0.0, 0.3, 1.0])
    mid = rules.mid_step_share(0.02, 0.5, a, 1.0, 0.25)
    assert np.all(mid >= a) and np.all(mid <= 1.0) and mid[2] == 1.0


def test_annuity_matches_the_sum_of_discounted_quarters():
    rate, quarters = 0.12, 20
    v = 1.12 ** -0.25
    assert math.isclose(float(rules.annuity(rate, quarters)), sum(v**k for k in range(1, 21)))


def test_choose_option_picks_the_best_financeable_positive_npv_project():
    npv = np.array([[0.0, 10.0, 50.0, 500.0], [0.0, -1.0, -2.0, -3.0], [0.0, 10.0, 50.0, 5.0]])
    own = np.array([[0, 10, 100, 1], [0, 1, 1, 1], [0, 10, 100, 1]], dtype=float)
    financing = np.array([1000.0, 1000.0, 20.0])
    choice = rules.choose_option(npv, own, financing, adopt_always=False)
    assert choice.tolist() == [rules.CLIMB, rules.NONE, rules.DIGITAL]


def test_security_is_bought_besides_a_project_when_it_pays_and_can_be_financed():
    npv = np.array([[0.0, 10.0, 50.0, 5.0], [0.0, 10.0, 50.0, -1.0], [0.0, 10.0, 50.0, 5.0]])
    capex = np.array([[0, 10, 100, 1], [0, 10, 100, 1], [0, 10, 100, 1]], dtype=float)
    left = np.array([1.0, 100.0, 0.5])
    assert rules.add_security(npv, capex, left, adopt_always=False).tolist() == [True, False,
                                                                                  False]


def test_bass_docking_makes_every_considering_firm_adopt():
    npv = np.array([[-1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0],
                    [-1.0, -1.0, -np.inf, -1.0]])
    choice = rules.choose_option(npv, npv, np.zeros(3), adopt_always=True,
                                 adopted=np.array([False, True, True]))
    assert choice.tolist() == [rules.DIGITAL, rules.CLIMB, rules.NONE]


def test_security_cuts_and_digital_exposure_raises_attack_rate():
    base = attack_rate(0.3, 0.0, 0.0, 1.5, 0.0)
    assert attack_rate(0.3, 1.0, 0.0, 1.5, 0.0) == pytest.approx(1.5 * base)
    assert attack_rate(0.3, 0.0, 1.0, 1.5, 0.0) < base
    assert attack_rate(0.3, 0.0, 0.0, 1.5, 0.4) == pytest.approx(0.6 * base)


def test_wright_law_halves_cost_growth_per_doubling():
    assert wright_multiplier(200, 100, 0.15) == pytest.approx(0.85)
    assert wright_multiplier(400, 100, 0.15) == pytest.approx(0.85**2)


def test_usage_share_runs_from_5_percent_in_2020_to_its_2040_value():
    assert usage_share(0.0, 0.35) == pytest.approx(0.05)
    assert usage_share(20.0, 0.35) == pytest.approx(0.35)
    assert usage_share(10.0, 0.35) > usage_share(5.0, 0.35)


def test_covid_shock_averages_to_its_size_over_2020():
    assert sum(covid_loss(2020, q, 0.1) for q in range(4)) / 4 == pytest.approx(0.1)
    assert covid_loss(2023, 0, 0.1) == 0.0


def test_subsidy_is_granted_first_come_first_served_within_budget():
    policy = SubsidyPolicy(relance_budget=455.0, yearly_budget_after=10.0)
    policy.open_window(2020, 3)  # the first relaunch call: 280 of the 455
    granted = policy.grant(np.array([200.0, 60.0, 30.0]))
    assert granted.tolist() == [True, True, False]
    assert policy.spent == 260.0 and policy.budget_left == 20.0 and policy.requested == 290.0


def test_relaunch_calls_open_in_2020q4_and_2021q2_and_yearly_after_2022():
    policy = SubsidyPolicy(relance_budget=455.0, yearly_budget_after=10.0)
    opened = []
    for year in range(2020, 2025):
        for quarter in range(4):
            policy.open_window(year, quarter)
            if policy.call_opened:
                opened.append((year, quarter))
    assert opened == [(2020, 3), (2021, 1), (2023, 0), (2024, 0)]
    assert policy.released_by_year == {2020: 280.0, 2021: 175.0, 2023: 10.0, 2024: 10.0}


def test_would_grant_answers_without_spending():
    policy = SubsidyPolicy(relance_budget=455.0, yearly_budget_after=0.0)
    policy.open_window(2020, 3)
    assert policy.would_grant(np.array([200.0, 100.0])).tolist() == [True, False]
    assert policy.budget_left == 280.0 and policy.requested == 0.0


def test_unspent_yearly_budget_lapses():
    policy = SubsidyPolicy(relance_budget=0.0, yearly_budget_after=10.0)
    policy.open_window(2023, 0)
    policy.open_window(2024, 0)
    assert policy.budget_left == 10.0 and policy.released == 20.0


def test_covid_premium_raises_hurdles_until_its_last_year():
    p = defaults()
    large = np.array([False, True])
    np.testing.assert_allclose(hurdle_rates(large, p, 2021), [0.17, 0.13])
    np.testing.assert_allclose(hurdle_rates(large, p, 2022), [0.14, 0.10])
