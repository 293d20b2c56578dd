import pytest

from model import PARAMETERS, REGISTRY, ParameterError, defaults, resolve
from model.parameters import sa_parameters

SPEC_NAMES = [
    "population_scale", "start_year", "end_year", "supplier_share", "myopic_share",
    "cluster_share", "bass_p_sme", "bass_p_large", "bass_q", "cluster_imitation_multiplier",
    "hurdle_rate_sme", "hurdle_rate_large", "covid_hurdle_premium", "covid_hurdle_until",
    "investment_cost_sme", "learning_rate", "transition_quarters", "service_margin",
    "product_margin", "servitization_threshold", "usage_share_2040", "demand_growth",
    "covid_shock", "subsidy_rate", "subsidy_budget_relance", "subsidy_budget_after",
    "support_conversion_rate", "secure_framework", "attack_prob_sme", "attack_prob_large",
    "severe_share", "digital_exposure", "cyber_loss_median", "cyber_loss_sigma",
    "severe_exit_prob", "platform_entry_rate", "platform_cost_advantage",
    "platform_network_effect", "installed_base_bonus", "exit_hazard_sme", "exit_hazard_large",
    "transition_exit_multiplier", "entry_rate", "offshorable_service_share",
]


def test_registry_holds_every_parameter_of_the_spec():
    assert set(SPEC_NAMES) <= set(REGISTRY)


def test_every_parameter_documents_unit_meaning_and_source():
    for p in PARAMETERS:
        assert p.unit and p.meaning and p.source, p.name


def test_defaults_and_sa_ranges_lie_within_the_accepted_bounds():
    for p in PARAMETERS:
        if p.bounds is None:
            continue
        assert p.bounds[0] <= p.default <= p.bounds[1], p.name
        if p.sa_range:
            assert p.bounds[0] <= p.sa_range[0] < p.sa_range[1] <= p.bounds[1], p.name


def test_spec_defaults_are_kept():
    d = defaults()
    assert d["bass_q"] == 0.20 and d["subsidy_rate"] == 0.20 and d["transition_quarters"] == 8
    assert REGISTRY["subsidy_budget_after"].sa_range == (0.0, 40e6)


def test_every_parameter_has_a_role_and_the_workshops_levers_are_the_policy_ones():
    from model.parameters import ROLES, by_role

    assert {p.role for p in PARAMETERS} <= set(ROLES)
    levers = {p.name for p in by_role("lever")}
    assert levers == {"subsidy_rate", "subsidy_budget_relance", "subsidy_budget_after",
                      "support_conversion_rate", "secure_framework", "cluster_share",
                      "cluster_imitation_multiplier"}
    for p in (*by_role("lever"), *by_role("uncertainty")):
        assert p.sa_range is not None, p.name
    with pytest.raises(ParameterError, match="allowed lever, uncertainty, constant"):
        by_role("levers")


def test_a_hypothesis_has_a_range_that_starts_at_zero():
    hypotheses = [p for p in PARAMETERS if p.hypothesis]
    assert {p.name for p in hypotheses} >= {"platform_network_effect", "cluster_attraction"}
    for p in hypotheses:
        assert p.sa_range[0] == 0.0, p.name


def test_sa_parameters_are_those_with_a_range():
    assert {p.name for p in sa_parameters()} == {p.name for p in PARAMETERS if p.sa_range}


def test_resolve_parses_numbers_as_typed_on_a_command_line():
    # a switch's "true" is parsed by --set itself: the registry takes True or False only
    params = resolve({"subsidy_rate": "0.3", "transition_quarters": "12"})
    assert params["subsidy_rate"] == 0.3
    assert params["transition_quarters"] == 12 and isinstance(params["transition_quarters"], int)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"subsidy_rat": 0.2}, "subsidy_rat", "did you mean subsidy_rate"),
        ({"subsidy_rate": "abc"}, "subsidy_rate", "not a number"),
        ({"subsidy_rate": 1.5}, "subsidy_rate", "allowed 0 to 1"),
        ({"transition_quarters": 2.5}, "transition_quarters", "not a whole number"),
        ({"complete_network": "maybe"}, "complete_network", "allowed true or false"),
        ({"subsidy_rate": True}, "subsidy_rate", "is a boolean"),
        ({"end_year": 2021, "start_year": 2020, "population_scale": -1}, "population_scale",
         "out of range"),
    ],
)
def test_bad_values_name_the_field_and_what_is_allowed(overrides, field, fragment):
    with pytest.raises(ParameterError) as err:
        resolve(overrides)
    assert err.value.field == field
    assert fragment in str(err.value)


def test_params_command_lists_every_parameter_and_marks_calibrated_defaults(capsys):
    from experiments.cli import main

    assert main(["params"]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split()[0] == "name"
    assert [line.split()[0] for line in lines] == [p.name for p in PARAMETERS]
    for prm, line in zip(PARAMETERS, lines, strict=True):
        assert ("[calibrated; literature" in line) == (prm.literature_default is not None)
