"""A custom ``module:function`` model, failing runs, dying workers, the store's guarantees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from experiments import load_results, load_samples, load_spec, run_batch
from experiments.cli import main
from experiments.runs.engines import Engine
from experiments.store import Store

TOY = """\
[experiment]
name = "toy"
design = "{design}"
samples = {samples}
replicates = {replicates}
seed = 5
model = "servisim_toy:toy"
{outcomes}

[parameters]
a = {a}
b = [0.0, 1.0]

[fixed]
{fixed}
"""


def toy_file(tmp_path, design="lhs", samples=12, replicates=2, a="[0.0, 1.0]", fixed="",
             outcomes='outcomes = ["y", "z"]', name="toy.toml"):
    path = tmp_path / name
    text = TOY.format(design=design, samples=samples, replicates=replicates, a=a, fixed=fixed,
                      outcomes=outcomes)
    if design in ("grid", "points"):  # their runs are their levels or points: no samples
        text = text.replace(f"samples = {samples}\n", "")
    path.write_text(text)
    return path


def test_custom_model_gives_the_known_answer(tmp_path, in_toy_dir):
    summary = run_batch(toy_file(tmp_path), tmp_path / "out", engine="local", workers=2,
                        progress="none")
    assert summary.complete and summary.n_failed == 0 and summary.n_new == 24
    results = load_results(tmp_path / "out")
    assert len(results) == 24
    assert (results["status"] == "ok").all()
    assert (results["y"] == results["a"] + 2 * results["b"]).all()
    assert (results["z"] == results["a"] * results["b"]).all()
    expected = ["high" if y > 2 else "trend" if y > 1 else "low" for y in results["y"]]
    assert results["scenario"].tolist() == expected
    # parameters come from the sample matrix, in design order
    samples = load_samples(tmp_path / "out")
    merged = results.merge(samples, on="point_id", suffixes=("", "_design"))
    assert (merged["a"] == merged["a_design"]).all()
    assert list(results.columns) == ["run_id", "point_id", "replicate", "seed", "a", "b", "y",
                                     "z", "scenario", "plausible", "implausibility",
                                     "history_misses", "status", "error", "runtime_s"]


def test_outcomes_are_taken_from_the_first_result_when_not_listed(tmp_path, in_toy_dir):
    run_batch(toy_file(tmp_path, outcomes=""), tmp_path / "out", engine="sequential",
              progress="none")
    assert load_spec(tmp_path / "out")["outcomes"] == ["y", "z"]
    results = load_results(tmp_path / "out")
    assert results[["y", "z"]].notna().all().all()
    # resuming the same file is still the same experiment
    again = run_batch(toy_file(tmp_path, outcomes=""), tmp_path / "out", engine="sequential",
                      progress="none")
    assert again.n_new == 0 and again.n_before == 24


def test_a_run_that_raises_is_recorded_failed_and_the_batch_goes_on(tmp_path, in_toy_dir,
                                                                     capsys):
    path = toy_file(tmp_path, samples=20, replicates=1, fixed="fail_above = 0.7")
    code = main(["batch", str(path), "--out", str(tmp_path / "out"), "--workers", "2",
                 "--progress", "none"])
    assert code == 0
    results = load_results(tmp_path / "out")
    bad = results["a"] > 0.7
    assert bad.sum() == 6  # a Latin hypercube of 20 points: 6 above 0.7
    assert (results.loc[bad, "status"] == "failed").all()
    assert (results.loc[~bad, "status"] == "ok").all()
    for a, error in zip(results.loc[bad, "a"], results.loc[bad, "error"], strict=True):
        assert error.startswith(f"ValueError: a={a:.3f} is too big (at servisim_toy.py:")
    assert results.loc[bad, ["y", "z"]].isna().all().all()
    assert results.loc[bad, "scenario"].isna().all()
    assert results.loc[~bad, "error"].isna().all()
    out = capsys.readouterr().out
    assert "20/20 runs stored (20 now, 0 before), 6 failed" in out


def test_a_run_that_kills_its_worker_is_recorded_failed_others_finish(tmp_path, in_toy_dir):
    path = toy_file(tmp_path, design="grid", replicates=1, a="[0.0, 0.25, 0.5, 0.75]",
                    fixed="die_at = 0.5")
    path.write_text(path.read_text().replace("b = [0.0, 1.0]", "b = [0.0, 0.5, 1.0]"))
    summary = run_batch(path, tmp_path / "out", engine="local", workers=2, progress="none")
    results = load_results(tmp_path / "out")
    assert len(results) == 12 and summary.complete
    dead = results["a"] == 0.5
    assert (results.loc[dead, "status"] == "failed").all()
    assert results.loc[dead, "error"].str.contains("worker process died").all()
    assert (results.loc[~dead, "status"] == "ok").all()
    assert summary.n_failed == 3


def test_a_part_written_twice_is_loaded_once(tmp_path, in_toy_dir):
    run_batch(toy_file(tmp_path), tmp_path / "out", engine="sequential", progress="none")
    before = load_results(tmp_path / "out")
    store = Store(tmp_path / "out")
    first = store.parts()[0]
    shutil.copy(first, first.with_name("part-99999999999999999999-1.parquet"))
    after = load_results(tmp_path / "out")
    pd.testing.assert_frame_equal(before, after)


def test_the_store_holds_the_contract_files(tmp_path, in_toy_dir):
    path = toy_file(tmp_path)
    run_batch(path, tmp_path / "out", engine="sequential", progress="none")
    out = tmp_path / "out"
    assert (out / "experiment.toml").read_bytes() == path.read_bytes()
    spec = json.loads((out / "spec.json").read_text())
    for key in ("name", "design", "samples", "replicates", "seed", "scale", "model", "outcomes",
                "preset", "parameters", "fixed", "problem", "n_points", "n_runs", "created",
                "servisim_version", "versions", "fingerprint"):
        assert key in spec, key
    assert spec["problem"]["names"] == ["a", "b"]
    assert spec["n_points"] == 12 and spec["n_runs"] == 24
    plan = pd.read_parquet(out / "runs.parquet")
    assert list(plan.columns) == ["run_id", "point_id", "replicate", "seed"]
    results = load_results(out)
    assert results["run_id"].tolist() == plan["run_id"].tolist()
    assert results["seed"].tolist() == plan["seed"].tolist()
    assert not list(out.rglob(".*.tmp"))


def test_a_different_experiment_on_the_same_folder_is_refused(tmp_path, in_toy_dir, capsys):
    run_batch(toy_file(tmp_path), tmp_path / "out", engine="sequential", progress="none")
    listing = sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / "out").rglob("*"))
    other = toy_file(tmp_path, samples=16, name="other.toml")
    code = main(["batch", str(other), "--out", str(tmp_path / "out"), "--progress", "none"])
    err = capsys.readouterr().err
    assert code == 2
    assert "holds results of a different experiment ('toy' from toy.toml" in err
    assert "other.toml differs in: samples" in err
    assert "Use another --out folder" in err
    assert sorted((p.name, p.stat().st_mtime_ns)
                  for p in (tmp_path / "out").rglob("*")) == listing


def test_a_folder_with_other_files_is_refused(tmp_path, in_toy_dir, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    code = main(["batch", str(toy_file(tmp_path)), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "not a servisim batch folder (it holds notes.txt)" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["notes.txt"]


def test_workers_never_import_the_app_or_plotting(tmp_path):
    code = (
        "import sys\n"
        "from experiments.runs.worker import Chunk, run_chunk\n"
        "r = run_chunk(Chunk('servisim', {'population_scale': 0.02}, "
        "[('x', 0, 0, 1, {'subsidy_rate': 0.3})], ('jobs_index_2017',)))\n"
        "assert r.rows[0]['status'] == 'ok', r.rows[0]\n"
        "bad = {'matplotlib', 'seaborn', 'solara', 'app', 'jinja2', 'distributed'}\n"
        "print(sorted(bad & {m.split('.')[0] for m in sys.modules}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('experiments')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    # the worker's own modules only: each imports the standard library alone
    assert out == ["[]", "['experiments', 'experiments.errors', 'experiments.runs', "
                         "'experiments.runs.watchdog', 'experiments.runs.worker', "
                         "'experiments.spec', 'experiments.spec.models']"]


@pytest.mark.parametrize("value", ["not a dict", {"y": "big"}, {"z": 1.0}])
def test_bad_return_values_fail_the_run(value):
    from experiments.runs import worker as model_runner

    model_runner._CACHE["fake:f"] = lambda params, seed: value
    try:
        chunk = model_runner.Chunk("fake:f", {}, [("r", 0, 0, 1, {"a": 1.0})], ("y",))
        row = model_runner.run_chunk(chunk).rows[0]
    finally:
        del model_runner._CACHE["fake:f"]
    assert row["status"] == "failed"
    assert row["error"].split(":")[0] in {"TypeError", "KeyError"}


class FlakyEngine(Engine):
    """A sequential engine whose chunks fail as an engine would (lost comm, cancelled task)."""

    name, workers = "flaky", 2

    def __init__(self, poison=(), transient=False):
        super().__init__("servisim_toy:toy", (), 2)
        self.poison, self.transient, self.failed_once = set(poison), transient, set()

    def submit(self, chunk):
        import concurrent.futures as cf

        from experiments.runs.worker import run_chunk

        future = cf.Future()
        ids = {run[0] for run in chunk.runs}
        fresh = ids - self.failed_once
        if ids & self.poison or (self.transient and fresh):
            self.failed_once |= ids
            future.set_exception(RuntimeError("comm closed"))
        else:
            future.set_result(run_chunk(chunk))
        return future

    def slots(self):
        return self.workers

    def is_lost(self, err):
        return False

    def describe(self):
        return "flaky"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


@pytest.mark.parametrize("transient", [True, False])
def test_engine_errors_are_retried_then_stored_as_failed(tmp_path, in_toy_dir, monkeypatch,
                                                         transient):
    import experiments.runs.batch as batch

    path = toy_file(tmp_path, samples=6, replicates=1)
    plan = batch.prepare(path).plan
    poison = [] if transient else [plan["run_id"][2]]
    monkeypatch.setattr(batch, "open_engine", lambda *a, **k: FlakyEngine(poison, transient))
    summary = batch.run_batch(path, tmp_path / "out", progress="none")
    results = load_results(tmp_path / "out")
    assert summary.complete and len(results) == 6
    if transient:
        assert (results["status"] == "ok").all()
    else:
        assert results["status"].tolist() == ["ok", "ok", "failed", "ok", "ok", "ok"]
        assert results["error"][2] == ("the engine could not run this run, 3 times "
                                       "(RuntimeError: comm closed)")
        assert summary.n_failed == 1
