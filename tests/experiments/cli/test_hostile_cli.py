"""A careful but hostile user, through the real ``servisim`` command: every case ends in one line.

Each case runs ``.venv/bin/servisim`` in a fresh folder and must give exactly one line on
stderr (``servisim: error: ...`` naming the path or field and what to do), exit code 2, and
leave every file of the folder as it was: no user file replaced, hidden, or half-written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SERVISIM = Path(sys.executable).with_name("servisim")

@pytest.fixture(scope="module")
def finished_batch(analysed_toy_batch, tmp_path_factory) -> Path:
    """A finished, analysed 12-run batch of the toy model (copied by each case)."""
    return analysed_toy_batch(tmp_path_factory.mktemp("hostile"), "hostile",
                              figures=False).parent


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- what each case puts in its folder --------------------------------------------------------
def nothing(tmp: Path, batch: Path) -> None:
    """An empty folder."""


def user_folder(tmp: Path, batch: Path) -> None:
    (tmp / "mine").mkdir()
    (tmp / "mine" / "thesis.txt").write_text("two years of work")


def user_file(tmp: Path, batch: Path) -> None:
    (tmp / "thesis.txt").write_text("two years of work")
    (tmp / "thesis.html").write_text("<html>my notes</html>")


def in_subfolder(tmp: Path, batch: Path) -> None:
    user_file(tmp, batch)
    (tmp / "sub").mkdir()
    (tmp / "sub" / "notes.txt").write_text("mine")


def a_batch(tmp: Path, batch: Path) -> None:
    shutil.copytree(batch / "batch", tmp / "batch")
    shutil.copy(batch / "exp.toml", tmp / "exp.toml")
    shutil.copy(batch / "servisim_toy.py", tmp)


def damaged_spec(tmp: Path, batch: Path) -> None:
    a_batch(tmp, batch)
    (tmp / "batch" / "spec.json").write_text('{"name": "hostile", "kinds": ')


def truncated_part(tmp: Path, batch: Path) -> None:
    a_batch(tmp, batch)
    part = sorted((tmp / "batch" / "results").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])


def garbage_part(tmp: Path, batch: Path) -> None:
    a_batch(tmp, batch)
    (tmp / "batch" / "results" / "part-99999999999999999999-1.parquet").write_text("garbage")


def experiment(**changes: str):
    """An experiment file: the toy study with lines replaced (``key=line``)."""

    def setup(tmp: Path, batch: Path) -> None:
        text = (batch / "exp.toml").read_text()  # the toy study the batch ran
        for old, new in changes.items():
            text = "\n".join(new if line.startswith(f"{old} ") else line
                             for line in text.splitlines()) + "\n"
        (tmp / "exp.toml").write_text(text)
        shutil.copy(batch / "servisim_toy.py", tmp)
        (tmp / "mymod.py").write_text("from os import system\n\n\ndef f(params, seed):\n"
                                      "    return {'y': 1.0}\n")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "cwdmod.py").write_text("def f(params, seed):\n    return {'y': 1.0}\n")

    return setup


def grid_of(levels: int, parameters: int):
    def setup(tmp: Path, batch: Path) -> None:
        values = ", ".join(str(i) for i in range(levels))
        table = "".join(f"p{k} = [{values}]\n" for k in range(parameters))
        shutil.copy(batch / "servisim_toy.py", tmp)
        study = (batch / "exp.toml").read_text()
        (tmp / "exp.toml").write_text(study.split("[parameters]")[0].replace(
            'design = "lhs"', 'design = "grid"').replace("samples = 12\n", "")
            + "[parameters]\n" + table)

    return setup


# id, setup, arguments, working folder (under tmp), what the one line must say
def run_files_without_the_mark(tmp: Path, batch: Path) -> None:
    (tmp / "w").mkdir()
    (tmp / "w" / "indicators.json").write_text('{"mine": 1}')


def link_to_nothing(tmp: Path, batch: Path) -> None:
    (tmp / "dl").symlink_to("nowhere")


CASES = [
    ("run-out-folder-of-the-user", user_folder, ["run", "--out", "mine"], ".",
     "--out mine: the folder holds thesis.txt, not written by servisim run"),
    ("run-out-run-files-without-the-mark", run_files_without_the_mark, ["run", "--out", "w"],
     ".", "--out w: the folder holds indicators.json, not written by servisim run"),
    ("run-out-a-link-to-nothing", link_to_nothing, ["run", "--out", "dl"], ".",
     "--out dl: is a link to nothing (nowhere)"),
    ("run-out-a-batch-folder", a_batch, ["run", "--out", "batch"], ".",
     "--out batch: is a batch folder"),
    ("run-out-a-file", user_file, ["run", "--out", "thesis.txt"], ".",
     "--out thesis.txt: is a file, not a folder"),
    ("run-out-empty", user_file, ["run", "--out", ""], ".", "--out '': empty path"),
    ("run-out-dot", user_file, ["run", "--out", "."], ".",
     "--out .: the folder holds thesis.html, thesis.txt"),
    ("run-out-dotdot", in_subfolder, ["run", "--out", ".."], "sub",
     "--out ..: the folder holds sub, thesis.html, thesis.txt"),
    ("run-negative-seed", nothing, ["run", "--seed", "-1", "--out", "r"], ".",
     "--seed: -1 is out of range; allowed a whole number >= 0"),
    ("report-over-the-batch-spec", a_batch, ["report", "batch", "--out", "batch/spec.json"],
     ".", "--out batch/spec.json: is one of the batch folder's own files"),
    ("report-default-file-is-a-folder", lambda t, b: (a_batch(t, b),
                                                      (t / "batch" / "report-fr.html").mkdir()),
     ["report", "batch"], ".", "batch/report-fr.html (the default of --out): is a folder; give "
                               "a file name such as report.html"),
    ("report-over-a-user-file", lambda t, b: (a_batch(t, b), user_file(t, b)),
     ["report", "batch", "--out", "thesis.html"], ".",
     "--out thesis.html: the file exists and is not a servisim report"),
    ("scheduler-not-an-address", experiment(), ["batch", "exp.toml", "--out", "o",
                                                "--scheduler", "notaurl"], ".",
     "--scheduler notaurl: not a Dask scheduler address; expected tcp://HOST:PORT"),
    ("model-from-the-standard-library", experiment(model='model = "subprocess:call"'),
     ["batch", "exp.toml", "--out", "o"], ".",
     "module 'subprocess' is part of Python's standard library, not a model of your own"),
    ("model-from-an-installed-package", experiment(model='model = "numpy:sum"'),
     ["batch", "exp.toml", "--out", "o"], ".", "module 'numpy' is part of the installed package"),
    ("model-a-function-it-only-imports", experiment(model='model = "mymod:system"'),
     ["batch", "exp.toml", "--out", "o"], ".", "which 'mymod' only imports; a model must be a "
                                               "function defined in your own module"),
    ("model-only-in-the-working-folder", experiment(model='model = "cwdmod:f"'),
     ["batch", "../exp.toml", "--out", "o"], "sub",
     "module 'cwdmod' not found; a model must be a module of your own"),
    ("lhs-of-a-billion-points", experiment(samples="samples = 1000000000"),
     ["batch", "exp.toml", "--out", "o"], ".",
     "key 'samples' in [experiment]: the lhs design has 1,000,000,000 runs"),
    ("sobol-base-of-2-to-the-30", experiment(design='design = "sobol"',
                                             samples="samples = 1073741824"),
     ["batch", "exp.toml", "--out", "o"], ".",
     "the sobol design has 6,442,450,944 runs (6,442,450,944 points); planning them takes "
     "about"),
    ("grid-of-ten-billion-points", grid_of(100, 5), ["batch", "exp.toml", "--out", "o"], ".",
     "table [parameters]: the grid design has 10,000,000,000 runs"),
    ("max-runs-below-the-plan", experiment(), ["batch", "exp.toml", "--out", "o",
                                               "--max-runs", "5"], ".",
     "the lhs design has 12 runs (12 points); planning them takes about"),
    ("max-runs-zero", experiment(), ["batch", "exp.toml", "--out", "o", "--max-runs", "0"],
     ".", "--max-runs 0: allowed a whole number >= 1"),
    ("run-timeout-zero-in-the-file", experiment(seed="seed = 4\nrun_timeout = 0"),
     ["batch", "exp.toml", "--out", "o"], ".",
     "key 'run_timeout' in [experiment]: 0 is not allowed; allowed a finite number of "
     "seconds > 0"),
    ("run-timeout-negative-flag", experiment(), ["batch", "exp.toml", "--out", "o",
                                                 "--run-timeout", "-1"], ".",
     "--run-timeout -1: allowed a finite number of seconds > 0"),
    ("run-timeout-infinite-flag", experiment(), ["batch", "exp.toml", "--out", "o",
                                                 "--run-timeout", "inf"], ".",
     "--run-timeout inf: allowed a finite number of seconds > 0"),
    ("damaged-spec-on-batch-rerun", damaged_spec, ["batch", "exp.toml", "--out", "batch"],
     ".", "batch/spec.json: the file is damaged"),
    ("damaged-spec-on-analyze", damaged_spec, ["analyze", "batch"], ".",
     "batch/spec.json: the file is damaged"),
    ("damaged-spec-on-report", damaged_spec, ["report", "batch"], ".",
     "batch/spec.json: the file is damaged"),
    ("truncated-part-on-batch-rerun", truncated_part, ["batch", "exp.toml", "--out", "batch"],
     ".", ".parquet: the file is damaged"),
    ("truncated-part-on-analyze", truncated_part, ["analyze", "batch"], ".",
     ".parquet: the file is damaged"),
    ("garbage-part-on-report", garbage_part, ["report", "batch"], ".",
     "part-99999999999999999999-1.parquet: the file is damaged"),
]


@pytest.mark.parametrize(("setup", "args", "cwd", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_hostile_input_gives_one_line_exit_2_and_changes_no_file(tmp_path, finished_batch,
                                                                  setup, args, cwd, message):
    setup(tmp_path, finished_batch)
    before = _snapshot(tmp_path)
    top = sorted(p.name for p in tmp_path.iterdir())
    env = {**os.environ, "CI": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([str(SERVISIM), *args], cwd=tmp_path / cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("servisim: error: "), proc.stderr
    assert message in lines[0]
    assert proc.stdout == ""  # refused before anything ran
    assert _snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == top


def test_a_damaged_part_message_says_to_delete_that_file_and_rerun(tmp_path, finished_batch):
    truncated_part(tmp_path, finished_batch)
    env = {**os.environ, "CI": "1"}
    proc = subprocess.run([str(SERVISIM), "analyze", "batch"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    part = sorted((tmp_path / "batch" / "results").glob("part-*.parquet"))[0]
    assert f"batch/results/{part.name}: the file is damaged" in proc.stderr
    assert "delete it and run the same `servisim batch EXPERIMENT.toml --out batch` again" \
        in proc.stderr
    part.unlink()
    rerun = subprocess.run([str(SERVISIM), "batch", "exp.toml", "--out", "batch"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert "12/12 runs stored" in rerun.stdout


def test_the_advice_for_a_damaged_spec_followed_as_written_resumes_a_custom_model_batch(
        tmp_path, finished_batch):
    # The model sits beside the user's experiment file, not beside the batch folder's copy.
    damaged_spec(tmp_path, finished_batch)
    env = {**os.environ, "CI": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([str(SERVISIM), "analyze", "batch"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "batch/spec.json: the file is damaged" in proc.stderr
    advice = proc.stderr.split("`")[1].split()
    assert advice[:2] == ["servisim", "batch"], proc.stderr
    (tmp_path / "batch" / "spec.json").unlink()
    command = [str(SERVISIM), *["exp.toml" if a == "EXPERIMENT.toml" else a for a in advice[1:]]]
    rerun = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert "12/12 runs stored (0 now, 12 before)" in rerun.stdout
