"""ABC recovers the known parameters of a toy model through the ``module:function`` door."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from calibration.abc import Runner, run_abc
from calibration.config import load_config
from calibration.fit import summary, weighted_quantile
from experiments.cli import main

TRUE_A, TRUE_B = 0.6, 0.3

TOY_MODEL = '''
"""Toy model with a known answer: a linear and an exponential output of (a, b), with noise."""
import math

import numpy as np


def toy(params, seed):
    rng = np.random.default_rng(seed)
    a, b = params["a"], params["b"]
    return {"y_sum": a + b + 0.02 * rng.normal(),
            "y_exp": math.exp(a - b) + 0.02 * rng.normal()}
'''

_SUM, _EXP = TRUE_A + TRUE_B, math.exp(TRUE_A - TRUE_B)
TARGETS = f"""\
target,use,model_output,model_year,data_year,observed,low,high,unit,source,note
linear,calibrate,y_sum,,,{_SUM},{_SUM - 0.1},{_SUM + 0.1},-,toy,a + b
exponential,calibrate,y_exp,,,{_EXP},{_EXP - 0.1},{_EXP + 0.1},-,toy,exp(a - b)
"""

CONFIG = """\
[calibration]
name = "toy"
model = "cal_toy:toy"
budget = {budget}
population = 200
alpha = 0.5
min_acceptance = 0.02
seed = 11

[priors]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""


def write_toy(folder, config):
    """Write the toy model, its targets and ``toy.toml`` into ``folder``."""
    (folder / "cal_toy.py").write_text(TOY_MODEL)
    (folder / "targets.csv").write_text(TARGETS)
    (folder / "toy.toml").write_text(config)


@pytest.fixture
def toy_calibration(tmp_path, monkeypatch):
    """A folder with the toy model, its targets and a calibration file; the working dir."""
    write_toy(tmp_path, CONFIG.format(budget=1000))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_abc_recovers_the_toy_parameters_within_their_90_percent_interval(toy_calibration):
    cfg = load_config(toy_calibration / "toy.toml")
    post = run_abc(cfg, Runner(toy_calibration / "out", engine="local", workers=2))
    table = summary(cfg, post.particles).set_index("parameter")
    for name, truth in (("a", TRUE_A), ("b", TRUE_B)):
        row = table.loc[name]
        assert row.q05 <= truth <= row.q95, f"{name}: {truth} not in [{row.q05}, {row.q95}]"
        assert row.interval_share_of_prior < 0.35, f"{name}: the posterior barely narrowed"
        assert abs(row["median"] - truth) < 0.1
    assert post.runs == 1000
    assert post.history["tolerance"].is_monotonic_decreasing
    assert len(post.particles) == cfg.kept and post.particles["weight"].sum() == pytest.approx(1)


def test_cli_writes_every_output_and_resumes_with_a_larger_budget(toy_calibration, capsys):
    assert main(["calibrate", "--config", "toy.toml", "--budget", "400", "--out", "out",
                 "--workers", "2"]) == 0
    out = toy_calibration / "out"
    for name in ("posterior.parquet", "summary.csv", "fit.csv", "generations.csv", "candidates.csv",
                 "calibrated.toml", "figures/posterior.png", "figures/fit.png",
                 "figures/generations.png"):
        assert (out / name).is_file(), name
    first = pd.read_csv(out / "generations.csv")
    assert first["runs"].sum() == 400
    fit = pd.read_csv(out / "fit.csv")
    assert list(fit["target"]) == ["linear", "exponential"]
    assert {"observed", "low", "high", "sim_median", "sim_q05", "sim_q95", "inside"} <= set(fit)
    printed = capsys.readouterr().out
    assert "generation  0:   200 runs" in printed and "fitted targets inside" in printed
    # same calibration, larger budget: the first generations are reused, not rerun
    assert main(["calibrate", "--config", "toy.toml", "--budget", "600", "--out", "out",
                 "--workers", "2"]) == 0
    second = pd.read_csv(out / "generations.csv")
    assert second["runs"].sum() == 600
    pd.testing.assert_frame_equal(first[["generation", "runs", "tolerance", "acceptance"]],
                                  second.iloc[: len(first)][["generation", "runs", "tolerance",
                                                               "acceptance"]])


def _as_from_a_terminal() -> None:
    # a runner started in the background ignores Ctrl-C, and its children would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_during_calibrate_says_where_the_runs_are_and_the_rerun_resumes(tmp_path):
    write_toy(tmp_path, CONFIG.format(budget=400))
    slow = "import time\n\n_toy = toy\n\n\ndef toy(params, seed):\n    time.sleep(0.02)\n" \
           "    return _toy(params, seed)\n"
    (tmp_path / "cal_toy.py").write_text(TOY_MODEL + slow)  # slow enough to interrupt
    command = [str(Path(sys.executable).with_name("servisim")), "calibrate", "--config",
               "toy.toml", "--out", "out", "--workers", "1"]
    env = {**os.environ, "CI": "1", "PYTHONPATH": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_as_from_a_terminal)
    # Ctrl-C once the first generation is stored (it prints its line) and the next runs
    for line in proc.stdout:
        if line.startswith("generation  0:"):
            break
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.splitlines() == [
        "servisim calibrate: stopped; finished runs are saved in out/batches. Run the same "
        "command again to resume.", "servisim: interrupted"]
    rerun = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "ABC: 400 runs, " in rerun.stdout and " of them stored before" in rerun.stdout


def test_weighted_quantile_matches_repeated_values():
    values = pd.Series([1.0, 2.0, 3.0])
    assert weighted_quantile(values, [1, 0, 1], 0.5) == pytest.approx(2.0)
    assert weighted_quantile([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1], 0.5) == pytest.approx(2.5)
    assert weighted_quantile([5.0], [1.0], 0.05) == 5.0
