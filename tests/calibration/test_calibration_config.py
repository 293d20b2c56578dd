"""Bad calibration files: one clear line naming the file and field, exit code 2, no output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from calibration.config import DEFAULT_CONFIG, load_config
from calibration.targets import load_targets
from experiments.cli import main
from model.history import TARGETS_FILE

TARGETS = TARGETS_FILE

GOOD = f"""\
[calibration]
name = "bad-input"
targets_file = "{TARGETS}"
targets = ["jobs_trend", "cyber_attacked_share"]
budget = 40
population = 20
scale = 0.05

[priors]
attack_prob_sme = [0.2, 0.8]
exit_hazard_sme = [0.005, 0.02]

[fixed]
covid_shock = 0.1
"""


def _run(tmp_path, text, *extra):
    path = tmp_path / "cal.toml"
    path.write_text(text)
    out = tmp_path / "out"
    code = main(["calibrate", "--config", str(path), "--out", str(out), *extra])
    return code, out, path


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ('"cyber_attacked_share"]', '"cyber_attacked_shar"]',
         ["line 4, key 'targets' in [calibration]", "unknown target 'cyber_attacked_shar'"]),
        ("exit_hazard_sme = [", "exit_hazard_smee = [",
         ["line 11, key 'exit_hazard_smee' in [priors]", "unknown parameter",
          "did you mean exit_hazard_sme"]),
        ("[0.005, 0.02]", "[0.02, 0.02]",
         ["key 'exit_hazard_sme' in [priors]", "empty prior range", "low 0.02 is not below "
          "high 0.02"]),
        ("[0.005, 0.02]", "[0.03, 0.01]", ["key 'exit_hazard_sme' in [priors]",
                                           "empty prior range"]),
        ("attack_prob_sme = [0.2, 0.8]", "attack_prob_sme = [0.2, 1.5]",
         ["line 10, key 'attack_prob_sme' in [priors]", "outside the registry's bounds",
          "allowed within [0, 1]"]),
        ("covid_shock = 0.1", "covid_shok = 0.1",
         ["key 'covid_shok' in [fixed]", "unknown parameter"]),
        ("covid_shock = 0.1", "covid_shock = 2.0", ["key 'covid_shock' in [fixed]",
                                                    "out of range"]),
        ("covid_shock = 0.1", "covid_shock = 0.1\ncomplete_network = 1",
         ["line 15, key 'complete_network' in [fixed]", "1 is not true or false; allowed true "
          "or false"]),
        ("budget = 40", "budgett = 40", ["key 'budgett' in [calibration]", "unknown key"]),
        ("budget = 40", "budget = 10", ["key 'budget' in [calibration]", "below population"]),
        ("attack_prob_sme = [0.2, 0.8]", "attack_prob_sme = 0.3",
         ["key 'attack_prob_sme' in [priors]", "is not a range"]),
        ("attack_prob_sme = [0.2, 0.8]", "attack_prob_sme = [true, 0.8]",
         ["key 'attack_prob_sme' in [priors]", "true is not a finite number"]),
        ("scale = 0.05", 'scale = "big"', ["key 'scale' in [calibration]",
                                           "'big' has the wrong type"]),
        ("[priors]", "[prior]", ["table [prior]", "unknown table"]),
        ("[priors]", "[[priors]]", ["line 9: [[priors]] makes an array of tables; expected one "
                                    "table: [priors] on a line of its own"]),
        ('targets = ["jobs_trend", "cyber_attacked_share"]', 'targets = ["jobs_2017"]',
         ["target 'jobs_2017' has no model_output"]),
        ('targets = ["jobs_trend", "cyber_attacked_share"]', 'targets = "jobs_trend"',
         ["key 'targets' in [calibration]", "expected a non-empty list"]),
        ("scale = 0.05", "scale = 9.0", ["key 'scale' in [calibration]", "out of range"]),
        ("name =", "name = = ", ["TOML syntax error"]),
    ],
)
def test_bad_calibration_file_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, old, new,
                                                                      fragments):
    assert old in GOOD
    code, out, path = _run(tmp_path, GOOD.replace(old, new, 1))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"servisim: error: {path}"), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not out.exists()


def test_empty_file_and_missing_file(tmp_path, capsys):
    code, out, _ = _run(tmp_path, "")
    assert code == 2 and "the file is empty" in capsys.readouterr().err and not out.exists()
    assert main(["calibrate", "--config", str(tmp_path / "none.toml"), "--out",
                 str(out)]) == 2
    assert "cannot read the calibration file" in capsys.readouterr().err


def test_bad_targets_file_names_the_row_and_column(tmp_path, capsys):
    bad = TARGETS.read_text().replace("jobs_trend,calibrate,jobs_change_2020_2024",
                                      "jobs_trend,calibrate,jobs_change_2020_2042")
    (tmp_path / "targets.csv").write_text(bad)
    code, out, _ = _run(tmp_path, GOOD.replace(str(TARGETS), "targets.csv"))
    err = capsys.readouterr().err
    assert code == 2 and "target 'jobs_trend': the model has no output " \
                         "'jobs_change_2020_2042'" in err
    assert not out.exists()
    (tmp_path / "targets.csv").write_text(TARGETS.read_text().replace(",calibrate,", ",fit,", 1))
    code, out, _ = _run(tmp_path, GOOD.replace(str(TARGETS), "targets.csv"))
    err = capsys.readouterr().err
    assert code == 2 and "targets.csv: line 3, target 'jobs_trend', column use: 'fit'" in err
    assert "allowed calibrate, report, validate, anchor, unmatched" in err


def test_bad_options_are_refused_before_anything_is_written(tmp_path, capsys):
    for extra, fragment in ((["--budget", "5"], "--budget 5: must be at least the population"),
                            (["--workers", "0"], "--workers 0"),
                            (["--engine", "local", "--scheduler", "tcp://x:1"],
                             "--scheduler needs --engine dask")):
        code, out, _ = _run(tmp_path, GOOD, *extra)
        assert code == 2 and fragment in capsys.readouterr().err
        assert not out.exists()


def test_a_folder_holding_another_calibration_is_refused(tmp_path, capsys):
    from calibration.cmd_calibrate import prepare_out

    out = tmp_path / "out"
    path = tmp_path / "cal.toml"
    path.write_text(GOOD)
    prepare_out(load_config(path), out)
    code, _, _ = _run(tmp_path, GOOD.replace("seed", "seed").replace("population = 20",
                                                                      "population = 30"))
    assert code == 2 and "holds another calibration" in capsys.readouterr().err


def test_a_file_given_as_the_calibration_folder_is_refused_and_kept(tmp_path, capsys):
    (tmp_path / "out").write_text("a user's file")
    code, out, _ = _run(tmp_path, GOOD)
    assert code == 2 and "--out" in capsys.readouterr().err
    assert out.read_text() == "a user's file"


def test_shipped_config_and_targets_are_valid():
    cfg = load_config(DEFAULT_CONFIG)
    assert len(cfg.used) >= 8 and len(cfg.priors) >= 8
    targets = load_targets(TARGETS)
    # every row of the shared data file is accounted for, each with a source
    shared = ["jobs_2017", "jobs_trend", "establishments_2022", "establishments_trend",
              "service_function_jobs_share", "hdf_service_domains_share",
              "firms_selling_services", "firms_service_dominant", "servitization_margin_effect",
              "servitization_employment_effect", "servitization_sales_effect",
              "iot_adoption_small", "iot_adoption_large", "ai_adoption_sme", "ai_adoption_large",
              "subsidy_oversubscription", "subsidy_applicant_share",
              "subsidy_small_projects_share", "cyber_attacked_share", "cyber_median_loss",
              "cyber_solvency_threat", "offshorable_service_jobs"]
    assert set(shared) <= set(targets)
    assert all(t.source for t in targets.values())
    for t in targets.values():
        if t.use in ("calibrate", "report", "validate"):
            assert t.model_output and t.model_year, t.id
    assert {t.model_output for t in targets.values() if t.use == "validate"} == {
        "margin_effect", "employment_effect", "sales_effect"}


def test_an_effect_no_run_could_estimate_is_said_so_not_printed_as_nan():
    from types import SimpleNamespace

    from calibration.cmd_calibrate import _report

    lines: list[str] = []
    fit = pd.DataFrame({"fitted": pd.Series([], dtype=bool), "inside": pd.Series([], dtype=bool)})
    effects = pd.DataFrame([{"effect": "margin_effect", "headline": True,
                             "model_median": float("nan"), "model_q05": float("nan"),
                             "model_q95": float("nan"), "cepii_low": 0.01, "cepii_high": 0.05,
                             "inside": False}])
    _report(lines.append, None, SimpleNamespace(runs=8, history=[], particles=[]),
            pd.DataFrame(), fit, effects, None, (8, 1.0), 1.0, Path("out"))
    said = [line for line in lines if line.startswith("effect")]
    assert said == ["effect margin_effect      not estimated: no servitizing firm to match in the "
                    "effect runs (raise effects_runs or scale); CEPII [+0.010, +0.050]"]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("-0.0115,-0.015,-0.008", "-0.0115,-inf,-0.008",
     "column low: '-inf' is not a finite number; give a number, or leave the cell empty"),
    ("-0.0115,-0.015,-0.008", "inf,,", "column observed: 'inf' is not a finite number; give a "
                                       "number"),
])
def test_an_infinite_number_in_the_targets_file_is_refused_not_fitted_with_zero_weight(
        tmp_path, capsys, old, new, message):
    assert old in TARGETS.read_text()
    (tmp_path / "targets.csv").write_text(TARGETS.read_text().replace(old, new, 1))
    code, out, _ = _run(tmp_path, GOOD.replace(str(TARGETS), "targets.csv"))
    err = capsys.readouterr().err
    assert code == 2 and "targets.csv: line 3, target 'jobs_trend', " + message in err, err
    assert not out.exists()
