"""A file over the size limit (``ulimit -f``, EFBIG): one line naming the file, nothing lost.

No mock: the real ``servisim`` runs under a real ``RLIMIT_FSIZE``; Python ignores SIGXFSZ, so
the write that crosses the limit fails with ``OSError(EFBIG)``, as it does on a disk whose
format caps a file's size.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

SERVISIM = Path(sys.executable).with_name("servisim")

TOY = """\
[experiment]
name = "limit"
design = "lhs"
samples = 12
replicates = 1
seed = 4
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""


def _servisim(args: list[str], cwd: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "CI": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([str(SERVISIM), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=limited)


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("servisim: error: "), stderr
    return lines[0]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_batch_part_over_the_size_limit_is_named_in_one_line_and_the_batch_resumes(tmp_path,
                                                                                      toy_dir):
    shutil.copy(toy_dir / "servisim_toy.py", tmp_path)
    (tmp_path / "exp.toml").write_text(TOY)
    # room for the plan (about 3 KiB each), not for the 12 runs' results part (about 5 KiB)
    proc = _servisim(["batch", "exp.toml", "--out", "b", "--engine", "sequential"], tmp_path,
                     limit=4096)
    assert proc.returncode == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert "--out b: cannot write b/results/part-" in line
    assert "File too large; over the file size limit (`ulimit -f`)" in line
    assert "the runs stored before are kept" in line
    assert not list(tmp_path.rglob("*.tmp"))
    rerun = _servisim(["batch", "exp.toml", "--out", "b", "--engine", "sequential"], tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert "12/12 runs stored (12 now, 0 before)" in rerun.stdout


def test_a_run_over_the_size_limit_leaves_the_earlier_run_whole(tmp_path):
    first = _servisim(["run", "--scale", "0.01", "--seed", "1", "--out", "r"], tmp_path)
    assert first.returncode == 0, first.stderr
    before = _digests(tmp_path / "r")
    proc = _servisim(["run", "--scale", "0.01", "--seed", "2", "--out", "r"], tmp_path,
                     limit=8192)
    assert proc.returncode == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert "--out r: cannot write r/" in line and "File too large" in line
    assert _digests(tmp_path / "r") == before


def test_a_write_no_command_expected_over_the_size_limit_is_one_line(monkeypatch, capsys):
    import errno

    from experiments.cli import main, params

    def too_large(args):
        raise OSError(errno.EFBIG, "File too large", "big/table.csv")

    monkeypatch.setattr(params, "handle", too_large)
    assert main(["params"]) == 2
    assert "cannot write big/table.csv: File too large; raise the file size limit " \
        "(`ulimit -f`)" in capsys.readouterr().err
