"""Stopping a real ``servisim batch`` (``kill -9``, ``kill``, Ctrl-C), then resuming it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from experiments import load_results, load_trajectories, run_batch
from experiments.errors import DamagedFileError
from experiments.store import Store

SERVISIM_BIN = Path(sys.executable).with_name("servisim")

TOY = """\
[experiment]
name = "resume"
design = "lhs"
samples = 60
replicates = 2
seed = 3
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]

[fixed]
sleep = 0.06
noise = 0.1
"""


def _batch(path, out, *extra):
    # two workers, but on the sequential engine, which runs one run at a time and refuses them
    workers = [] if "sequential" in extra else ["--workers", "2"]
    return [str(SERVISIM_BIN), "batch", str(path), "--out", str(out), *workers,
            "--progress", "none", *extra]


def _raw_ids(out) -> list[str]:
    return [rid for p in Store(out).parts() for rid in pd.read_parquet(p)["run_id"]]


def _started(path: Path, out: Path, cwd: Path, *extra: str, **popen) -> subprocess.Popen:
    """The toy batch of ``path`` started as a user would, once it has stored its first runs."""
    path.write_text(TOY)
    proc = subprocess.Popen(_batch(path, out, *extra), cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)
    deadline = time.monotonic() + 60
    while not Store(out).parts() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    return proc


def test_resume_after_kill_gives_identical_table(tmp_path, in_toy_dir):
    path, out = tmp_path / "resume.toml", tmp_path / "out"
    proc = _started(path, out, in_toy_dir)
    assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr}"
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)  # kill -9 of the batch, mid-batch
    proc.wait(timeout=10)
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "pool workers outlived their killed parent"

    stored = len(set(_raw_ids(out)))
    assert 0 < stored < 120
    rerun = subprocess.run(_batch(path, out), cwd=in_toy_dir, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert (f"resume: 120/120 runs stored ({120 - stored} now, {stored} before), 0 failed"
            in rerun.stdout)

    # no run missing, none twice, and the same table as an uninterrupted batch
    ids = _raw_ids(out)
    assert len(ids) == len(set(ids)) == 120
    reference = tmp_path / "reference"
    run_batch(path, reference, engine="local", workers=2, progress="none")
    pd.testing.assert_frame_equal(load_results(out).drop(columns="runtime_s"),
                                  load_results(reference).drop(columns="runtime_s"))

    # a third run has nothing left to do
    again = run_batch(path, out, progress="none")
    assert (again.n_new, again.n_before) == (0, 120)
    assert "nothing left to run" in str(again)


def test_interrupted_store_creation_is_completed(tmp_path, in_toy_dir):
    """A folder left with the plan but no spec.json (killed while creating) is reused."""
    path = tmp_path / "resume.toml"
    path.write_text(TOY.replace("samples = 60", "samples = 5").replace("sleep = 0.06", ""))
    out = tmp_path / "out"
    run_batch(path, out, engine="sequential", progress="none")
    (out / "spec.json").unlink()
    shutil.rmtree(out / "results")
    summary = run_batch(path, out, engine="sequential", progress="none")
    assert summary.complete and summary.n_new == 10


def test_kill_stops_a_batch_as_ctrl_c_does_and_the_same_command_resumes(tmp_path, in_toy_dir):
    path, out = tmp_path / "resume.toml", tmp_path / "out"
    proc = _started(path, out, in_toy_dir)
    assert proc.poll() is None, f"the batch ended before it could be stopped: {proc.stderr}"
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)  # `kill PID`
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert f"servisim batch: stopped; finished runs are saved in {out}" in stderr
    assert "Traceback" not in stderr
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "pool workers outlived the stopped batch"
    rerun = subprocess.run(_batch(path, out), cwd=in_toy_dir, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    ids = _raw_ids(out)
    assert len(ids) == len(set(ids)) == 120


def test_kill_stops_a_sequential_batch_without_storing_its_run_as_failed(tmp_path, in_toy_dir):
    # the runs go on in the batch's own process: the stop lands inside a run
    path, out = tmp_path / "resume.toml", tmp_path / "out"
    proc = _started(path, out, in_toy_dir, "--engine", "sequential")
    assert proc.poll() is None, f"the batch ended before it could be stopped: {proc.stderr}"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert f"servisim batch: stopped; finished runs are saved in {out}" in stderr
    assert load_results(out)["status"].eq("ok").all()
    rerun = subprocess.run(_batch(path, out, "--engine", "sequential"), cwd=in_toy_dir,
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0 and ", 0 failed" in rerun.stdout, rerun.stderr


def _as_from_a_terminal() -> None:
    """A process group of its own (the terminal's job), Ctrl-C not ignored whatever the runner's."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.distributed
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_ctrl_c_stops_a_batch_with_one_message_and_no_worker_traceback(tmp_path, in_toy_dir,
                                                                       engine):
    # a terminal's Ctrl-C reaches the whole foreground group: the batch and its workers
    path, out = tmp_path / "resume.toml", tmp_path / "out"
    proc = _started(path, out, in_toy_dir, "--engine", engine, preexec_fn=_as_from_a_terminal)
    assert proc.poll() is None, f"the batch ended before Ctrl-C: {proc.communicate()}"
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[0] == (f"servisim batch: stopped; finished runs are saved in "
                                      f"{out}. Run the same command again to resume.")
    _, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive, "worker processes outlived the stopped batch"


WITH_TRAJECTORIES = """\
[experiment]
name = "orphans"
design = "lhs"
samples = 3
replicates = 1
seed = 4
scale = 0.03
trajectories = true

[parameters]
subsidy_rate = [0.10, 0.40]
"""


def test_a_resumed_batch_stores_each_quarter_of_a_run_once(tmp_path):
    path, out = tmp_path / "orphans.toml", tmp_path / "out"
    path.write_text(WITH_TRAJECTORIES)
    run_batch(path, out, engine="sequential", progress="none")
    before = pd.concat(pd.read_parquet(p) for p in Store(out).parts("trajectories"))
    # killed between a chunk's two files: its trajectories written, its results not
    for part in Store(out).parts():
        part.unlink()
    rerun = run_batch(path, out, engine="sequential", progress="none")
    assert rerun.n_new == 3
    on_disk = pd.concat(pd.read_parquet(p) for p in Store(out).parts("trajectories"))
    assert len(on_disk) == len(before) == 3 * 85
    assert not on_disk.duplicated(["run_id", "quarter"]).any()


def test_a_batch_over_a_damaged_trajectory_part_names_it_and_its_remedy_works(tmp_path):
    path, out = tmp_path / "orphans.toml", tmp_path / "out"
    path.write_text(WITH_TRAJECTORIES)
    run_batch(path, out, engine="sequential", progress="none")
    part = Store(out).parts("trajectories")[0]
    part.write_bytes(part.read_bytes()[:100])
    with pytest.raises(DamagedFileError) as caught:
        run_batch(path, out, engine="sequential", progress="none")
    assert str(caught.value).startswith(f"{part}: the file is damaged (")
    part.unlink()  # what the message says: the part and its result part, then the batch
    (out / "results" / part.name).unlink()
    assert run_batch(path, out, engine="sequential", progress="none").n_new == 3
    assert len(load_trajectories(out)) == 3 * 85
