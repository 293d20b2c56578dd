"""``servisim batch --out`` starts only in a new, empty or own folder; it repairs its own plan.

A folder that is not a servisim batch folder (no ``spec.json`` written by servisim) and holds
anything this experiment's batch would not write is refused with one line, exit code 2, and
left as it was. A damaged plan file of a batch folder is written again from the experiment;
a damaged trajectory part is named with its remedy, as a damaged result part is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from experiments import load_plan, load_samples, run_batch
from experiments.cli import main
from experiments.errors import DamagedFileError
from experiments.files import LOCK, atomic_parquet
from experiments.store import Store

TOY = """\
[experiment]
name = "mine"
design = "lhs"
samples = 5
replicates = 2
seed = 3
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""


@pytest.fixture
def study(tmp_path, in_toy_dir) -> Path:
    path = tmp_path / "toy.toml"
    path.write_text(TOY)
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _user_file(name: str):
    def setup(out: Path) -> None:
        (out / name).write_text("my precious notes")
    return setup


def _user_folder(name: str):
    def setup(out: Path) -> None:
        (out / name).mkdir()
        (out / name / "data.csv").write_text("m")
    return setup


def _user_results_and_trajectories(out: Path) -> None:
    _user_folder("results")(out)
    _user_folder("trajectories")(out)


@pytest.mark.parametrize(("setup", "holds"), [
    pytest.param(_user_file("experiment.toml"), "experiment.toml", id="experiment.toml"),
    pytest.param(_user_file("runs.parquet"), "runs.parquet", id="runs.parquet"),
    pytest.param(_user_file("samples.parquet"), "samples.parquet", id="samples.parquet"),
    pytest.param(_user_file("spec.json"), "spec.json", id="spec.json"),
    pytest.param(_user_file("results"), "results", id="a-file-named-results"),
    pytest.param(_user_results_and_trajectories, "results, trajectories", id="result-folders"),
    pytest.param(_user_file(".notes"), ".notes", id="a-hidden-file"),
])
def test_a_folder_with_a_file_of_the_user_is_refused_and_left_as_it_was(study, tmp_path, capsys,
                                                                        setup, holds):
    out = tmp_path / "out"
    out.mkdir()
    setup(out)
    before = _snapshot(out)
    code = main(["batch", str(study), "--out", str(out), "--progress", "none"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1
    assert (f"--out {out}: the folder exists and is not a servisim batch folder (it holds "
            f"{holds}); servisim batch never writes over or beside files of yours: choose a new "
            "or empty folder") in lines[0]
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted({Path(k).parts[0] for k in before})


def test_a_spec_json_of_the_user_is_not_called_damaged_by_analyze(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "spec.json").write_text('{"mine": 1}')
    assert main(["analyze", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "not a servisim batch folder (its spec.json was not written by servisim batch)" in err
    assert "delete" not in err


def test_a_folder_holding_only_the_lock_file_of_a_killed_batch_is_used(study, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / LOCK).write_text("{}")
    assert run_batch(study, tmp_path / "out", engine="sequential", progress="none").complete


def test_a_batch_folder_with_a_file_of_the_user_resumes_and_keeps_it(study, tmp_path):
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    (tmp_path / "out" / "notes.txt").write_text("mine")
    summary = run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    assert (summary.n_new, summary.n_before) == (0, 10)
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_a_batch_whose_damaged_spec_was_deleted_resumes(study, tmp_path):
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    (tmp_path / "out" / "spec.json").unlink()
    summary = run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    assert (summary.n_new, summary.n_before) == (0, 10)


def test_a_folder_left_by_another_experiment_without_its_spec_is_refused(study, tmp_path,
                                                                         capsys):
    other = tmp_path / "other.toml"
    other.write_text(TOY.replace("seed = 3", "seed = 4"))
    run_batch(other, tmp_path / "out", engine="sequential", progress="none")
    (tmp_path / "out" / "spec.json").unlink()
    before = _snapshot(tmp_path / "out")
    assert main(["batch", str(study), "--out", str(tmp_path / "out")]) == 2
    assert "(it holds experiment.toml, runs.parquet, samples.parquet)" in \
        capsys.readouterr().err
    assert _snapshot(tmp_path / "out") == before


@pytest.mark.parametrize("name", ["samples.parquet", "runs.parquet"])
def test_a_truncated_plan_file_is_written_again_on_resume(study, tmp_path, name):
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    expected = (load_samples if name == "samples.parquet" else load_plan)(tmp_path / "out")
    path = tmp_path / "out" / name
    path.write_bytes(path.read_bytes()[:100])
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    again = (load_samples if name == "samples.parquet" else load_plan)(tmp_path / "out")
    assert again.equals(expected)


def test_analyze_of_a_truncated_samples_file_gives_advice_that_repairs_it(study, tmp_path,
                                                                         capsys):
    out = tmp_path / "out"
    run_batch(study, out, engine="sequential", progress="none")
    (out / "samples.parquet").write_bytes((out / "samples.parquet").read_bytes()[:100])
    assert main(["analyze", str(out), "--no-figures"]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'samples.parquet'}: the file is damaged (" in err
    assert (f"run the same `servisim batch EXPERIMENT.toml --out {out}` again: it writes the "
            "file again from the experiment, and every finished run is kept") in err
    run_batch(study, out, engine="sequential", progress="none")  # what the advice says
    assert main(["analyze", str(out), "--no-figures"]) == 0


def test_analyze_of_a_deleted_samples_file_calls_it_missing(study, tmp_path, capsys):
    out = tmp_path / "out"
    run_batch(study, out, engine="sequential", progress="none")
    (out / "samples.parquet").unlink()
    assert main(["analyze", str(out), "--no-figures"]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'samples.parquet'}: the file is missing; run the same" in err


def test_a_deleted_samples_file_is_written_again_on_resume(study, tmp_path):
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    expected = load_samples(tmp_path / "out")
    (tmp_path / "out" / "samples.parquet").unlink()
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    assert load_samples(tmp_path / "out").equals(expected)


def test_a_truncated_trajectory_part_is_named_with_its_remedy(tmp_path):
    root = tmp_path / "batch"
    (root / "trajectories").mkdir(parents=True)
    (root / "results").mkdir()
    (root / "spec.json").write_text(json.dumps({"name": "t", "kinds": {}, "trajectories": True}))
    table = pa.table({"run_id": ["r1", "r2"], "quarter": ["2020Q1", "2020Q1"], "x": [1.0, 2.0]})
    for stem in ("part-1", "part-2"):
        atomic_parquet(table, root / "trajectories" / f"{stem}.parquet")
    damaged = root / "trajectories" / "part-2.parquet"
    damaged.write_bytes(damaged.read_bytes()[:100])
    with pytest.raises(DamagedFileError) as caught:
        Store(root).trajectories(["run_id", "quarter", "x"], {"r1", "r2"})
    assert str(caught.value).startswith(f"{damaged}: the file is damaged (")
    assert f"`servisim batch EXPERIMENT.toml --out {root}` again" in str(caught.value)


def test_report_of_a_truncated_trajectory_part_is_one_line_and_exit_2(report_batch, tmp_path,
                                                                      capsys):
    batch = tmp_path / "batch"
    shutil.copytree(report_batch, batch)
    part = sorted((batch / "trajectories").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])
    code = main(["report", str(batch), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith(f"servisim: error: {part}: the file is damaged (")
    assert f"delete it and {batch / 'results' / part.name} and run the same" in err[-1]


def test_a_resumed_file_with_a_new_description_gives_the_folder_its_text(study, tmp_path):
    study.write_text(TOY.replace("seed = 3", 'seed = 3\ndescription = "first draft"'))
    run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    study.write_text(TOY.replace("seed = 3", 'seed = 3\ndescription = "as presented"'))
    summary = run_batch(study, tmp_path / "out", engine="sequential", progress="none")
    assert (summary.n_new, summary.n_before) == (0, 10)  # the same runs: nothing run again
    assert Store(tmp_path / "out").spec()["description"] == {"en": "as presented"}
    assert (tmp_path / "out" / "experiment.toml").read_bytes() == study.read_bytes()
