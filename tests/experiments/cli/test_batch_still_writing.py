"""Analyze or report a batch that another batch is still writing: say so, name it, say what to do.

Without a batch holding the folder's lock, a partly finished batch keeps its usual note.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from experiments.cli import main

HOLD = """\
import sys
from experiments.files import FolderLock
with FolderLock(sys.argv[1], "servisim batch"):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def partial_batch(analysed_toy_batch, tmp_path) -> Path:
    """A 12-run toy batch of which 8 runs are stored, as while its batch runs."""
    out = analysed_toy_batch(tmp_path, "writing", figures=False)
    parts = sorted((out / "results").glob("part-*.parquet"))
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    for part in parts:
        part.unlink()
    pq.write_table(table.slice(0, 8), out / "results" / "part-0.parquet")
    return out


@pytest.fixture
def holding():
    """Hold a folder's lock from another process, as a running batch does: ``hold(folder)``."""
    procs = []

    def hold(folder: Path) -> int:
        proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline() == "held\n"
        return proc.pid

    yield hold
    for proc in procs:
        proc.communicate("", timeout=30)


@pytest.fixture
def held(partial_batch, holding):
    """The partial batch's folder held by another process: its pid."""
    return holding(partial_batch)


def _empty(out: Path) -> Path:
    """The batch with no run stored yet, as in its first seconds."""
    for part in (out / "results").glob("part-*.parquet"):
        part.unlink()
    return out


def test_analyze_names_the_batch_still_writing_and_what_to_do(partial_batch, held, capsys):
    assert main(["analyze", str(partial_batch), "--no-figures"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "partly finished" in ln]
    assert len(lines) == 1
    assert lines[0].startswith("note: the batch is partly finished: 8 of 12 runs done; this "
                               "analysis uses the finished runs only; a servisim batch is "
                               f"still writing to this folder (pid {held} on ")
    assert f"{partial_batch}`, since " in lines[0]  # the holder's command, as the lock has it
    assert lines[0].endswith("): wait for it to finish, or resume it if it was stopped (`fg` "
                             "in its shell, or `kill -CONT` its pid), then run servisim "
                             "analyze again")


def test_report_says_it_shows_the_runs_so_far_of_a_batch_still_writing(partial_batch, held,
                                                                        capsys):
    assert main(["report", str(partial_batch), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"servisim report: wrote {partial_batch / 'report-en.html'}\n"
    assert (f"servisim report: the experiment is not finished: the report shows the 8 of 12 "
            f"runs stored so far; a servisim batch is still writing to this folder (pid {held} "
            "on ") in captured.err
    assert "then run servisim report again" in captured.err


def test_a_stopped_batch_keeps_the_usual_note(partial_batch, capsys):
    assert main(["analyze", str(partial_batch), "--no-figures"]) == 0
    out = capsys.readouterr().out
    assert ("note: the batch is partly finished: 8 of 12 runs done; this analysis uses the "
            "finished runs only\n") in out
    assert "still writing" not in out
    assert main(["report", str(partial_batch), "--lang", "en"]) == 0
    assert "still writing" not in capsys.readouterr().err


def test_a_finished_batch_under_a_lock_gets_no_note(analysed_toy_batch, tmp_path, capsys):
    out = analysed_toy_batch(tmp_path, "done", figures=False)
    from experiments.files import FolderLock

    with FolderLock(out, "servisim batch"):  # a batch resuming a complete folder
        assert main(["analyze", str(out), "--no-figures"]) == 0
    assert "still writing" not in capsys.readouterr().out


@pytest.mark.parametrize("verb", ["analyze", "report"])
def test_no_run_yet_under_a_batch_says_wait_not_run_the_batch(partial_batch, holding, capsys,
                                                               verb):
    pid = holding(_empty(partial_batch))
    assert main([verb, str(partial_batch)]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"servisim: error: {partial_batch}: no run has finished yet; a "
                          f"servisim batch is still writing to this folder (pid {pid} on ")
    assert err.endswith(f"then run servisim {verb} again")
    assert "to finish the batch" not in err  # the folder's advice: the lock would refuse it


def test_no_run_yet_without_a_batch_keeps_the_resume_hint(partial_batch, capsys):
    assert main(["analyze", str(_empty(partial_batch))]) == 2
    assert capsys.readouterr().err == (
        f"servisim: error: {partial_batch}: no run has finished yet (0 of 12); run "
        f"`servisim batch exp.toml --out {partial_batch}` to finish the batch\n")
