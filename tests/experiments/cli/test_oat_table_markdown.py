"""``scripts/oat_table.py --markdown FILE`` replaces the table between its markers, nothing else."""

from __future__ import annotations

import errno
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "oat_table.py"
START, END = "<!-- oat-table -->", "<!-- /oat-table -->"
TEXT = f"# Heading\n\nText before.\n\n{START}\n\n| old | table |\n|---|---|\n\n{END}\n\nAfter.\n"


def _script():
    spec = importlib.util.spec_from_file_location("oat_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_the_table_between_the_markers_is_replaced(tmp_path):
    path = tmp_path / "oat.md"
    path.write_text(TEXT)
    _script().write_markdown(path, "| new | table |\n|---|---|\n| 1 | 2 |")
    assert path.read_text() == (f"# Heading\n\nText before.\n\n{START}\n\n| new | table |\n"
                                f"|---|---|\n| 1 | 2 |\n\n{END}\n\nAfter.\n")


def test_a_new_file_gets_the_table_between_the_markers(tmp_path):
    path = tmp_path / "new.md"
    _script().write_markdown(path, "| t |\n|---|")
    assert path.read_text() == f"{START}\n\n| t |\n|---|\n\n{END}\n"
    _script().write_markdown(path, "| u |\n|---|")  # and can be refreshed the same way
    assert path.read_text() == f"{START}\n\n| u |\n|---|\n\n{END}\n"


@pytest.mark.parametrize("text", ["# Notes\n\nmine\n", f"{START}\nno end\n",
                                  f"{END}\n{START}\n", f"{START}\n{END}\n{START}\n{END}\n"])
def test_a_file_without_one_pair_of_markers_is_refused_and_left_alone(tmp_path, text):
    module = _script()
    path = tmp_path / "notes.md"
    path.write_text(text)
    with pytest.raises(module.MarkdownError) as caught:
        module.write_markdown(path, "| t |\n|---|")
    message = str(caught.value)
    assert message.startswith(f"--markdown {path}: the file exists and has ")
    assert f"between one line {START} and one line {END} after it" in message
    assert path.read_text() == text


def test_markers_named_in_the_text_are_not_taken_for_the_marker_lines(tmp_path):
    path = tmp_path / "oat.md"
    path.write_text(f"The table sits between `{START}` and `{END}`.\n\n{TEXT}")
    _script().write_markdown(path, "| new |\n|---|")
    assert path.read_text() == (f"The table sits between `{START}` and `{END}`.\n\n# Heading"
                                f"\n\nText before.\n\n{START}\n\n| new |\n|---|\n\n{END}\n\n"
                                "After.\n")


def test_docs_oat_md_takes_its_own_table_back_unchanged():
    text = (ROOT / "docs" / "oat.md").read_text(encoding="utf-8")
    table = text.split(f"\n{START}\n\n")[1].split(f"\n\n{END}\n")[0]
    assert table.startswith("| parameter | role | SA range |")
    assert _script().placed(text, table, Path("docs/oat.md")) == text


def test_a_failed_write_leaves_the_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    module = _script()
    path = tmp_path / "oat.md"
    path.write_text(TEXT)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(module.MarkdownError, match="No space left on device"):
        module.write_markdown(path, "| new |\n|---|")
    assert path.read_text() == TEXT
    assert [p.name for p in tmp_path.iterdir()] == ["oat.md"]


def test_the_script_refuses_a_file_without_markers_before_any_run(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# My notes\n")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--seeds", "2", "--scale", "0.005",
                           "--workers", "1", "--markdown", str(path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert proc.stdout == ""  # no table: nothing was run
    assert (f"oat_table.py: error: --markdown {path}: the file exists and has neither marker "
            "line; the table goes between one line <!-- oat-table --> and one line "
            "<!-- /oat-table --> after it" in proc.stderr)
    assert path.read_text() == "# My notes\n"


def test_the_script_puts_its_table_into_the_file(tmp_path):
    path = tmp_path / "oat.md"
    path.write_text(TEXT)
    proc = subprocess.run([sys.executable, str(SCRIPT), "--seeds", "2", "--scale", "0.005",
                           "--workers", "2", "--markdown", str(path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    text = path.read_text()
    assert text.startswith(f"# Heading\n\nText before.\n\n{START}\n\n| parameter | role |")
    assert text.endswith(f" down |\n\n{END}\n\nAfter.\n")
    assert "| `subsidy_rate` | lever |" in text and "| old | table |" not in text


def test_the_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "oat.md"
    path.write_text(TEXT)
    path.chmod(0o640)
    _script().write_markdown(path, "| new | table |\n|---|---|")
    assert "| new | table |" in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o640
