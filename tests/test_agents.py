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
    npv, capex = rules.option_values(ctx)
    own = capex * (1 - ctx.subsidy_rate[:, None])
    choice = rules.choose_option(npv, own, m.financing_capacity(rows), False, ctx.servitizing)
    by_row = {a.row: a for a in m.agents if not isinstance(a, PlatformEntrant)}
    for row, code in zip(rows.tolist(), choice.tolist(), strict=True):
        assert by_row[row].decide() == rules.OPTION_NAMES[code]
        values = by_row[row].option_values()
        assert np.isclose(values["servitize"], npv[list(rows).index(row), rules.SERVITIZE]) or (
            np.isinf(values["servitize"]))


def test_platform_agents_view_platform_rows():
    m = _model()
    platform = next(iter(m.agents_by_type[PlatformEntrant]))
    assert platform.capability == m.platforms.capability[platform.row]
    assert platform.revenue == m.platforms.revenue[platform.row]
