import mesa
import numpy as np

from agents import SME, LargeFirm, PlatformEntrant, UpstreamSupplier
from agents import decisions as rules
from model import ServitizationModel
from model.state import LARGE, SUPPLIER
from model.state import SME as SME_KIND


def _model():
    m = ServitizationModel(rng=5, headless=False, population_scale=0.05)
    for _ in range(6):
        m.step()
    return m


def test_each_firm_kind_has_its_own_mesa_agent_class():
    m = _model()
    expected = {SME_KIND: SME, SUPPLIER: UpstreamSupplier, LARGE: LargeFirm}
    firms = [a for a in m.agents if not isinstance(a, PlatformEntrant)]
    assert len(firms) == m.firms.n
    for agent in firms:
        assert isinstance(agent, mesa.Agent)
        assert type(agent) is expected[int(m.firms.kind[agent.row])]
    assert len(m.agents_by_type[PlatformEntrant]) == m.platforms.n


def test_agent_attributes_read_the_state_arrays():
    m = _model()
    agent = next(iter(m.agents_by_type[SME]))
    assert agent.digital == m.firms.digital[agent.row]
    assert agent.cash == m.firms.cash[agent.row]
    assert agent.alive == bool(m.firms.alive[agent.row])
    m.step()
    assert agent.service_revenue == m.firms.service_revenue[agent.row]


def test_writing_an_agent_attribute_writes_the_array():
    m = _model()
    agent = next(iter(m.agents_by_type[LargeFirm]))
    agent.security = 0.9
    assert m.firms.security[agent.row] == 0.9


def test_agent_decide_uses_the_same_rule_as_the_vectorised_step():
    m = _model()
    rows = np.flatnonzero(m.firms.alive[: m.firms.n])[:40]
    ctx = m.decision_context(rows)
    npv, _ = rules.option_values(ctx)
    by_row = {a.row: a for a in m.agents if not isinstance(a, PlatformEntrant)}
    for i, row in enumerate(rows.tolist()):
        # One row alone, the way the step would decide it, granting nothing.
        alone = rules.decide(m.decision_context(np.array([row])),
                             m.financing_capacity(np.array([row])), False,
                             m.policy.would_grant)
        assert by_row[row].decide() == alone.names()[0]
        values = by_row[row].option_values()
        np.testing.assert_allclose([values[name] for name in rules.OPTION_NAMES], npv[i])


def test_agent_decide_asks_the_subsidy_book_without_spending():
    m = ServitizationModel(rng=5, headless=False, population_scale=0.05)
    for _ in range(4):  # the relaunch call opens in 2020Q4
        m.step()
    assert m.policy.is_open()
    left, asked = m.policy.budget_left, m.policy.requested
    choices = [agent.decide() for agent in list(m.agents_by_type[SME])[:50]]
    assert set(choices) - {"none"}, "no firm would invest: the book was not asked"
    assert m.policy.budget_left == left and m.policy.requested == asked


def test_myopic_smes_weigh_options_only_under_a_call_or_peer_pressure():
    from agents.firms import evaluating

    kind = np.array([SME_KIND, SME_KIND, SME_KIND, SUPPLIER, LARGE])
    strategic = np.array([True, False, False, False, False])
    call = np.array([False, False, True, False, False])
    peers = np.array([0.0, 0.0, 0.0, 0.5, 0.0])
    assert evaluating(kind, strategic, call, peers, 0.25).tolist() == [True, False, True,
                                                                        True, True]


def test_large_firms_borrow_against_more_than_smes():
    from agents.firms import borrowing_limit

    margin, sales = np.array([10.0, 10.0]), np.array([100.0, 100.0])
    small, large = borrowing_limit(np.array([SME_KIND, LARGE]), margin, sales)
    assert large > small


def test_suppliers_sales_follow_their_regional_clients():
    index = UpstreamSupplier.demand_from_clients(1.0, np.array([1.0, 0.5, 1.5]), 0.5)
    np.testing.assert_allclose(index, [1.0, 0.75, 1.25])


def test_platform_agents_view_platform_rows():
    m = _model()
    platform = next(iter(m.agents_by_type[PlatformEntrant]))
    assert platform.capability == m.platforms.capability[platform.row]
    assert platform.revenue == m.platforms.revenue[platform.row]
