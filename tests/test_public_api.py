"""Every name the README and the docs show from Python can be imported, as they show it."""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
IMPORT = re.compile(r"^from (\w[\w.]*) import ([\w, ]+)$", re.M)


def _shown() -> list[tuple[str, str]]:
    names = []
    for doc in DOCS:
        for module, listed in IMPORT.findall(doc.read_text()):
            names += [(module, n.strip()) for n in listed.split(",") if n.strip()]
    return names


def test_the_docs_show_the_public_api():
    shown = set(_shown())
    assert {("experiments", "run_batch"), ("experiments", "load_results"),
            ("model", "ServitizationModel")} <= shown


@pytest.mark.parametrize(("module", "name"), _shown())
def test_each_name_shown_imports(module, name):
    assert getattr(import_module(module), name) is not None


def test_the_package_exports_its_public_names_lazily():
    import experiments

    for name in ("run_batch", "BatchSummary", "load_experiment", "load_results", "load_spec",
                 "load_samples", "load_plan", "load_trajectories", "analyze",
                 "scenario_probabilities"):
        assert name in experiments.__all__
        assert callable(getattr(experiments, name))
