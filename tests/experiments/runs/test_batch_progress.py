"""Progress: a bar on a terminal, one line per chunk in a log, nothing in CI."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.errors import ArgumentError
from experiments.runs.progress import make_progress, pick_mode

SERVISIM_BIN = Path(sys.executable).with_name("servisim")

TOY = """\
[experiment]
name = "progress"
design = "lhs"
samples = 20
replicates = 2
seed = 1
model = "servisim_toy:toy"

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]

[fixed]
sleep = 0.02
"""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_mode_follows_the_stream_and_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert pick_mode("auto", FakeTerminal()) == "bar"
    assert pick_mode(None, io.StringIO()) == "lines"
    monkeypatch.setenv("CI", "true")
    assert pick_mode("auto", FakeTerminal()) == "none"
    assert pick_mode("bar", io.StringIO()) == "bar"  # asked for explicitly
    with pytest.raises(ArgumentError, match="progress='fancy': unknown progress mode; allowed "
                                            "auto, bar, lines, none"):
        pick_mode("fancy", io.StringIO())


def test_bar_shows_done_total_rate_and_eta(monkeypatch):
    stream = FakeTerminal()
    bar = make_progress(40, done=10, mode="bar", stream=stream, label="quick")
    bar.update(5)
    bar.update(5, failed=1)
    bar.close()
    text = stream.getvalue()
    assert "quick:" in text and "20/40" in text
    assert "run/s" in text and "<" in text  # rate and "elapsed<remaining"
    assert "1 failed" in text


def test_lines_one_per_chunk_with_rate_and_eta():
    stream = io.StringIO()
    lines = make_progress(40, done=0, mode="lines", stream=stream, label="quick")
    for _ in range(4):
        lines.update(10)
    out = stream.getvalue().splitlines()
    assert len(out) == 4
    assert out[0].startswith("quick: 10/40 runs (25%), ") and "runs/s, ETA " in out[0]
    assert out[-1].startswith("quick: 40/40 runs (100%)")


def _run(args, cwd, env, stderr_to_terminal: bool) -> tuple[int, str]:
    if not stderr_to_terminal:
        proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=120)
        return proc.returncode, proc.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize("where", ["terminal", "log", "ci"])
def test_servisim_batch_progress_on_a_terminal_a_log_and_ci(tmp_path, in_toy_dir, where):
    path = tmp_path / "progress.toml"
    path.write_text(TOY)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TERM"] = "xterm"
    if where == "ci":
        env["CI"] = "true"
    code, err = _run([str(SERVISIM_BIN), "batch", str(path), "--out", str(tmp_path / "out"),
                      "--workers", "2"], in_toy_dir, env, where == "terminal")
    assert code == 0, err
    if where == "terminal":
        assert "\r" in err and "40/40" in err and "run/s" in err
    elif where == "log":
        lines = err.splitlines()
        assert lines and all(line.startswith("progress: ") for line in lines)
        assert "\r" not in err and lines[-1].startswith("progress: 40/40 runs (100%)")
    else:
        assert err == ""
