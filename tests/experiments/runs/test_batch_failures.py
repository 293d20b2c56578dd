"""Runs that misbehave are stored as failed with the reason; batches and analyses always end."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from experiments import analyze, load_results, run_batch
from experiments.cli import main
from experiments.files import atomic_parquet
from experiments.schema import results_schema
from experiments.store import Store

SERVISIM = Path(sys.executable).with_name("servisim")
DASK = Path(sys.executable).with_name("dask")

GRID = """\
[experiment]
name = "misbehaves"
design = "grid"
replicates = 1
seed = 6
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 0.25, 0.5, 0.75]
b = [0.0, 1.0]

[fixed]
{fixed}
"""


def _grid(tmp_path, fixed: str) -> Path:
    path = tmp_path / "misbehaves.toml"
    path.write_text(GRID.format(fixed=fixed))
    return path


@pytest.mark.parametrize("engine", ["sequential", "local"])
def test_a_model_raising_keyboard_interrupt_is_a_failed_run_not_a_stop(tmp_path, in_toy_dir,
                                                                       capsys, engine):
    path = _grid(tmp_path, "interrupt_at = 0.5")
    code = main(["batch", str(path), "--out", str(tmp_path / "out"), "--engine", engine,
                 "--progress", "none"])
    assert code == 0
    assert "8/8 runs stored (8 now, 0 before), 2 failed" in capsys.readouterr().out
    results = load_results(tmp_path / "out")
    bad = results["a"] == 0.5
    assert (results.loc[bad, "status"] == "failed").all()
    assert results.loc[bad, "error"].str.startswith(
        "KeyboardInterrupt: the model raised it (at servisim_toy.py:").all()
    assert (results.loc[~bad, "status"] == "ok").all()


def test_nan_and_infinite_outcomes_are_failed_runs_with_the_reason(tmp_path, in_toy_dir):
    summary = run_batch(_grid(tmp_path, "nan_at = 0.25"), tmp_path / "out", engine="local",
                        workers=2, progress="none")
    assert summary.n_failed == 2
    results = load_results(tmp_path / "out").set_index(["a", "b"])
    assert results.loc[(0.25, 0.0), "error"] == (
        "ValueError: outcome 'y' is nan; a model must return finite numbers (raise an error "
        "for a run that has no value)")
    assert results.loc[(0.25, 1.0), "error"].startswith("ValueError: outcome 'y' is inf")
    assert (results.drop(index=0.25, level="a")["status"] == "ok").all()


def _dies(tmp_path, engine: str, **options) -> tuple:
    log = tmp_path / f"deaths-{engine}.log"
    path = _grid(tmp_path, f'die_at = 0.5\ndie_log = "{log}"')
    path.write_text(path.read_text().replace("b = [0.0, 1.0]", "b = [0.0]"))
    started = time.monotonic()
    summary = run_batch(path, tmp_path / engine, engine=engine, progress="none", **options)
    return summary, time.monotonic() - started, log.read_text().split()


def test_a_run_that_kills_its_worker_fails_after_three_tries_on_the_local_pool(tmp_path,
                                                                                in_toy_dir):
    summary, _, deaths = _dies(tmp_path, "local", workers=2)
    assert summary.complete and summary.n_failed == 1 and len(deaths) == 3
    failed = load_results(tmp_path / "local").query("status == 'failed'")
    assert failed["error"].tolist() == ["the worker process died while running this run, 3 "
                                        "times (BrokenProcessPool)"]


@pytest.mark.distributed
def test_a_run_that_kills_its_dask_worker_fails_after_the_same_three_tries(tmp_path,
                                                                          in_toy_dir):
    summary, seconds, deaths = _dies(tmp_path, "dask", workers=2)
    assert summary.complete and summary.n_failed == 1 and len(deaths) == 3
    assert seconds < 120
    failed = load_results(tmp_path / "dask").query("status == 'failed'")
    assert failed["error"].tolist() == ["the worker process died while running this run, 3 "
                                        "times (KilledWorker)"]
    assert (load_results(tmp_path / "dask").query("a != 0.5")["status"] == "ok").all()


@pytest.mark.distributed
def test_a_scheduler_without_workers_is_reported_after_a_short_wait(tmp_path, toy_dir):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    batch = None
    try:
        path = _grid(tmp_path, "")
        env = {**os.environ, "PYTHONPATH": str(toy_dir)}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the scheduler is listening
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        batch = subprocess.Popen([str(SERVISIM), "batch", str(path), "--out",
                                  str(tmp_path / "out"), "--scheduler", address, "--progress",
                                  "none"], env=env, stderr=subprocess.PIPE, text=True,
                                 start_new_session=True)
        ready, _, _ = select.select([batch.stderr], [], [], 40)
        assert ready, "no word after 40 s"
        line = batch.stderr.readline()
        assert line.startswith(f"servisim: no Dask worker is connected to {address} (waited ")
        assert f"start workers with `dask worker {address}`" in line
        assert batch.poll() is None  # still waiting for workers, as a cluster job would
    finally:
        for proc in (batch, scheduler):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


def test_a_killed_analysis_leaves_no_hidden_folder_after_the_next_one(tmp_path, in_toy_dir):
    path = tmp_path / "lhs.toml"
    path.write_text(GRID.format(fixed="").replace('design = "grid"', 'design = "lhs"\n'
                                                   'samples = 60').replace(
        "a = [0.0, 0.25, 0.5, 0.75]", "a = [0.0, 1.0]"))
    out = tmp_path / "out"
    run_batch(path, out, engine="local", workers=2, progress="none")
    analysis = subprocess.Popen([str(SERVISIM), "analyze", str(out)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(out.glob(".analysis*")) and time.monotonic() < deadline \
            and analysis.poll() is None:
        time.sleep(0.005)
    analysis.send_signal(signal.SIGKILL)
    analysis.wait(timeout=30)
    assert list(out.glob(".analysis*")), "the analysis ended before it could be killed"
    # as the analysis of an older version left them (tempfile's 8 random characters)
    (out / ".analysis-k2j4_x9q").mkdir()
    analyze(out, figures=False)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert (out / "analysis" / "summary.json").is_file()


def test_resuming_reads_the_stored_plan_instead_of_drawing_the_design(tmp_path, in_toy_dir,
                                                                      monkeypatch):
    import experiments.runs.batch as batch

    path = tmp_path / "lhs.toml"
    path.write_text(GRID.format(fixed="").replace('design = "grid"', 'design = "lhs"\n'
                                                   'samples = 2000').replace(
        "a = [0.0, 0.25, 0.5, 0.75]", "a = [0.0, 1.0]"))
    run_batch(path, tmp_path / "out", engine="sequential", progress="none")
    first = load_results(tmp_path / "out")

    def never(*args, **kwargs):
        raise AssertionError("the design was drawn again")

    monkeypatch.setattr(batch, "build_design", never)
    monkeypatch.setattr(batch, "build_plan", never)
    again = run_batch(path, tmp_path / "out", engine="sequential", progress="none")
    assert again.n_new == 0 and again.n_before == 2000
    assert load_results(tmp_path / "out")["run_id"].tolist() == first["run_id"].tolist()


def test_load_results_of_twenty_thousand_outcomes_takes_seconds(tmp_path):
    runs, outcomes = 1000, [f"outcome_{i}" for i in range(20_000)]
    spec = {"name": "wide", "kinds": {"a": "float"}, "outcomes": outcomes, "n_runs": runs}
    root = tmp_path / "wide"
    (root / "results").mkdir(parents=True)
    (root / "spec.json").write_text(json.dumps(spec))
    rng = np.random.default_rng(1)
    columns = {"run_id": [f"r{i:05d}" for i in range(runs)], "point_id": np.arange(runs),
               "replicate": np.zeros(runs, dtype=np.int64), "seed": np.arange(runs),
               "a": rng.random(runs)}
    columns.update({name: rng.random(runs) for name in outcomes})
    columns.update({"scenario": ["low"] * runs, "plausible": [True] * runs,
                    "implausibility": np.zeros(runs), "history_misses": [""] * runs,
                    "status": ["ok"] * runs,
                    "error": pa.nulls(runs, pa.string()), "runtime_s": np.zeros(runs)})
    table = pa.table(columns, schema=results_schema(spec))
    for k, start in enumerate(range(0, runs, 250)):
        atomic_parquet(table.slice(start, 250), root / "results" / f"part-{k:020d}-1.parquet")
    assert len(Store(root).parts()) == 4
    started = time.perf_counter()
    frame = load_results(root)
    seconds = time.perf_counter() - started
    assert frame.shape == (runs, 20_012)
    assert frame["outcome_19999"].tolist() == table["outcome_19999"].to_pylist()
    assert seconds < 20, f"{seconds:.1f} s"


@pytest.mark.distributed
def test_a_local_cluster_that_lost_all_its_workers_is_started_again(tmp_path, in_toy_dir,
                                                                    monkeypatch, capsys):
    import threading

    import experiments.runs.batch as batch

    engines = []
    real = batch.open_engine
    monkeypatch.setattr(batch, "open_engine",
                        lambda *a, **k: engines.append(real(*a, **k)) or engines[-1])
    path = _grid(tmp_path, "sleep = 0.3")
    path.write_text(path.read_text().replace("b = [0.0, 1.0]", "b = [0.0, 0.2, 0.4, 0.6, 0.8]"))
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(summary=run_batch(
        path, tmp_path / "out", engine="dask", workers=2, progress="none")), daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not (engines and Store(tmp_path / "out").parts()) and time.monotonic() < deadline:
        time.sleep(0.05)
    engines[0].cluster.scale(0)  # every worker gone, as when the nannies stop restarting
    thread.join(timeout=120)
    assert not thread.is_alive(), "the batch waited forever for workers"
    summary = outcome["summary"]
    assert summary.complete and summary.n_failed == 0 and summary.n_runs == 20
    assert "no Dask worker is connected to the LocalCluster" in capsys.readouterr().err
