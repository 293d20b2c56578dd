"""Experiment files with [levers] and [uncertainties]: crossed and grouped designs."""

from __future__ import annotations

from experiments.spec.experiment import load_experiment
from tests.experiments.spec.test_spec import _fails, _write

CROSSED = """\
[experiment]
design = "crossed"
policies = 3
scenarios = 4
replicates = 2
scale = 0.05

[levers]
subsidy_rate = "sa"

[uncertainties]
platform_entry_rate = [0.05, 0.5]
covid_hurdle_until = "sa"
"""


def test_crossed_file_keeps_the_role_of_each_parameter(tmp_path):
    spec = load_experiment(_write(tmp_path, CROSSED))
    assert spec.groups == {"subsidy_rate": "levers", "platform_entry_rate": "uncertainties",
                           "covid_hurdle_until": "uncertainties"}
    assert spec.crossed["policies"] == 3 and spec.crossed["scenario_design"] == "lhs"
    assert spec.parameters["subsidy_rate"] == [0.1, 0.4]


def test_a_crossed_design_plans_policies_times_futures_times_seeds(tmp_path):
    from experiments.runs.sampling import build_design, build_plan, plan_size

    spec = load_experiment(_write(tmp_path, CROSSED))
    design = build_design(spec)
    assert plan_size(spec)[1] == 3 * 4 * 2 == len(build_plan(spec, design))
    assert len(design.samples) == 12
    assert {p["covid_hurdle_until"] for p in design.points} <= set(range(2020, 2025))


def test_parameters_table_cannot_be_mixed_with_levers(tmp_path, capsys):
    _fails(tmp_path, capsys, CROSSED + "\n[parameters]\ncluster_share = [0.1, 0.2]\n",
           "[parameters]", "cannot be used with [levers] or [uncertainties]")


def test_a_parameter_cannot_be_both_lever_and_uncertainty(tmp_path, capsys):
    text = CROSSED.replace('covid_hurdle_until = "sa"', 'subsidy_rate = [0.1, 0.3]')
    _fails(tmp_path, capsys, text, "subsidy_rate", "both [levers] and [uncertainties]")


def test_crossed_design_needs_its_number_of_policies(tmp_path, capsys):
    _fails(tmp_path, capsys, CROSSED.replace("policies = 3\n", ""), "missing key 'policies'")


def test_crossed_design_needs_both_parts(tmp_path, capsys):
    text = CROSSED.replace('[levers]\nsubsidy_rate = "sa"\n', "")
    _fails(tmp_path, capsys, text, "needs varied parameters under both", "[levers] has none")


def test_policies_key_belongs_to_the_crossed_design_only(tmp_path, capsys):
    text = CROSSED.replace('design = "crossed"', 'design = "lhs"\nsamples = 4')
    _fails(tmp_path, capsys, text, "key 'policies'", "applies to design 'crossed' only")


def test_a_bad_lever_range_names_the_levers_table(tmp_path, capsys):
    _fails(tmp_path, capsys, CROSSED.replace('subsidy_rate = "sa"', "subsidy_rate = [0.4, 0.1]"),
           "key 'subsidy_rate' in [levers]", "low 0.4 is not below high 0.1")
