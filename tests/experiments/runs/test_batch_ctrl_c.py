"""Ctrl-C at a terminal during ``servisim batch``: one message, no traceback, on every engine.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group: the batch and each of
its worker processes. The batch stops its workers itself; the workers must stay quiet.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from experiments.store import Store

SERVISIM_BIN = Path(sys.executable).with_name("servisim")

TOY = """\
[experiment]
name = "ctrl-c"
design = "lhs"
samples = 60
replicates = 2
seed = 5
model = "servisim_toy:toy"

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]

[fixed]
sleep = 0.06
noise = 0.1
"""


def _as_from_a_terminal() -> None:
    """A process group of its own (the terminal's job), Ctrl-C not ignored whatever the runner's."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.distributed
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_ctrl_c_stops_a_batch_with_one_message_and_no_worker_traceback(tmp_path, in_toy_dir,
                                                                       engine):
    path, out = tmp_path / "ctrl-c.toml", tmp_path / "out"
    path.write_text(TOY)
    proc = subprocess.Popen(
        [str(SERVISIM_BIN), "batch", str(path), "--out", str(out), "--engine", engine,
         "--workers", "2", "--progress", "none"],
        cwd=in_toy_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_as_from_a_terminal)
    deadline = time.monotonic() + 90
    while not Store(out).parts() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
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
