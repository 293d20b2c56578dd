"""A file's [levers]/[uncertainties] split is the user's: a parameter placed against its
registry role is run as placed, with one note on stderr saying so."""

from __future__ import annotations

from experiments.cli import main
from experiments.spec.roles import role_notes
from model import REGISTRY

ROLES = {name: p.role for name, p in REGISTRY.items()}

STUDY = """\
[experiment]
name = "split"
design = "crossed"
policies = 2
scenarios = 2
replicates = 1
seed = 5
scale = 0.01
model = "servisim"
outcomes = ["jobs_index_2017"]

[levers]
{levers}

[uncertainties]
{uncertainties}
"""


def _batch(tmp_path, capsys, levers, uncertainties):
    path = tmp_path / "split.toml"
    path.write_text(STUDY.format(levers=levers, uncertainties=uncertainties))
    code = main(["batch", str(path), "--out", str(tmp_path / "out"), "--engine", "sequential",
                 "--progress", "none"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "split: 4/4 runs stored" in captured.out
    return captured.err


def test_batch_notes_a_lever_listed_as_an_uncertainty_and_runs_it_as_listed(tmp_path, capsys):
    err = _batch(tmp_path, capsys, 'secure_framework = "sa"',
                 'subsidy_rate = "sa"\nplatform_entry_rate = "sa"')
    assert err == ("note: subsidy_rate is a lever in the registry but listed under "
                   "[uncertainties]; the analysis will treat it as an uncertainty\n")
    from experiments import load_spec

    assert load_spec(tmp_path / "out")["groups"]["subsidy_rate"] == "uncertainties"


def test_a_split_that_follows_the_registry_gets_no_note(tmp_path, capsys):
    assert _batch(tmp_path, capsys, 'subsidy_rate = "sa"', 'platform_entry_rate = "sa"') == ""


def test_one_line_per_role_and_table_naming_each_parameter():
    groups = {"covid_shock": "levers", "subsidy_rate": "levers", "demand_growth": "levers",
              "cluster_share": "uncertainties", "transition_quarters": "levers",
              "exit_hazard_sme": "uncertainties", "x1": "levers"}
    assert role_notes(groups, ROLES) == [
        "note: covid_shock and demand_growth are uncertainties in the registry but listed "
        "under [levers]; the analysis will treat them as levers",
        "note: cluster_share is a lever in the registry but listed under [uncertainties]; the "
        "analysis will treat it as an uncertainty",
        "note: transition_quarters is a constant in the registry but listed under [levers]; "
        "the analysis will treat it as a lever",
    ]  # a constant is decided by nobody in the region: under [uncertainties] it is at home
