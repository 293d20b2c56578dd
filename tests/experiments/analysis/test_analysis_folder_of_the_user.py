"""``servisim analyze`` replaces only an analysis it wrote, and never removes a file of the user's.

Each test copies one finished, analysed toy batch; a refusal must be one line, exit code 2, and
leave every file of the batch folder as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import analyze
from experiments.analysis_folder import remove_stale_analyses
from experiments.cli import main
from experiments.errors import OutputPathError


@pytest.fixture(scope="module")
def analysed(analysed_toy_batch, tmp_path_factory) -> Path:
    """A finished toy batch with its analysis (figures included), copied by each test."""
    return analysed_toy_batch(tmp_path_factory.mktemp("analysed"), "mine")


@pytest.fixture
def batch(analysed, tmp_path) -> Path:
    shutil.copytree(analysed, tmp_path / "batch")
    return tmp_path / "batch"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _refused(batch: Path, capsys, *extra: str) -> str:
    before = _snapshot(batch)
    code = main(["analyze", str(batch), *extra])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("servisim: error: ")
    assert _snapshot(batch) == before
    return lines[0]


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_a_file_of_the_user_in_analysis_is_named_and_kept(batch, capsys):
    (batch / "analysis" / "my_analysis.R").write_text("mine")
    line = _refused(batch, capsys)
    assert (f"{batch / 'analysis'}: holds files servisim did not write (my_analysis.R); move "
            "them out of the way, then run analyze again") in line


def test_files_of_the_user_beside_the_tables_and_figures_are_kept_without_figures(batch,
                                                                                  capsys):
    (batch / "analysis" / "mynotes.txt").write_text("n")
    (batch / "analysis" / "figures" / "my.png").write_bytes(b"i")
    line = _refused(batch, capsys, "--no-figures")
    assert "(figures/my.png, mynotes.txt)" in line


def test_a_folder_of_the_user_inside_analysis_is_named_once(batch, capsys):
    (batch / "analysis" / "drafts").mkdir()
    (batch / "analysis" / "drafts" / "a.txt").write_text("a")
    assert "(drafts/)" in _refused(batch, capsys)


def test_a_file_named_analysis_is_refused_and_kept_where_it_is(batch, capsys):
    shutil.rmtree(batch / "analysis")
    (batch / "analysis").write_text("mine")
    line = _refused(batch, capsys)
    assert f"{batch / 'analysis'}: is a file, not the folder servisim analyze writes" in line
    assert not [p.name for p in batch.iterdir() if p.name.startswith(".analysis")]


def test_a_link_named_analysis_is_refused_and_its_target_kept(batch, tmp_path, capsys):
    shutil.move(batch / "analysis", tmp_path / "elsewhere")
    (batch / "analysis").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "mine.txt").write_text("mine")
    assert "is a link, not the folder servisim analyze writes" in _refused(batch, capsys)
    assert (tmp_path / "elsewhere" / "mine.txt").read_text() == "mine"


def test_an_analysis_servisim_wrote_is_replaced_even_without_its_figures(batch, capsys):
    assert main(["analyze", str(batch), "--no-figures"]) == 0
    assert (batch / "analysis" / "summary.json").is_file()
    assert not list((batch / "analysis" / "figures").iterdir())
    assert not [p.name for p in batch.iterdir() if p.name.startswith(".analysis")]


def test_a_hidden_folder_of_the_user_named_like_analysis_is_kept(batch):
    (batch / ".analysis-keep").mkdir()
    (batch / ".analysis-keep" / "f").write_text("k")
    analyze(batch, figures=False)
    assert (batch / ".analysis-keep" / "f").read_text() == "k"


def test_an_empty_hidden_folder_of_the_user_not_named_as_servisim_names_them_is_kept(batch):
    (batch / ".analysis-keep").mkdir()
    analyze(batch, figures=False)
    assert (batch / ".analysis-keep").is_dir()


def test_a_killed_analysis_temporary_holding_a_file_of_the_user_is_kept(batch):
    stale = batch / f".analysis.{_dead_pid()}.tmp"
    (stale / "analysis").mkdir(parents=True)
    (stale / "analysis" / "mine.txt").write_text("mine")
    analyze(batch, figures=False)
    assert (stale / "analysis" / "mine.txt").read_text() == "mine"


def test_a_killed_analysis_temporary_is_removed(batch):
    stale = batch / f".analysis.{_dead_pid()}.tmp"
    shutil.copytree(batch / "analysis", stale / "analysis")
    analyze(batch, figures=False)
    assert not stale.exists()


def test_an_analysis_killed_between_the_renames_of_its_swap_gets_the_previous_one_back(batch):
    before = _snapshot(batch / "analysis")
    os.replace(batch / "analysis", batch / f".analysis-old.{_dead_pid()}.tmp")
    remove_stale_analyses(batch / "analysis")
    assert _snapshot(batch / "analysis") == before
    assert not [p.name for p in batch.iterdir() if p.name.startswith(".analysis")]


def test_report_refuses_the_same_way_and_keeps_the_file(batch, capsys):
    (batch / "analysis" / "my_analysis.R").write_text("mine")
    (batch / "analysis" / "summary.json").unlink()  # so the report analyses again
    before = _snapshot(batch)
    code = main(["report", str(batch), "--out", str(batch.parent / "r.html")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2  # after the report's "analysing ..." line, one error line
    assert lines[-1].startswith("servisim: error: ")
    assert "holds files servisim did not write (my_analysis.R)" in lines[-1]
    assert _snapshot(batch) == before


def test_a_file_of_the_user_is_found_before_the_runs_are_analysed(batch, monkeypatch):
    import experiments.analysis as analysis

    def analysed_anyway(*args, **kwargs):
        raise AssertionError("the runs were analysed before the folder was checked")

    monkeypatch.setattr(analysis, "sensitivity", analysed_anyway)
    (batch / "analysis" / "my_analysis.R").write_text("mine")
    with pytest.raises(OutputPathError, match="holds files servisim did not write"):
        analyze(batch)
    assert (batch / "analysis" / "my_analysis.R").read_text() == "mine"
