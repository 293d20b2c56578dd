"""The sequential engine runs one run at a time: a worker count other than 1 is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import run_batch
from experiments.cli import main
from experiments.errors import ArgumentError
from experiments.runs.engines import check_engine_options

QUICK = Path(__file__).resolve().parents[3] / "experiments" / "studies" / "quick.toml"


def test_the_command_line_refuses_workers_with_the_sequential_engine(tmp_path, capsys):
    code = main(["batch", str(QUICK), "--out", str(tmp_path / "o"), "--engine", "sequential",
                 "--workers", "4", "--progress", "none"])
    assert code == 2
    assert capsys.readouterr().err == (
        "servisim: error: --workers 4: --engine sequential runs one run at a time in this "
        "process: allowed 1, or leave --workers out; for runs in parallel use --engine local "
        "or --engine dask\n")
    assert not (tmp_path / "o").exists()


def test_every_verb_that_runs_a_batch_refuses_it_before_running(tmp_path, capsys):
    code = main(["workshop", "--quick", "--out", str(tmp_path / "w"), "--engine", "sequential",
                 "--workers", "2", "--progress", "none"])
    assert code == 2
    assert "--workers 2: --engine sequential runs one run at a time" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()


def test_the_python_api_names_the_keyword_argument(tmp_path):
    with pytest.raises(ArgumentError) as caught:
        run_batch(QUICK, tmp_path / "o", engine="sequential", workers=4, progress="none")
    assert caught.value.name == "workers"
    assert str(caught.value) == (
        "workers=4: engine='sequential' runs one run at a time in this process: allowed 1, or "
        "leave workers out; for runs in parallel use engine='local' or engine='dask'")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("workers", [0, 10_000])
def test_the_sequential_engine_names_its_own_limit_first(workers):
    # not "allowed 1 to 32 on this machine": no count but 1 means anything to it
    with pytest.raises(ArgumentError, match="allowed 1, or leave workers out"):
        check_engine_options("sequential", workers)


@pytest.mark.parametrize("workers", [None, 1])
def test_one_worker_or_none_is_still_accepted(workers):
    check_engine_options("sequential", workers)
