"""Experiment files: what is accepted, and one clear error (file, line, key, allowed) otherwise."""

from __future__ import annotations

import textwrap

import pytest

from experiments.cli import main
from experiments.errors import UsageError
from experiments.spec.experiment import load_experiment

GOOD = """\
[experiment]
name = "t"
design = "lhs"
samples = 4
replicates = 1
seed = 7
scale = 0.05
preset = "trend"

[parameters]
subsidy_rate = [0.10, 0.40]
platform_entry_rate = [0.02, 0.50]

[fixed]
secure_framework = 0.3
"""


def _write(tmp_path, text: str, name: str = "exp.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _fails(tmp_path, capsys, text: str, *expected: str) -> str:
    """Run `servisim batch` on a bad file: exit 2, one-line message, nothing written."""
    path = _write(tmp_path, text)
    out = tmp_path / "out"
    code = main(["batch", str(path), "--out", str(out), "--progress", "none"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("servisim: error: ") and err.count("\n") == 1, err
    assert str(path) in err
    for part in expected:
        assert part in err, f"{part!r} not in {err!r}"
    assert not out.exists()
    return err


def test_good_file_resolves_preset_fixed_and_defaults(tmp_path):
    spec = load_experiment(_write(tmp_path, GOOD))
    assert spec.parameters == {"subsidy_rate": [0.10, 0.40], "platform_entry_rate": [0.02, 0.5]}
    assert spec.fixed["secure_framework"] == 0.3  # [fixed] beats the preset's 0.2
    assert spec.fixed["population_scale"] == 0.05
    assert spec.fixed["covid_hurdle_premium"] == 0.03  # from the trend preset
    assert "subsidy_rate" not in spec.fixed
    from model import INDICATORS

    assert spec.outcomes == list(INDICATORS)


def test_sa_shorthand_takes_the_registry_range(tmp_path):
    text = GOOD.replace("subsidy_rate = [0.10, 0.40]", 'subsidy_rate = "sa"\n'
                        'covid_hurdle_until = "sa"')
    spec = load_experiment(_write(tmp_path, text))
    assert spec.parameters["subsidy_rate"] == [0.10, 0.40]
    assert spec.parameters["covid_hurdle_until"] == [2020, 2024]
    assert spec.kinds["covid_hurdle_until"] == "int"


def test_bounds_may_leave_the_sa_range_inside_the_registry_bounds(tmp_path):
    spec = load_experiment(_write(tmp_path, GOOD.replace("[0.10, 0.40]", "[0.0, 0.9]")))
    assert spec.parameters["subsidy_rate"] == [0.0, 0.9]


def test_unknown_key(tmp_path, capsys):
    text = GOOD.replace("replicates = 1", "replicats = 1")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'replicats')}",
           "key 'replicats' in [experiment]", "unknown key", "allowed name, description, design")


def test_unknown_table(tmp_path, capsys):
    _fails(tmp_path, capsys, GOOD + "\n[outputs]\nx = 1\n", "unknown table or key 'outputs'",
           "allowed tables [experiment], [parameters], [levers], [uncertainties], [fixed]")


def test_unknown_parameter_name(tmp_path, capsys):
    text = GOOD.replace("subsidy_rate =", "subsidy_rat =")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'subsidy_rat')}",
           "key 'subsidy_rat' in [parameters]", "unknown parameter", "did you mean subsidy_rate")


def test_unknown_fixed_parameter(tmp_path, capsys):
    text = GOOD.replace("secure_framework = 0.3", "secure_frame = 0.3")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'secure_frame')}",
           "key 'secure_frame' in [fixed]", "unknown parameter")


def test_bounds_outside_the_registry(tmp_path, capsys):
    text = GOOD.replace("[0.10, 0.40]", "[0.10, 1.5]")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'subsidy_rate')}",
           "key 'subsidy_rate' in [parameters]", "1.5 is out of range; allowed 0 to 1")


def test_low_above_high(tmp_path, capsys):
    text = GOOD.replace("[0.10, 0.40]", "[0.40, 0.10]")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'subsidy_rate')}",
           "low 0.4 is not below high 0.1", "allowed [low, high] with low < high")


@pytest.mark.parametrize(("old", "new", "key", "expected"), [
    ("[0.10, 0.40]", '"high"', "subsidy_rate", "expected [low, high]"),
    ("[0.10, 0.40]", "[0.1, 0.2, 0.3]", "subsidy_rate", "is not a range; expected [low, high]"),
    ("[0.10, 0.40]", '[0.1, "x"]', "subsidy_rate", "wrong type"),
    ("samples = 4", 'samples = "many"', "samples", "wrong type; expected a whole number"),
    ("replicates = 1", "replicates = 1.5", "replicates", "wrong type; expected a whole number"),
    ("seed = 7", "seed = true", "seed", "wrong type; expected a whole number"),
    ("secure_framework = 0.3", 'secure_framework = "yes"', "secure_framework",
     "'yes' is text; write it without quotes"),
    ("secure_framework = 0.3", 'secure_framework = "0.3"', "secure_framework",
     "'0.3' is text; write it without quotes"),
    ("secure_framework = 0.3", "complete_network = 1", "complete_network",
     "1 is not true or false; allowed true or false"),
    ('preset = "trend"', "preset = 3", "preset", "wrong type; expected one of low, trend"),
])
def test_wrong_type(tmp_path, capsys, old, new, key, expected):
    text = GOOD.replace(old, new)
    _fails(tmp_path, capsys, text, f"line {_line(text, new)}", f"key '{key}'", expected)


def test_empty_file(tmp_path, capsys):
    _fails(tmp_path, capsys, "", "the file is empty", "[experiment]", "[parameters]")


def test_comments_only_is_empty(tmp_path, capsys):
    _fails(tmp_path, capsys, "# nothing yet\n", "the file is empty")


def test_toml_syntax_error(tmp_path, capsys):
    text = GOOD.replace('design = "lhs"', "design = lhs")
    _fails(tmp_path, capsys, text, "TOML syntax error", f"line {_line(text, 'design = lhs')}")


def test_unknown_design(tmp_path, capsys):
    text = GOOD.replace('"lhs"', '"factorial"')
    _fails(tmp_path, capsys, text, f"line {_line(text, 'factorial')}", "key 'design'",
           "unknown design 'factorial'; allowed grid, lhs, sobol, morris")


def test_unknown_preset(tmp_path, capsys):
    text = GOOD.replace('"trend"', '"medium"')
    _fails(tmp_path, capsys, text, f"line {_line(text, 'medium')}", "key 'preset'",
           "unknown preset 'medium'; allowed low, trend, high, bass")


def test_a_preset_given_by_its_french_name_is_recorded_by_its_own(tmp_path):
    spec = load_experiment(_write(tmp_path, GOOD.replace('"trend"', '"tendanciel"')))
    assert spec.preset == "trend"
    assert spec.fixed["covid_hurdle_premium"] == 0.03  # from the trend preset


def test_unknown_outcome(tmp_path, capsys):
    text = GOOD + ""
    text = text.replace('preset = "trend"', 'preset = "trend"\noutcomes = ["jobs_idx"]')
    _fails(tmp_path, capsys, text, "key 'outcomes'", "unknown outcome 'jobs_idx'",
           "allowed industrial_service_capture")


def test_sobol_needs_a_power_of_two(tmp_path, capsys):
    text = GOOD.replace('"lhs"', '"sobol"').replace("samples = 4", "samples = 100")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'samples = 100')}",
           "allowed a power of 2")


def test_second_order_applies_to_sobol_only(tmp_path, capsys):
    text = GOOD.replace('design = "lhs"', 'design = "lhs"\nsecond_order = false')
    _fails(tmp_path, capsys, text, f"line {_line(text, 'second_order')}", "key 'second_order'",
           "applies to design 'sobol' only")


def test_num_levels_applies_to_morris_only(tmp_path, capsys):
    text = GOOD.replace('design = "lhs"', 'design = "lhs"\nnum_levels = 4')
    _fails(tmp_path, capsys, text, f"line {_line(text, 'num_levels')}", "key 'num_levels'",
           "applies to design 'morris' only, not 'lhs'")


def test_samples_do_not_apply_to_a_grid(tmp_path, capsys):
    text = GOOD.replace('design = "lhs"', 'design = "grid"')
    _fails(tmp_path, capsys, text, f"line {_line(text, 'samples = 4')}", "key 'samples'",
           "does not apply to design 'grid'")


def test_second_order_must_be_true_or_false(tmp_path, capsys):
    text = GOOD.replace('"lhs"', '"sobol"')
    text = text.replace("samples = 4", 'samples = 4\nsecond_order = "no"')
    _fails(tmp_path, capsys, text, "key 'second_order'", "true or false")


def test_missing_design(tmp_path, capsys):
    _fails(tmp_path, capsys, GOOD.replace('design = "lhs"\n', ""), "missing key 'design'",
           "allowed grid, lhs, sobol, morris")


def test_no_varied_parameter(tmp_path, capsys):
    text = GOOD.replace("subsidy_rate = [0.10, 0.40]\nplatform_entry_rate = [0.02, 0.50]\n", "")
    _fails(tmp_path, capsys, text, "no varied parameter", "[parameters]")


def test_varied_and_fixed(tmp_path, capsys):
    text = GOOD.replace("secure_framework = 0.3", "subsidy_rate = 0.3")
    _fails(tmp_path, capsys, text, "key 'subsidy_rate' in [fixed]", "either varied or fixed")


def test_boolean_parameter_needs_a_grid(tmp_path, capsys):
    text = GOOD.replace("platform_entry_rate = [0.02, 0.50]", "cash_constraint = [0, 1]")
    _fails(tmp_path, capsys, text, "key 'cash_constraint'", "design = 'grid'")


def test_scale_outside_the_registry(tmp_path, capsys):
    _fails(tmp_path, capsys, GOOD.replace("scale = 0.05", "scale = 5"), "key 'scale'",
           "allowed 0.005 to 2")


def test_custom_model_that_cannot_be_imported(tmp_path, capsys):
    text = GOOD.replace('preset = "trend"\n', 'model = "no_such_module:f"\n').replace(
        "scale = 0.05\n", "")
    _fails(tmp_path, capsys, text, "key 'model'", "module 'no_such_module' not found",
           "put no_such_module.py in the experiment file's folder or add its folder to "
           "PYTHONPATH")


def test_custom_model_rejects_servisim_only_keys(tmp_path, capsys, in_toy_dir):
    text = GOOD.replace('preset = "trend"', 'model = "servisim_toy:toy"')
    _fails(tmp_path, capsys, text, "key 'scale'", 'applies to model = "servisim" only')


def test_grid_levels_are_checked_and_typed(tmp_path):
    text = GOOD.replace('"lhs"', '"grid"').replace("samples = 4\n", "").replace(
        "platform_entry_rate = [0.02, 0.50]", "transition_quarters = [4, 8, 12]")
    spec = load_experiment(_write(tmp_path, text))
    assert spec.kinds == {"subsidy_rate": "float", "transition_quarters": "int"}
    with pytest.raises(UsageError, match="transition_quarters.*out of range; allowed 1 to 40"):
        load_experiment(_write(tmp_path, text.replace("[4, 8, 12]", "[4, 80]")))


def test_scheduler_without_dask_is_refused(tmp_path, capsys):
    path = _write(tmp_path, GOOD)
    code = main(["batch", str(path), "--out", str(tmp_path / "o"), "--engine", "local",
                 "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_name_must_be_a_safe_folder_name(tmp_path, capsys):
    text = GOOD.replace('name = "t"', 'name = "../elsewhere"')
    _fails(tmp_path, capsys, text, "key 'name'", "allowed letters, digits")


def test_grid_levels_of_a_switch_must_be_true_or_false_not_zero_or_one(tmp_path, capsys):
    text = GOOD.replace('"lhs"', '"grid"').replace("samples = 4\n", "").replace(
        "platform_entry_rate = [0.02, 0.50]", "complete_network = [0, 1]")
    _fails(tmp_path, capsys, text, f"line {_line(text, 'complete_network')}",
           "key 'complete_network' in [parameters]: 0 is not true or false; allowed true or "
           "false")


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("seed = 7", "seed = true", "true has the wrong type"),
    ('name = "t"', "name = {a = 1}", "{a = 1} has the wrong type"),
    ("[0.10, 0.40]", "[true, 0.40]", "true has the wrong type"),
    ("[0.10, 0.40]", "{low = 0.1, high = 0.4}", "{low = 0.1, high = 0.4} has the wrong type"),
    ('name = "t"', 'name = "t"\ndescription = {en = false}', "en = false has the wrong type"),
    ("secure_framework = 0.3", "complete_network = [false]",
     "[false] is not true or false"),
])
def test_a_wrong_value_is_shown_as_the_file_writes_it_not_as_python(tmp_path, capsys, old, new,
                                                                     shown):
    err = _fails(tmp_path, capsys, GOOD.replace(old, new), shown)
    assert not any(word in err for word in ("True", "False", "{'"))


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("[parameters]", "[[parameters]]", "line 10: [[parameters]] makes an array of tables; "
                                       "expected one table: [parameters] on a line of its own"),
    ("[experiment]", "experiment = 3\n[experiments]", "line 1: experiment = 3 is a number, not "
                                                      "a table; expected one table: [experiment]"),
    ("[experiment]", "levers = [1]\n[experiment]", "line 1: levers = [1] is a list, not a "
                                                    "table; expected one table: [levers]"),
])
def test_a_table_of_the_wrong_kind_is_said_so_not_called_unknown(tmp_path, capsys, old, new,
                                                                  expected):
    err = _fails(tmp_path, capsys, GOOD.replace(old, new), expected)
    assert "unknown" not in err


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("platform_entry_rate = [0.02, 0.50]", "subsidy_rate = [0.20, 0.30]",
     "exp.toml: line 12, key 'subsidy_rate' in [parameters]: is given twice (first on line "
     "11); give each key once"),
    ("[fixed]", "[parameters]", "exp.toml: line 14, table [parameters]: is declared twice "
                                "(first on line 10); put all its keys under one [parameters]"),
    ("secure_framework = 0.3", "secure_framework = 0.3\nsecure_framework.x = 1",
     "exp.toml: line 16, key 'secure_framework.x': gives again a value given before; give "
     "each key once"),
])
def test_a_key_or_table_given_twice_is_named_with_its_line(tmp_path, capsys, old, new,
                                                           expected):
    err = _fails(tmp_path, capsys, GOOD.replace(old, new), expected)
    assert "Cannot" not in err and "TOML syntax error" not in err
