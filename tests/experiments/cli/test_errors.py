"""Errors by layer: the library names its arguments, the command line names its options."""

from __future__ import annotations

import pickle

import pytest

from experiments import run_batch
from experiments.cli import main
from experiments.errors import ArgumentError, UsageError, argument
from model.errors import ServisimError
from model.parameters import ParameterError
from model.scenarios import ScenarioError, class_probabilities


def test_run_batch_names_the_keyword_argument_not_the_option(tmp_path):
    with pytest.raises(ArgumentError) as caught:
        run_batch(tmp_path / "none.toml", tmp_path / "out", workers=0)
    assert str(caught.value) == "workers=0: allowed a whole number >= 1"
    assert "--" not in str(caught.value)


def test_the_command_line_shows_the_same_error_as_its_option(tmp_path, capsys):
    code = main(["batch", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o"),
                 "--workers", "0"])
    assert code == 2
    assert capsys.readouterr().err == "servisim: error: --workers 0: allowed a whole number >= 1\n"


def test_an_argument_that_names_another_reads_as_python_and_as_options():
    from experiments.runs.engines import check_engine_options

    with pytest.raises(UsageError) as caught:
        check_engine_options("local", scheduler="tcp://h:8786")
    assert str(caught.value) == "scheduler needs engine='dask' (got engine='local')"
    from experiments.cli.options import spell

    assert caught.value.spelled(spell) == "--scheduler needs --engine dask (got --engine local)"


def test_every_error_for_bad_input_shares_one_base_class():
    for kind in (UsageError, ArgumentError, ParameterError, ScenarioError):
        assert issubclass(kind, ServisimError)
    with pytest.raises(ServisimError, match="scenario class 'odd'; allowed low, trend, high"):
        class_probabilities(["low", "odd"])


def test_an_argument_error_survives_pickling_to_another_process():
    err = ArgumentError("max_runs", 0, "allowed a whole number >= 1")
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) == "max_runs=0: allowed a whole number >= 1"


def test_more_workers_than_four_a_core_are_refused_before_any_process_starts(tmp_path, capsys):
    import os

    most = 4 * (os.cpu_count() or 1)
    code = main(["batch", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o"),
                 "--workers", str(most + 1)])
    assert code == 2
    assert capsys.readouterr().err == (f"servisim: error: --workers {most + 1}: allowed 1 to "
                                       f"{most} on this machine (4 per core; each is a process)\n")
    assert not (tmp_path / "o").exists()


def test_a_parameter_set_twice_with_two_values_is_refused(tmp_path, capsys):
    code = main(["run", "--set", "subsidy_rate=0.2", "--set", "subsidy_rate=0.3",
                 "--out", str(tmp_path / "r")])
    assert code == 2
    assert "subsidy_rate is set twice (0.2 and 0.3); give it once" in capsys.readouterr().err


def test_a_filter_of_the_registry_that_matches_nothing_says_so(capsys):
    assert main(["params", "--group", "docking", "--role", "lever"]) == 2
    assert "no parameter is in group 'docking' with role 'lever'" in capsys.readouterr().err


def test_a_folder_argument_reads_as_the_folder_the_user_typed():
    from experiments.cli.options import spell

    err = UsageError(f"{argument('directory', 'results/quick')}: cannot write in results/quick")
    assert err.spelled(spell) == "results/quick: cannot write in results/quick"
    assert str(err) == "directory='results/quick': cannot write in results/quick"
