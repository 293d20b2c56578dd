"""A run that hangs is stopped at its time limit and stored as failed; the batch goes on."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments import load_results, run_batch

SERVISIM = Path(sys.executable).with_name("servisim")

HANGS = """\
[experiment]
name = "hangs"
design = "grid"
replicates = 1
seed = 2
model = "servisim_toy:toy"
outcomes = ["y", "z"]
{timeout}

[parameters]
a = [0.0, 0.25, 0.5, 0.75]
b = [0.0, 1.0]

[fixed]
hang_at = 0.5
"""


def _file(tmp_path, timeout=""):
    path = tmp_path / "hangs.toml"
    path.write_text(HANGS.format(timeout=timeout))
    return path


def _check(results, limit: float) -> None:
    hung = results["a"] == 0.5
    assert len(results) == 8
    assert (results.loc[~hung, "status"] == "ok").all()
    assert (results.loc[hung, "status"] == "failed").all()
    expected = f"timed out after {limit:g} s (run_timeout); the run was stopped"
    assert (results.loc[hung, "error"] == expected).all()
    assert (results.loc[~hung, "y"] == results.loc[~hung, "a"] + 2 * results.loc[~hung, "b"]).all()


@pytest.mark.parametrize("engine", ["local", "sequential"])
def test_a_hung_run_is_stored_as_timed_out_and_the_others_finish(tmp_path, in_toy_dir, engine):
    started = time.monotonic()
    workers = 2 if engine == "local" else None  # the sequential engine refuses any other
    summary = run_batch(_file(tmp_path), tmp_path / "out", engine=engine, workers=workers,
                        progress="none", run_timeout=2)
    assert time.monotonic() - started < 40
    assert summary.complete and summary.n_failed == 2
    _check(load_results(tmp_path / "out"), 2)


def test_the_experiment_file_sets_the_limit_and_the_flag_overrides_it(tmp_path, in_toy_dir):
    path = _file(tmp_path, "run_timeout = 1.5")
    proc = subprocess.run([str(SERVISIM), "batch", str(path), "--out", str(tmp_path / "out"),
                           "--workers", "2", "--progress", "none"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "8/8 runs stored (8 now, 0 before), 2 failed" in proc.stdout
    _check(load_results(tmp_path / "out"), 1.5)
    proc = subprocess.run([str(SERVISIM), "batch", str(path), "--out", str(tmp_path / "flag"),
                           "--workers", "2", "--progress", "none", "--run-timeout", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    _check(load_results(tmp_path / "flag"), 1)


def test_changing_the_limit_resumes_the_same_experiment(tmp_path, in_toy_dir):
    from experiments import load_experiment

    path = tmp_path / "quick.toml"
    path.write_text(HANGS.format(timeout="").replace("hang_at = 0.5", ""))
    assert load_experiment(path).run_timeout == 600.0  # the default
    run_batch(path, tmp_path / "out", engine="sequential", progress="none")
    path.write_text(HANGS.format(timeout="run_timeout = 30").replace("hang_at = 0.5", ""))
    again = run_batch(path, tmp_path / "out", engine="sequential", progress="none")
    assert again.n_before == 8 and again.n_new == 0


@pytest.mark.distributed
def test_a_hung_run_on_dask_is_stopped_and_its_worker_replaced(tmp_path, in_toy_dir):
    summary = run_batch(_file(tmp_path), tmp_path / "out", engine="dask", workers=2,
                        progress="none", run_timeout=2)
    assert summary.complete and summary.n_failed == 2
    _check(load_results(tmp_path / "out"), 2)


TIGHT = """\
[experiment]
name = "tight"
design = "lhs"
samples = 6
replicates = 2
seed = 7
scale = 1.0
run_timeout = 0.05

[parameters]
subsidy_rate = "sa"
platform_entry_rate = "sa"
"""


def test_a_batch_whose_runs_keep_timing_out_ends_and_stores_every_run(tmp_path):
    # A full-scale run takes 0.05-0.1 s: most time out, each killing its worker while the
    # other is often idle. A broken pool of Python 3.12.0-3.12.2 then waited for the idle one
    # forever, holding the lock that shutdown() needs: the batch hung, deaf to Ctrl-C and kill.
    path = tmp_path / "tight.toml"
    path.write_text(TIGHT)
    done = subprocess.run([str(SERVISIM), "batch", str(path), "--out", str(tmp_path / "out"),
                           "--workers", "2", "--progress", "none"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "tight: 12/12 runs stored (12 now, 0 before)" in done.stdout


def test_a_fresh_process_loads_its_kernels_before_a_run_s_time_limit_starts(tmp_path):
    # in a new process the model's kernels take about a second to load on their first call:
    # a limit that stopped that halfway left numba half-imported and every later run failing
    path = tmp_path / "tight.toml"
    path.write_text(TIGHT.replace("run_timeout = 0.05", "run_timeout = 0.5"))
    done = subprocess.run([str(SERVISIM), "batch", str(path), "--out", str(tmp_path / "out"),
                           "--engine", "sequential", "--progress", "none"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "out")
    assert (results["status"] == "ok").all(), results["error"].dropna().unique()
