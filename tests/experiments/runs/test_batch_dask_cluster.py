"""A real multi-process Dask cluster on 127.0.0.1: a worker killed mid-batch loses no run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import load_results, run_batch
from experiments.store import Store

pytestmark = pytest.mark.distributed

DASK = Path(sys.executable).with_name("dask")

TOY = """\
[experiment]
name = "cluster"
design = "lhs"
samples = 50
replicates = 2
seed = 8
model = "servisim_toy:toy"

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]

[fixed]
sleep = 0.08
noise = 0.5
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cluster(toy_dir):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(toy_dir))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env,
             "cwd": toy_dir, "start_new_session": True}
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], **quiet)]
    for name in ("w1", "w2"):
        procs.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1",
                                       "--no-nanny", "--no-dashboard", "--name", name,
                                       "--host", "127.0.0.1"], **quiet))
    from distributed import Client

    try:
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_a_killed_dask_worker_loses_no_run(tmp_path, in_toy_dir, cluster):
    address, procs = cluster
    path = tmp_path / "cluster.toml"
    path.write_text(TOY)
    out = tmp_path / "out"
    outcome: dict = {}

    def batch() -> None:
        try:
            outcome["summary"] = run_batch(path, out, engine="dask", scheduler=address,
                                           progress="none")
        except BaseException as err:  # noqa: BLE001 - re-raised in the test thread
            outcome["error"] = err

    thread = threading.Thread(target=batch)
    thread.start()
    deadline = time.monotonic() + 60
    while not Store(out).parts() and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    assert thread.is_alive(), outcome
    stored_at_kill = len(pd.concat(pd.read_parquet(p) for p in Store(out).parts()))
    procs[1].send_signal(signal.SIGKILL)  # worker w1 dies mid-batch
    thread.join(timeout=120)
    assert not thread.is_alive() and "error" not in outcome, outcome
    assert stored_at_kill < 100

    summary = outcome["summary"]
    assert summary.complete and summary.n_failed == 0 and summary.n_new == 100
    results = load_results(out)
    assert len(results) == 100 and results["run_id"].is_unique
    assert (results["status"] == "ok").all()
    reference = tmp_path / "reference"
    run_batch(path, reference, engine="local", workers=2, progress="none")
    pd.testing.assert_frame_equal(results.drop(columns="runtime_s"),
                                  load_results(reference).drop(columns="runtime_s"))
