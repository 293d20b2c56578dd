"""A batch folder that cannot be written: the message names the folder as the user typed it.

No mock: ``servisim`` runs inside a user and mount namespace (``unshare -rm``, no privilege
needed) where ``ro`` is a real read-only bind mount (EROFS). Root ignores file permissions, so
a ``chmod``-ed folder would not be read-only here; a mount is, even for root.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SERVISIM = Path(sys.executable).with_name("servisim")


@pytest.fixture(scope="module")
def finished_batch(analysed_toy_batch, tmp_path_factory) -> Path:
    """A finished 12-run toy batch (copied into the read-only folder by each test)."""
    return analysed_toy_batch(tmp_path_factory.mktemp("ro-batch"), "robatch", figures=False)


def _read_only(tmp_path: Path, args: str, cwd: str = ".") -> str:
    """Run ``servisim ARGS`` from ``tmp_path/cwd`` with ``tmp_path/ro`` read-only; its stderr."""
    assert shutil.which("unshare"), "these tests need util-linux's unshare"
    ro = shlex.quote(str(tmp_path / "ro"))
    script = (f"mount --bind {ro} {ro} && mount -o remount,ro,bind {ro} && "
              f"cd {shlex.quote(cwd)} && exec {shlex.quote(str(SERVISIM))} {args}")
    env = {**os.environ, "CI": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    return proc.stderr


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def read_only_batch(tmp_path, finished_batch) -> Path:
    """``tmp_path/ro/batch``: the batch without its analysis, in the folder to mount read-only."""
    shutil.copytree(finished_batch, tmp_path / "ro" / "batch")
    shutil.rmtree(tmp_path / "ro" / "batch" / "analysis")
    return tmp_path / "ro" / "batch"


def test_analyze_of_a_read_only_batch_names_the_folder_not_dir(tmp_path, read_only_batch):
    before = _snapshot(tmp_path / "ro")
    assert _read_only(tmp_path, "analyze ro/batch") == (
        "servisim: error: ro/batch: cannot write in ro/batch: Read-only file system; the "
        "analysis is written in the batch folder: copy the folder somewhere writable and "
        "analyse the copy\n")
    assert _snapshot(tmp_path / "ro") == before


def test_report_of_a_read_only_batch_names_the_folder_and_out_as_the_way_out(tmp_path,
                                                                               read_only_batch):
    before = _snapshot(tmp_path / "ro")
    assert _read_only(tmp_path, "report ro/batch --lang en") == (
        "servisim: error: ro/batch: cannot write in ro/batch: Read-only file system; write the "
        "report elsewhere with --out FILE\n")
    assert _snapshot(tmp_path / "ro") == before


def test_report_of_a_missing_folder_in_a_read_only_folder_says_no_such_folder(tmp_path):
    (tmp_path / "ro").mkdir()
    assert _read_only(tmp_path, "report rob", cwd="ro") == (
        "servisim: error: rob: no such folder; give the folder of a batch (servisim batch "
        "EXPERIMENT.toml --out DIR)\n")
    assert list((tmp_path / "ro").iterdir()) == []
