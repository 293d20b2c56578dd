"""Custom models come from the experiment file's folder or PYTHONPATH, never shadow a package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import load_results

SERVISIM = Path(sys.executable).with_name("servisim")

STUDY = """\
[experiment]
name = "own"
design = "sobol"
samples = 8
seed = 3
model = "{model}"
outcomes = ["y"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""

MODEL = "def f(params, seed):\n    return {'y': params['a'] + params['b']}\n"
STRAY = "raise ImportError('the stray SALib.py of the working folder was imported')\n"


def _servisim(*args, cwd, pythonpath=None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({"CI": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(SERVISIM), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_stray_module_in_the_working_folder_never_replaces_an_installed_package(tmp_path):
    (tmp_path / "SALib.py").write_text(STRAY)
    (tmp_path / "ownmodel.py").write_text(MODEL)
    (tmp_path / "own.toml").write_text(STUDY.format(model="ownmodel:f"))
    proc = _servisim("batch", "own.toml", "--out", "out", "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "out")
    assert len(results) == 48 and (results["status"] == "ok").all()


def test_a_model_next_to_the_experiment_file_runs_from_any_working_folder(tmp_path):
    study = tmp_path / "study"
    study.mkdir()
    (study / "ownmodel.py").write_text(MODEL)
    (study / "own.toml").write_text(STUDY.format(model="ownmodel:f"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = _servisim("batch", str(study / "own.toml"), "--out", "out", "--workers", "1",
                     cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert (load_results(elsewhere / "out")["status"] == "ok").all()


@pytest.mark.parametrize(("model", "reason"), [
    ("subprocess:call", "module 'subprocess' is part of Python's standard library"),
    ("os:system", "module 'os' is part of Python's standard library"),
    ("pandas:read_csv", "module 'pandas' is part of the installed package at"),
    ("SALib:ProblemSpec", "module 'SALib' is part of the installed package at"),
])
def test_the_standard_library_and_installed_packages_are_refused_as_models(tmp_path, model,
                                                                           reason):
    from experiments.errors import ModelImportError
    from experiments.spec.models import import_model, search_paths

    (tmp_path / "SALib.py").write_text(STRAY)  # even a file of that name beside it
    with pytest.raises(ModelImportError, match="not a model of your own") as err:
        import_model(model, search_paths(tmp_path))
    assert reason in str(err.value)


def test_servisim_own_packages_stay_usable_as_models():
    from calibration.effects import simulate as effects
    from calibration.summaries import simulate
    from experiments.spec.models import import_model

    assert import_model("calibration.effects:simulate", ()) is effects
    assert import_model("calibration.summaries:simulate", ()) is simulate


def test_a_module_of_servisim_that_only_imports_a_function_is_refused():
    from experiments.errors import ModelImportError
    from experiments.spec.models import import_model

    with pytest.raises(ModelImportError, match="only imports"):
        import_model("experiments.runs.batch:datetime", ())


@pytest.mark.parametrize("engine", ["sequential", "local",
                                    pytest.param("dask", marks=pytest.mark.distributed)])
def test_two_studies_with_a_module_of_the_same_name_each_run_their_own(tmp_path, engine):
    from experiments import run_batch

    for factor in (1, 2):
        study = tmp_path / f"study{factor}"
        study.mkdir()
        (study / "samename.py").write_text(
            f"def f(params, seed):\n    return {{'y': {factor} * params['a']}}\n")
        (study / "own.toml").write_text(STUDY.format(model="samename:f"))
    first = run_batch(tmp_path / "study1" / "own.toml", tmp_path / "out1", engine="sequential",
                      progress="none")
    second = run_batch(tmp_path / "study2" / "own.toml", tmp_path / "out2", engine=engine,
                       workers=1 if engine != "sequential" else None, progress="none")
    assert first.n_failed == 0 and second.n_failed == 0
    one, two = load_results(tmp_path / "out1"), load_results(tmp_path / "out2")
    assert (one["y"] == one["a"]).all() and (two["y"] == 2 * two["a"]).all()
