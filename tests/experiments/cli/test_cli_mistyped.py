"""A mistyped command or option is refused naming the name meant, under the right usage."""

from __future__ import annotations

import subprocess
import sys

import pytest


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


def _parse_error(capsys, *args: str) -> str:
    from experiments.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    assert stopped.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("args", [("run", "--seed", "1.5"),
                                  ("batch", "x.toml", "--workers", "2.0"),
                                  ("batch", "x.toml", "--max-runs", "1e6"),
                                  ("workshop", "--workers", "two"),
                                  ("calibrate", "--budget", "1e3"), ("viz", "--port", "http")])
def test_an_option_that_is_not_a_whole_number_is_refused_saying_what_is_allowed(capsys, args):
    assert _parse_error(capsys, *args).endswith(
        f"argument {args[-2]}: {args[-1]!r} is not a whole number; allowed digits only, e.g. 4 "
        "(no decimal point or exponent)")


@pytest.mark.parametrize("args", [("run", "--scale", "big"),
                                  ("batch", "x.toml", "--run-timeout", "10min")])
def test_an_option_that_is_not_a_number_is_refused_saying_what_is_allowed(capsys, args):
    assert _parse_error(capsys, *args).endswith(
        f"argument {args[-2]}: {args[-1]!r} is not a number; allowed a number such as 0.25 or 600")
