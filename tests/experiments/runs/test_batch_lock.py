"""One batch at a time per folder: a second is refused naming the first; a killed one's lock is
taken over; two experiments started together never mix in one table."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from experiments import load_results
from experiments.store import Store

SERVISIM = Path(sys.executable).with_name("servisim")
LOCK = ".servisim.lock"  # experiments.files.LOCK

SLOW = """\
[experiment]
name = "locked"
design = "lhs"
samples = {samples}
replicates = 1
seed = {seed}
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]

[fixed]
sleep = {sleep}
"""


def _write(tmp_path, name="slow.toml", samples=60, seed=1, sleep=0.1):
    path = tmp_path / name
    path.write_text(SLOW.format(samples=samples, seed=seed, sleep=sleep))
    return path


def _start(path, out, cwd):
    return subprocess.Popen([str(SERVISIM), "batch", str(path), "--out", str(out), "--workers",
                             "1", "--progress", "none"], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(condition, proc, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    assert condition()


def test_a_second_batch_on_a_locked_folder_is_refused_naming_the_first(tmp_path, in_toy_dir):
    path = _write(tmp_path)
    out = tmp_path / "out"
    first = _start(path, out, in_toy_dir)
    try:
        _wait_for(lambda: (out / LOCK).exists() and (out / "spec.json").exists(), first)
        second = subprocess.run([str(SERVISIM), "batch", str(path), "--out", str(out),
                                 "--progress", "none"], cwd=in_toy_dir, capture_output=True,
                                text=True, timeout=120)
        lines = second.stderr.strip().splitlines()
        assert second.returncode == 2 and len(lines) == 1, second.stderr
        assert lines[0].startswith(f"servisim: error: --out {out}: another servisim process is "
                                   f"writing to this folder (pid {first.pid} on ")
        assert "wait for it to finish, or stop it and run the same command again" in lines[0]
    finally:
        stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert "60/60 runs stored (60 now, 0 before), 0 failed" in stdout
    results = load_results(out)
    assert len(results) == 60 and results["run_id"].is_unique
    assert not (out / LOCK).exists()  # released and removed at the end


def test_the_lock_of_a_killed_batch_is_taken_over(tmp_path, in_toy_dir):
    path = _write(tmp_path)
    out = tmp_path / "out"
    proc = _start(path, out, in_toy_dir)
    _wait_for(lambda: bool(Store(out).parts()), proc)
    for child in psutil.Process(proc.pid).children(recursive=True):
        child.send_signal(signal.SIGKILL)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    holder = json.loads((out / LOCK).read_text())
    assert holder["pid"] == proc.pid and not psutil.pid_exists(proc.pid)
    rerun = subprocess.run([str(SERVISIM), "batch", str(path), "--out", str(out), "--workers",
                            "2", "--progress", "none"], cwd=in_toy_dir, capture_output=True,
                           text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert "60/60 runs stored" in rerun.stdout and rerun.stderr == ""
    assert len(load_results(out)) == 60


def test_two_experiments_started_together_never_share_a_folder(tmp_path, in_toy_dir):
    out = tmp_path / "out"
    paths = [_write(tmp_path, f"seed{s}.toml", samples=40, seed=s, sleep=0.01) for s in (1, 2)]
    procs = [_start(p, out, in_toy_dir) for p in paths]
    outcomes = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    codes = sorted(code for _, _, code in outcomes)
    assert codes == [0, 2], outcomes
    refused = next(err for _, err, code in outcomes if code == 2)
    assert ("another servisim process is writing to this folder" in refused
            or "holds results of a different experiment" in refused), refused
    winner = next(i for i, (_, _, code) in enumerate(outcomes) if code == 0)
    results = load_results(out)
    plan = pd.read_parquet(out / "runs.parquet")
    assert len(results) == 40 and results["run_id"].tolist() == plan["run_id"].tolist()
    assert json.loads((out / "spec.json").read_text())["seed"] == winner + 1


def test_a_folder_a_batch_is_still_making_is_said_to_be_in_use_not_foreign(tmp_path,
                                                                          in_toy_dir):
    # the moment two batches race to: the first holds the lock and has written its design,
    # not yet its spec.json
    from experiments import run_batch
    from experiments.errors import FolderLockedError
    from experiments.files import FolderLock

    out = tmp_path / "out"
    with FolderLock(out, "servisim batch"):
        (out / "experiment.toml").write_text(SLOW.format(samples=4, seed=1, sleep=0))
        (out / "samples.parquet").write_bytes(b"partly written")
        with pytest.raises(FolderLockedError, match="another servisim process is writing"):
            run_batch(_write(tmp_path, seed=2, sleep=0), out, progress="none")


@pytest.mark.parametrize("content", ["[1, 2]", '"a text"', "42", "null"])
def test_a_held_lock_whose_file_is_not_a_json_object_is_named_with_question_marks(tmp_path,
                                                                                content):
    import fcntl
    import os

    from experiments.files import FolderLock

    (tmp_path / LOCK).write_text(content)
    fd = os.open(tmp_path / LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another open file: held as another process holds it
        assert FolderLock(tmp_path).holder() == "pid ? on ?, `?`, since ?"
    finally:
        os.close(fd)
