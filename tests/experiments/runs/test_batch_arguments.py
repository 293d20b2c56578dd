"""``run_batch`` from Python: an argument of the wrong type names itself and writes nothing."""

from __future__ import annotations

import shutil

import pytest

from experiments import run_batch
from experiments.errors import ArgumentError

STUDY = """\
[experiment]
name = "args"
design = "lhs"
samples = 4
replicates = 1
seed = 4
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""


@pytest.fixture
def study(tmp_path, toy_dir):
    shutil.copy(toy_dir / "servisim_toy.py", tmp_path)
    (tmp_path / "exp.toml").write_text(STUDY)
    return tmp_path / "exp.toml"


def test_an_unknown_progress_mode_is_refused_before_the_folder_is_made(study, tmp_path):
    with pytest.raises(ArgumentError, match="progress='fancy': unknown progress mode; allowed "
                                            "auto, bar, lines, none"):
        run_batch(study, tmp_path / "out", engine="sequential", progress="fancy")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("workers", "2", "workers='2': allowed a whole number >= 1"),
    ("workers", 1.5, "workers=1.5: allowed a whole number >= 1"),
    ("workers", True, "workers=True: allowed a whole number >= 1"),
    ("run_timeout", "60", "run_timeout='60': allowed a finite number of seconds > 0"),
    ("max_runs", "100", "max_runs='100': allowed a whole number >= 1"),
    ("max_runs", 1e6, "max_runs=1e+06: allowed a whole number >= 1"),
    ("scheduler", 8786, "scheduler=8786: not a Dask scheduler address; expected "
                        "tcp://HOST:PORT"),
])
def test_an_argument_of_the_wrong_type_is_named_with_what_is_allowed(study, tmp_path, keyword,
                                                                      value, message):
    with pytest.raises(ArgumentError) as caught:
        run_batch(study, tmp_path / "out", engine="local", **{keyword: value})
    assert str(caught.value).startswith(message)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("experiment", "out", "message"), [
    (None, "out", "experiment_path=None: allowed the path of an experiment file"),
    ("exp.toml", None, "out_dir=None: allowed the path of a folder (str or pathlib.Path)"),
    ("exp.toml", 3, "out_dir=3: allowed the path of a folder (str or pathlib.Path)"),
])
def test_a_path_that_is_not_a_path_is_named_not_a_type_error(study, monkeypatch, experiment,
                                                              out, message):
    monkeypatch.chdir(study.parent)
    with pytest.raises(ArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_batch(experiment, out, engine="sequential")
