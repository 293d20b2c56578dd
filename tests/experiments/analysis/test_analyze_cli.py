"""``servisim analyze`` on real batch folders made by ``servisim batch``."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import experiments
from experiments.cli import main

ROOT = Path(__file__).resolve().parents[3]
SERVISIM = Path(sys.executable).with_name("servisim")
PI = repr(math.pi)

MODELS = {
    # Ishigami, a = 7, b = 0.1: S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244.
    "ishigami_fn": '''
import math

def f(params, seed):
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    return {"y": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)}
''',
    # high exactly when x1 > 0.7 and x2 < 0.3; low when x3 < 0.4; x4 does nothing.
    "boxes_fn": '''
def f(params, seed):
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    scenario = "high" if x1 > 0.7 and x2 < 0.3 else ("low" if x3 < 0.4 else "trend")
    return {"y": x1 - x2, "scenario": scenario}
''',
    "failing_fn": '''
def f(params, seed):
    raise RuntimeError("the model broke")
''',
    "linear_fn": '''
import random

def f(params, seed):
    noise = random.Random(seed).gauss(0, 0.1)
    return {"y": 10 * params["a"] + params["b"] + noise,
            "scenario": "high" if params["a"] > 0.5 else "low"}
''',
}


def experiment(folder: Path, model: str, design: str, samples: int | None,
               parameters: dict[str, str], replicates: int = 1, extra: str = "") -> Path:
    """Write the model's module and an experiment file into ``folder``."""
    (folder / f"{model}.py").write_text(MODELS[model])
    lines = ["[experiment]", f'name = "{model}"', f'design = "{design}"',
             f"replicates = {replicates}", "seed = 20240917", f'model = "{model}:f"',
             'outcomes = ["y"]']
    if samples:
        lines.append(f"samples = {samples}")
    if extra:
        lines.append(extra)
    lines += ["", "[parameters]", *(f"{k} = {v}" for k, v in parameters.items())]
    path = folder / f"{model}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def batch(tmp_path: Path, monkeypatch, *args, **kwargs) -> Path:
    """Run ``servisim batch`` in this process (sequential engine); return the folder."""
    monkeypatch.chdir(tmp_path)
    toml = experiment(tmp_path, *args, **kwargs)
    out = tmp_path / toml.stem
    assert main(["batch", str(toml), "--out", str(out), "--engine", "sequential",
                 "--progress", "none"]) == 0
    return out


def analyze(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ishigami_through_servisim_batch_and_analyze_matches_the_analytic_indices(tmp_path):
    toml = experiment(tmp_path, "ishigami_fn", "sobol", 1024,
                      {f"x{i}": f"[-{PI}, {PI}]" for i in (1, 2, 3)})
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run([str(SERVISIM), "batch", str(toml), "--out", "ish", "--workers", "2",
                          "--progress", "none"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([str(SERVISIM), "analyze", "ish"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "sobol design, 8192 of 8192 runs analysed, 0 failed" in run.stdout
    assert "method: Sobol indices" in run.stdout
    folder = tmp_path / "ish" / "analysis"
    sobol = pd.read_csv(folder / "sobol.csv").set_index("parameter")
    assert list(pd.read_csv(folder / "sobol.csv").columns[:6]) == [
        "outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    for name, s1, st in (("x1", 0.314, 0.558), ("x2", 0.442, 0.442), ("x3", 0.0, 0.244)):
        assert abs(sobol.loc[name, "S1"] - s1) <= sobol.loc[name, "S1_conf"], name
        assert abs(sobol.loc[name, "ST"] - st) <= sobol.loc[name, "ST_conf"], name
    conv = pd.read_csv(folder / "sobol_convergence.csv")
    assert conv["n_base"].max() == 1024 and conv["n_base"].min() == 16
    assert len(pd.read_csv(folder / "sobol_s2.csv")) == 3
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["method"] == "sobol" and summary["top_parameters"]["y"][0] == "x1"
    for figure in summary["figures"]:
        assert (folder / figure["file"]).stat().st_size > 5000
    assert {Path(f["file"]).name for f in summary["figures"]} == {
        "sobol_y.png", "sobol_s2_y.png", "convergence_y.png"}


def test_sobol_without_second_order_gives_s1_and_st_from_n_times_d_plus_2_runs(
        tmp_path, monkeypatch, capsys):
    out = batch(tmp_path, monkeypatch, "ishigami_fn", "sobol", 512,
                {f"x{i}": f"[-{PI}, {PI}]" for i in (1, 2, 3)}, extra="second_order = false")
    code, stdout, _ = analyze(capsys, str(out))
    assert code == 0
    assert "sobol design, 2560 of 2560 runs analysed, 0 failed" in stdout
    sobol = pd.read_csv(out / "analysis" / "sobol.csv").set_index("parameter")
    for name, s1, st in (("x1", 0.314, 0.558), ("x2", 0.442, 0.442), ("x3", 0.0, 0.244)):
        assert abs(sobol.loc[name, "S1"] - s1) <= max(sobol.loc[name, "S1_conf"], 0.05), name
        assert abs(sobol.loc[name, "ST"] - st) <= max(sobol.loc[name, "ST_conf"], 0.05), name
    assert pd.read_csv(out / "analysis" / "sobol_s2.csv").empty


def test_analyze_tells_how_precise_the_top_parameters_are(tmp_path, monkeypatch, capsys):
    out = batch(tmp_path, monkeypatch, "ishigami_fn", "sobol", 512,
                {f"x{i}": f"[-{PI}, {PI}]" for i in (1, 2, 3)}, extra="second_order = false")
    code, stdout, _ = analyze(capsys, str(out), "--no-figures")
    sobol = pd.read_csv(out / "analysis" / "sobol.csv")
    widest = sobol[["S1_conf", "ST_conf"]].to_numpy().max()  # 3 parameters: all are top-3
    precision = json.loads((out / "analysis" / "summary.json").read_text())["precision"]
    assert code == 0 and precision["widest"] == pytest.approx(widest)
    assert precision["share_within"] == (sobol[["S1_conf", "ST_conf"]].max(axis=1) < 0.1).mean()
    assert f"widest +/-{widest:.3f}" in stdout


def test_known_box_through_batch_is_recovered_and_told(tmp_path, monkeypatch, capsys):
    out = batch(tmp_path, monkeypatch, "boxes_fn", "lhs", 800,
                {f"x{i}": "[0.0, 1.0]" for i in (1, 2, 3, 4)})
    code, stdout, _ = analyze(capsys, str(out))
    assert code == 0
    assert "method: PAWN" in stdout
    assert "of runs are high, against " in stdout and "% overall (this box holds" in stdout
    boxes = pd.read_csv(out / "analysis" / "discovery.csv")
    high = boxes[boxes["scenario"] == "high"].set_index("parameter")
    assert set(high.index) == {"x1", "x2"}
    assert high.loc["x1", "low"] == pytest.approx(0.7, abs=0.05)
    assert high.loc["x2", "high"] == pytest.approx(0.3, abs=0.05)
    assert high["density"].iloc[0] > 0.9
    assert list(boxes.columns[:7]) == ["scenario", "box", "parameter", "low", "high",
                                       "coverage", "density"]
    sentences = (out / "analysis" / "discovery.md").read_text()
    assert "when x1 >= 0." in sentences and "of runs are high" in sentences
    shares = pd.read_csv(out / "analysis" / "scenario_shares.csv")
    assert set(shares["parameter"]) == {"all", "x1", "x2", "x3", "x4"}
    names = {p.name for p in (out / "analysis" / "figures").iterdir()}
    assert {"scenario_map.png", "scenario_shares.png", "discovery_boxes.png",
            "regimes_boxplot.png", "pawn_y.png", "pawn_scenario_score.png"} <= names


def test_morris_batch_gives_mu_star_and_sigma(tmp_path, monkeypatch, capsys):
    out = batch(tmp_path, monkeypatch, "linear_fn", "morris", 20,
                {"a": "[0.0, 1.0]", "b": "[0.0, 1.0]", "c": "[0.0, 1.0]"}, replicates=2)
    code, stdout, _ = analyze(capsys, str(out), "--outcomes", "y")
    assert code == 0 and "Morris" in stdout
    figures = {p.name for p in (out / "analysis" / "figures").iterdir()}
    assert {"morris_y.png", "convergence_y.png", "scenario_map.png"} <= figures
    tables = experiments.analyze(out, ["y"], figures=False)  # the Python API, same tables
    assert set(tables) >= {"morris", "morris_convergence", "seed_variance", "discovery",
                           "scenario_shares", "notes"}
    morris = pd.read_csv(out / "analysis" / "morris.csv")
    pd.testing.assert_frame_equal(morris, tables["morris"], check_dtype=False)
    assert list(morris.columns[:5]) == ["outcome", "parameter", "mu_star", "mu_star_conf",
                                        "sigma"]
    morris = morris.set_index("parameter")
    assert morris.loc["a", "mu_star"] == pytest.approx(10, abs=0.5)
    assert morris.loc["c", "mu_star"] < 0.5
    noise = pd.read_csv(out / "analysis" / "seed_variance.csv").iloc[0]
    assert 0 < noise["seed_share"] < 0.05  # noise sd 0.1 against a spread of about 3


def test_grid_batch_uses_pawn_and_says_so(tmp_path, monkeypatch, capsys):
    levels = "[0.0, 0.25, 0.5, 0.75, 1.0]"
    out = batch(tmp_path, monkeypatch, "linear_fn", "grid", None,
                {"a": levels, "b": levels, "c": levels})
    code, stdout, _ = analyze(capsys, str(out), "--no-figures")
    assert code == 0
    assert "method: PAWN" in stdout and "Sobol estimators need a Sobol design" in stdout
    pawn = pd.read_csv(out / "analysis" / "pawn.csv")
    y = pawn[pawn["outcome"] == "y"].set_index("parameter")
    assert y.loc["a", "pawn"] > y.loc["a", "pawn_dummy"] > y.loc["c", "pawn"] - 0.1
    assert json.loads((out / "analysis" / "summary.json").read_text())["method"] == "pawn"


def test_a_partly_finished_sobol_batch_is_analysed_and_says_what_is_missing(
        tmp_path, monkeypatch, capsys):
    out = batch(tmp_path, monkeypatch, "ishigami_fn", "sobol", 64,
                {f"x{i}": f"[-{PI}, {PI}]" for i in (1, 2, 3)})
    parts = sorted((out / "results").glob("part-*.parquet"))
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    for p in parts:
        p.unlink()
    keep = [i for i in range(table.num_rows) if not 100 <= i < 124]  # base rows 12-15 cut
    pq.write_table(table.take(keep), out / "results" / "part-0.parquet")
    code, stdout, _ = analyze(capsys, str(out), "--no-figures")
    assert code == 0
    assert "partly finished: 488 of 512 runs done" in stdout
    assert "dropped 4 of 64 Sobol base rows (32 design points)" in stdout
    sobol = pd.read_csv(out / "analysis" / "sobol.csv")
    assert sobol["n_base"].eq(60).all()


@pytest.mark.parametrize("case", ["missing", "a-file", "empty", "unfinished", "failed",
                                  "outcome"])
def test_bad_folders_give_one_clear_line_and_exit_2(tmp_path, monkeypatch, capsys, case):
    if case in ("unfinished", "outcome"):
        folder = batch(tmp_path, monkeypatch, "linear_fn", "lhs", 12,
                       {"a": "[0.0, 1.0]", "b": "[0.0, 1.0]"})
        if case == "unfinished":
            for p in (folder / "results").glob("part-*.parquet"):
                p.unlink()
    elif case == "failed":
        folder = batch(tmp_path, monkeypatch, "failing_fn", "lhs", 12,
                       {"a": "[0.0, 1.0]", "b": "[0.0, 1.0]"})
    else:
        folder = tmp_path / "nothing"
        if case == "empty":
            folder.mkdir()
        elif case == "a-file":
            folder.write_text("my notes")
    args = [str(folder), "--outcomes", "nope"] if case == "outcome" else [str(folder)]
    code, stdout, stderr = analyze(capsys, *args)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("servisim: error: "), stderr
    assert "Traceback" not in stderr and not (folder / "analysis").exists()
    expected = {"missing": "no such folder", "a-file": "is a file, not a batch folder",
                "empty": "not a servisim batch folder (no spec.json)",
                "unfinished": "no run has finished yet (0 of 12)",
                "failed": "all 12 finished runs failed (first error: ",
                "outcome": "--outcomes: unknown outcome 'nope'; allowed: y, scenario_score"}
    assert expected[case] in lines[0]
    if case == "failed":
        assert "the model broke" in lines[0]


def test_servisim_model_quick_batch_is_analysed_end_to_end(tmp_path, capsys):
    out = tmp_path / "quick"
    assert main(["batch", str(ROOT / "experiments" / "studies" / "quick.toml"), "--out", str(out),
                 "--progress", "none"]) == 0
    code, stdout, _ = analyze(capsys, str(out))
    assert code == 0, stdout
    folder = out / "analysis"
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["method"] == "pawn" and summary["runs"]["ok"] == 6 * 8 * 2
    assert "scenario_score" in summary["outcomes"]
    for name in ("pawn", "seed_variance", "scenario_shares", "discovery", "discovery_boxes",
                 "discovery_tree", "notes", "policies", "variance_shares", "policy_boxes",
                 "plausibility"):
        assert (folder / f"{name}.csv").is_file(), name
    boxes = pd.read_csv(folder / "discovery_boxes.csv")
    assert boxes["sentence"].str.len().gt(10).all() and "sentence_fr" not in boxes
    for figure in summary["figures"]:
        assert (folder / figure["file"]).is_file() and figure["caption"]
