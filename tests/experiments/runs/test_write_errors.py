"""A full disk or a read-only folder: one line naming the file and what to do, nothing half-written.

No mock: each case runs the real ``servisim`` inside a user and mount namespace
(``unshare -rm``, no privilege needed) where the output folder is a real read-only bind mount
(EROFS) or a real tmpfs too small for the output (ENOSPC). Root ignores file permissions, so a
``chmod``-ed folder would not be read-only in these tests; a mount is, even for root.
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

TOY = """\
[experiment]
name = "disk"
design = "lhs"
samples = {samples}
replicates = 1
seed = 4
model = "servisim_toy:toy"
outcomes = ["y", "z"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""


def _in_namespace(script: str, cwd: Path, toy_dir: Path) -> subprocess.CompletedProcess:
    """Run a shell script as root of a new user and mount namespace."""
    assert shutil.which("unshare"), "these tests need util-linux's unshare"
    env = {**os.environ, "PYTHONPATH": str(toy_dir), "CI": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if not line.startswith("rc=")]
    assert len(lines) == 1 and lines[0].startswith("servisim: error: "), stderr
    return lines[0]


@pytest.fixture(scope="module")
def analysed(toy_dir, tmp_path_factory) -> Path:
    """A finished 24-run toy batch with its analysis."""
    from experiments import analyze, run_batch

    folder = tmp_path_factory.mktemp("disk")
    (folder / "exp.toml").write_text(TOY.format(samples=24))
    shutil.copy(toy_dir / "servisim_toy.py", folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # the model beside the experiment file and in the working folder
        run_batch(folder / "exp.toml", folder / "batch", engine="sequential", progress="none")
        analyze(folder / "batch")
    return folder / "batch"


def _read_only(tmp_path: Path, command: str, toy_dir: Path) -> subprocess.CompletedProcess:
    ro = shlex.quote(str(tmp_path / "ro"))
    return _in_namespace(f"mount --bind {ro} {ro} && mount -o remount,ro,bind {ro} && "
                         f"{command}", tmp_path, toy_dir)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize(("verb", "args", "message"), [
    ("run", "run --scale 0.02 --out ro/run", "--out ro/run: cannot write in ro: Read-only file "
                                            "system; the folder is on a read-only file system"),
    ("batch", "batch exp.toml --out ro/batch", "--out ro/batch: cannot write in ro: Read-only "
                                              "file system"),
    ("analyze", "analyze ro/batch", "ro/batch: cannot write in ro/batch: Read-only file "
                                    "system; the analysis is written in the batch folder: copy "
                                    "the folder somewhere writable and analyse the copy"),
    ("report", "report ro/batch --lang en", "ro/batch: cannot write in ro/batch: Read-only file "
                                            "system; write the report elsewhere with --out FILE"),
])
def test_a_read_only_folder_gives_one_line_and_changes_nothing(tmp_path, toy_dir, analysed,
                                                                verb, args, message):
    (tmp_path / "ro").mkdir()
    (tmp_path / "exp.toml").write_text(TOY.format(samples=12))
    if verb in ("analyze", "report"):
        shutil.copytree(analysed, tmp_path / "ro" / "batch")
        shutil.rmtree(tmp_path / "ro" / "batch" / "analysis")
    before = _snapshot(tmp_path / "ro")
    proc = _read_only(tmp_path, f"exec {shlex.quote(str(SERVISIM))} {args}", toy_dir)
    assert proc.returncode == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert message in line
    assert "Read-only file system" in line
    assert _snapshot(tmp_path / "ro") == before


def _full(tmp_path: Path, size_kib: int, setup: str, command: str,
          toy_dir: Path) -> subprocess.CompletedProcess:
    full = shlex.quote(str(tmp_path / "full"))
    # after the command: what is left in the small disk, to check nothing is half-written
    return _in_namespace(
        f"mount -t tmpfs -o size={size_kib}k tmpfs {full} && {setup}"
        f"{shlex.quote(str(SERVISIM))} {command}; echo rc=$? >&2; "
        f"find {full} -name '*.tmp' -printf 'TMP %p\\n'; "
        f"{shlex.quote(sys.executable)} -c 'import sys; from experiments import load_results; "
        f"print(\"STORED\", len(load_results(sys.argv[1])))' {full}/batch 2>/dev/null; true",
        tmp_path, toy_dir)


def _rc(proc: subprocess.CompletedProcess) -> int:
    return int(next(line for line in proc.stderr.splitlines() if line.startswith("rc="))[3:])


def test_a_full_disk_during_a_run_gives_one_line_and_leaves_no_folder(tmp_path, toy_dir):
    (tmp_path / "full").mkdir()
    proc = _full(tmp_path, 64, "", f"run --scale 0.02 --out {tmp_path}/full/run", toy_dir)
    assert _rc(proc) == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert f"--out {tmp_path}/full/run: cannot write {tmp_path}/full/run/" in line
    assert "No space left on device; free some space on that disk or choose another folder" \
        in line
    assert "TMP" not in proc.stdout


def test_a_full_disk_during_a_batch_keeps_the_stored_runs_and_says_to_rerun(tmp_path, toy_dir):
    (tmp_path / "full").mkdir()
    (tmp_path / "exp.toml").write_text(TOY.format(samples=40000))
    proc = _full(tmp_path, 1200, "", f"batch exp.toml --out {tmp_path}/full/batch --workers 1"
                                     " --max-runs 40000", toy_dir)
    assert _rc(proc) == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert f"--out {tmp_path}/full/batch: cannot write {tmp_path}/full/batch/" in line
    assert "No space left on device" in line
    assert "the runs stored before are kept: run the same command again once it can write " \
        "there" in line
    assert "TMP" not in proc.stdout


@pytest.mark.parametrize(("verb", "room_kib", "message"), [
    ("analyze", 8, "{full}/batch: cannot write {full}/batch/analysis"),
    ("report", 16, "{full}/batch/report-en.html (the default of --out): cannot write "
                    "{full}/batch/report-en.html: No space left on device"),
])
def test_a_full_disk_during_analyze_or_report_leaves_the_batch_whole(tmp_path, toy_dir,
                                                                      analysed, verb, room_kib,
                                                                      message):
    (tmp_path / "full").mkdir()
    source = tmp_path / "batch"
    shutil.copytree(analysed, source)
    if verb == "analyze":
        shutil.rmtree(source / "analysis")
    pages = sum(-(-p.stat().st_size // 4096) for p in source.rglob("*") if p.is_file())
    full = tmp_path / "full"
    proc = _full(tmp_path, pages * 4 + room_kib, f"cp -a {source} {full}/batch && ",
                 f"{verb} {full}/batch --lang en" if verb == "report" else f"{verb} {full}/batch",
                 toy_dir)
    assert _rc(proc) == 2, proc.stderr
    line = _one_line(proc.stderr)
    assert message.format(full=full) in line
    assert "No space left on device" in line
    assert "TMP" not in proc.stdout and "STORED 24" in proc.stdout


def test_a_full_disk_midway_through_a_run_leaves_the_earlier_run_whole(tmp_path, toy_dir):
    # The new run's table and indicators fit in the room left, its figure does not: none of
    # them may replace the earlier run's (a folder of seed 1's figure and seed 2's numbers).
    (tmp_path / "full").mkdir()
    run, out = shlex.quote(str(SERVISIM)) + " run --scale 0.05", f"{tmp_path}/full/y"
    proc = _in_namespace(
        f"mount -t tmpfs -o size=400k tmpfs {tmp_path}/full && {run} --seed 1 --out {out} "
        f"> /dev/null && md5sum {out}/* > {tmp_path}/before && "
        f"avail=$(df -k --output=avail {tmp_path}/full | tail -1) && "
        f"dd if=/dev/zero of={tmp_path}/full/filler bs=1k count=$((avail - 60)) 2>/dev/null; "
        f"{run} --seed 2 --out {out} > /dev/null; echo rc=$? >&2; "
        f"md5sum {out}/* > {tmp_path}/after; find {tmp_path}/full -name '*.tmp' "
        f"-printf 'TMP %p\\n'", tmp_path, toy_dir)
    assert _rc(proc) == 2, proc.stderr
    assert "No space left on device" in _one_line(proc.stderr)
    assert (tmp_path / "after").read_text() == (tmp_path / "before").read_text()
    assert "TMP" not in proc.stdout
