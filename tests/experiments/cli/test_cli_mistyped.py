"""A mistyped command or option is refused naming the name meant, under the right usage."""

from __future__ import annotations

import subprocess
import sys


def _servisim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_a_mistyped_option_is_refused_under_its_commands_usage_naming_the_option_meant():
    proc = _servisim("run", "--sed", "3")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("usage: servisim run ")
    assert proc.stderr.strip().splitlines()[-1] == (
        "servisim run: error: unrecognized arguments: --sed 3 (did you mean --seed or --set?)")


def test_a_mistyped_option_given_with_equals_is_matched_on_its_name():
    proc = _servisim("batch", "x.toml", "--enginx=dask")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "servisim batch: error: unrecognized arguments: --enginx=dask (did you mean --engine?)")


def test_a_mistyped_command_is_refused_naming_the_command_meant_and_every_command():
    proc = _servisim("workshp")
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("servisim: error: unknown command 'workshp' (did you mean "
                           "workshop?); allowed run, params, batch, analyze, viz, report, "
                           "workshop")


def test_a_command_close_to_none_is_refused_with_every_command_and_no_guess():
    proc = _servisim("zzz")
    assert proc.returncode == 2
    assert "unknown command 'zzz'; allowed run, params" in proc.stderr
    assert "did you mean" not in proc.stderr


def test_help_and_version_before_a_command_still_answer():
    assert _servisim("--version").stdout.startswith("servisim ")
    proc = _servisim("-h", "workshp")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: servisim ")
