"""The CLI's answers to a new user's first commands: one line, exit 2, nothing written."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from experiments.cli import build_parser

CLI = [sys.executable, "-m", "experiments.cli"]


def servisim(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("servisim: error: "), proc.stderr
    return lines[0]


def test_version_prints_the_installed_version():
    proc = servisim("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip().startswith("servisim 0.")


def test_run_with_a_negative_seed_names_the_seed_and_writes_nothing(tmp_path):
    proc = servisim("run", "--seed", "-1", "--scale", "0.02", "--out", "x", cwd=tmp_path)
    assert "--seed -1: -1 is out of range" in one_error_line(proc) or \
        "--seed" in one_error_line(proc)
    assert list(tmp_path.iterdir()) == []


def test_params_with_an_unknown_group_names_the_allowed_groups():
    line = one_error_line(servisim("params", "--group", "nope"))
    assert "--group: unknown group 'nope'; allowed" in line and "policy" in line


def test_params_with_an_unknown_role_names_the_allowed_roles():
    line = one_error_line(servisim("params", "--role", "nope"))
    assert "--role: unknown role 'nope'; allowed lever, uncertainty, constant" in line


def test_params_table_has_a_header_with_bounds_sa_range_unit_role_and_source():
    proc = servisim("params")
    header = proc.stdout.splitlines()[0].split()
    for column in ("name", "default", "bounds", "SA", "unit", "role", "source", "meaning"):
        assert column in header
    subsidy = next(line for line in proc.stdout.splitlines() if line.startswith("subsidy_rate "))
    assert "0 to 1" in subsidy and "lever" in subsidy


def test_params_role_filter_lists_only_that_role():
    lines = servisim("params", "--role", "lever").stdout.splitlines()[1:]
    assert lines and all(" lever " in line for line in lines)
    assert not any(line.startswith("platform_entry_rate ") for line in lines)


def test_params_piped_into_head_ends_without_a_broken_pipe_error():
    # pipefail: the exit code is servisim's, not head's
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", " ".join(CLI) + " params | head -n 2"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 2
    assert "BrokenPipeError" not in proc.stderr and "Traceback" not in proc.stderr


def test_params_into_a_pipe_closed_at_once_exits_quietly():
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", " ".join(CLI) + " params | true"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""


def test_run_refuses_a_bad_set_even_when_scale_is_given(tmp_path):
    proc = servisim("run", "--set", "population_scale=-1", "--scale", "0.05", "--out", "x",
                    cwd=tmp_path)
    line = one_error_line(proc)
    assert "population_scale" in line and "--scale 0.05" in line
    assert list(tmp_path.iterdir()) == []


def test_viz_on_a_host_that_is_not_this_machine_names_the_host_not_the_port():
    proc = servisim("viz", "--host", "not a host", "--port", "8999")
    assert one_error_line(proc).startswith(
        "servisim: error: --host: 'not a host' is not a name or address of this machine")
    assert proc.stdout == ""


def test_viz_on_a_busy_port_says_so_before_printing_an_address():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = servisim("viz", "--port", str(port))
    assert f"--port: {port} on 127.0.0.1 is busy" in one_error_line(proc)
    assert proc.stdout == ""


@pytest.mark.parametrize("option", ["--engine", "--progress"])
def test_every_verb_that_runs_models_offers_the_same_choices(option):
    parser = build_parser()
    verbs = parser._subparsers._group_actions[0].choices
    choices = {name: next((a.choices for a in sub._actions if option in a.option_strings), None)
               for name, sub in verbs.items() if name in ("batch", "workshop", "calibrate")}
    assert len({tuple(c) for c in choices.values()}) == 1, choices


@pytest.mark.parametrize(("args", "message"), [
    (["analyze", ""], "DIR is empty; give the folder of a batch, e.g. results/quick"),
    (["analyze", " "], "DIR is empty; give the folder of a batch, e.g. results/quick"),
    (["report", ""], "DIR is empty; give the folder of a batch, e.g. results/quick"),
    (["batch", ""], "EXPERIMENT.toml is empty; give an experiment file, e.g. "
                    "experiments/studies/quick.toml"),
    (["batch", "x.toml", "--out", ""], "--out '': empty path; give a folder or file name"),
    (["workshop", "--out", ""], "--out '': empty path; give a folder or file name"),
    (["calibrate", "--config", ""], "--config is empty; give a calibration file, e.g. "
                                    "calibration/calibration.toml"),
    (["calibrate", "--out", ""], "--out '': empty path; give a folder or file name"),
], ids=["analyze", "analyze-blank", "report", "batch", "batch-out", "workshop-out",
        "calibrate-config", "calibrate-out"])
def test_an_empty_folder_or_file_argument_is_refused_not_read_as_the_working_folder(
        tmp_path, args, message):
    (tmp_path / "spec.json").write_text("{}")  # were '' read as '.', this would be the batch
    line = one_error_line(servisim(*args, cwd=tmp_path))
    assert line == f"servisim: error: {message}"
    assert [p.name for p in tmp_path.iterdir()] == ["spec.json"]
