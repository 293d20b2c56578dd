import json
import subprocess
import sys

import pandas as pd
import pytest

from experiments.cli import main


def test_run_writes_trajectory_indicators_and_plot(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "--preset", "trend", "--seed", "4", "--scale", "0.05",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "scenario:" in printed and "industrial_service_capture" in printed
    traj = pd.read_csv(out / "trajectory.csv")
    assert len(traj) == 85 and traj["quarter"].iloc[-1] == "2040Q4"
    assert "2031Q2" in set(traj["quarter"])
    payload = json.loads((out / "indicators.json").read_text())
    assert payload["scenario"] in {"low", "trend", "high"}
    assert payload["seed"] == 4 and payload["parameters"]["population_scale"] == 0.05
    assert (out / "trajectory.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "subsidy_rate=abc"], "subsidy_rate: 'abc' is not a number"),
        (["--set", "subsidy_rat=0.2"], "subsidy_rat: unknown parameter"),
        (["--set", "subsidy_rate=2"], "subsidy_rate: 2.0 is out of range; allowed 0 to 1"),
        (["--preset", "medium"], "preset: unknown preset 'medium'; allowed low, trend, high"),
        (["--preset", ""], "preset: unknown preset ''; allowed low, trend, high"),
        (["--set", "subsidy_rate"], "--set: 'subsidy_rate' is not NAME=VALUE"),
    ],
)
def test_bad_input_gives_one_line_error_exit_2_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "never"
    proc = subprocess.run([sys.executable, "-m", "experiments.cli", "run", *args,
                           "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("servisim: error: ")
    assert message in lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_run_takes_a_preset_by_its_scenarios_french_name(tmp_path, capsys):
    assert main(["run", "--preset", "haut", "--scale", "0.02", "--out",
                 str(tmp_path / "fr")]) == 0
    assert "servisim run: preset high, seed 1" in capsys.readouterr().out
    assert main(["run", "--preset", "high", "--scale", "0.02", "--out",
                 str(tmp_path / "en")]) == 0
    assert ((tmp_path / "fr" / "trajectory.csv").read_bytes()
            == (tmp_path / "en" / "trajectory.csv").read_bytes())


def test_run_out_replaces_an_earlier_run_of_servisim_run(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "--seed", "4", "--scale", "0.02", "--out", str(out)]) == 0
    assert main(["run", "--seed", "5", "--scale", "0.02", "--out", str(out)]) == 0
    assert json.loads((out / "indicators.json").read_text())["seed"] == 5
    assert sorted(p.name for p in out.iterdir()) == [".servisim-run", "indicators.json",
                                                     "trajectory.csv", "trajectory.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # nothing aside, nothing hidden


def test_run_out_refuses_an_earlier_run_that_now_holds_a_file_of_the_user(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "--seed", "4", "--scale", "0.02", "--out", str(out)]) == 0
    (out / "thesis.txt").write_text("mine")
    capsys.readouterr()
    assert main(["run", "--seed", "5", "--scale", "0.02", "--out", str(out)]) == 2
    assert "the folder holds thesis.txt, not written by servisim run" in capsys.readouterr().err
    assert (out / "thesis.txt").read_text() == "mine"
    assert json.loads((out / "indicators.json").read_text())["seed"] == 4


def test_run_refuses_scale_zero_naming_the_scale_option(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", "--scale", "0", "--out", str(out)]) == 2
    assert capsys.readouterr().err == ("servisim: error: --scale 0: out of range; allowed 0.005 "
                                       "to 2 (1.0 = the whole region)\n")
    assert not out.exists()


@pytest.mark.parametrize("value", ["1", "0", "True", "yes"])
def test_run_refuses_a_switch_set_to_anything_but_true_or_false(tmp_path, capsys, value):
    out = tmp_path / "never"
    assert main(["run", "--set", f"complete_network={value}", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"servisim: error: complete_network: '{value}' is not a "
                                       "boolean; allowed true or false\n")
    assert not out.exists()
