"""Shared fixtures: small, seeded model runs reused across tests."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from model import ServitizationModel, load_preset


@functools.lru_cache(maxsize=32)
def _finished(seed: int, scale: float, preset: str | None, items: tuple) -> ServitizationModel:
    kw = dict(load_preset(preset)) if preset else {}
    kw.update(dict(items))
    model = ServitizationModel(rng=seed, headless=True, population_scale=scale, **kw)
    model.run()
    return model


@pytest.fixture
def finished_run():
    """Return a finished headless run (cached): finished_run(seed, scale, preset, **params)."""

    def make(seed: int = 1, scale: float = 0.1, preset: str | None = None, **params):
        return _finished(seed, scale, preset, tuple(sorted(params.items())))

    return make


@functools.lru_cache(maxsize=8)
def _stepped(seed: int, scale: float, quarters: int) -> ServitizationModel:
    model = ServitizationModel(rng=seed, headless=True, population_scale=scale)
    for _ in range(quarters):
        model.step()
    return model


@pytest.fixture
def stepped_run():
    """Return a headless run some quarters in (cached, so read it and change nothing).

    Called as ``stepped_run(seed, scale, quarters)``.
    """
    return _stepped


# --- batches: a toy model with a known answer, importable as "servisim_toy:toy" ----------------
TOY_MODEL = '''
"""A toy model for batch tests: y = a + 2 b (+ noise); fails, dies or hangs on request."""
import os
import time

import numpy as np


def toy(params, seed):
    a, b = params["a"], params["b"]
    if params.get("sleep"):
        time.sleep(params["sleep"])
    if a > params.get("fail_above", 1e9):
        raise ValueError(f"a={a:.3f} is too big")
    if a == params.get("die_at", None):
        if params.get("die_log"):  # one line per death, to count the tries
            with open(params["die_log"], "a") as fh:
                fh.write(f"{os.getpid()}\\n")
        os._exit(3)
    if a == params.get("hang_at", None):
        time.sleep(3600)
    if a == params.get("interrupt_at", None):
        raise KeyboardInterrupt("the model raised it")
    y = a + 2 * b + params.get("noise", 0.0) * np.random.default_rng(seed).normal()
    if a == params.get("nan_at", None):
        y = float("nan") if b < 0.5 else float("inf")
    return {"y": y, "z": a * b, "scenario": "high" if y > 2 else ("trend" if y > 1 else "low")}
'''


@pytest.fixture(scope="session")
def toy_dir(tmp_path_factory):
    """A folder holding ``servisim_toy.py`` (the toy model)."""
    folder = tmp_path_factory.mktemp("toy")
    (folder / "servisim_toy.py").write_text(TOY_MODEL)
    return folder


TOY_STUDY = """\
[experiment]
name = "{name}"
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


@pytest.fixture(scope="session")
def analysed_toy_batch(toy_dir):
    """Make a finished, analysed 12-run batch of the toy model: ``make(folder, name, figures)``.

    The experiment file (``folder/exp.toml``, named ``name``) and the model sit side by side,
    and the batch runs from that folder, as a user would run it; returns ``folder/batch``.
    """
    from experiments import analyze, run_batch

    def make(folder: Path, name: str, figures: bool = True) -> Path:
        (folder / "exp.toml").write_text(TOY_STUDY.format(name=name))
        shutil.copy(toy_dir / "servisim_toy.py", folder)
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            run_batch(folder / "exp.toml", folder / "batch", engine="sequential",
                      progress="none")
            analyze(folder / "batch", figures=figures)
        return folder / "batch"

    return make


@pytest.fixture
def in_toy_dir(toy_dir, monkeypatch):
    """Work from the toy model's folder, which is on PYTHONPATH (where custom models come from)."""
    monkeypatch.chdir(toy_dir)
    monkeypatch.setenv("PYTHONPATH", str(toy_dir))
    return toy_dir


# --- the report: one small finished, analysed batch of the servisim model ---------------------
REPORT_STUDY = """
[experiment]
name = "tiny-report"
description = "Sixteen runs for the report tests."
design = "lhs"
samples = 16
replicates = 1
seed = 11
scale = 0.1
preset = "trend"
trajectories = true
outcomes = ["industrial_service_capture", "servitized_share_sme", "two_tier_gap",
            "jobs_index_2017", "cumulative_exits_share"]

[parameters]
subsidy_rate = [0.10, 0.40]
secure_framework = [0.0, 0.6]
platform_entry_rate = [0.02, 0.50]
"""


@pytest.fixture(scope="session")
def report_batch(tmp_path_factory) -> Path:
    """A finished, analysed 16-run LHS batch of the servisim model with trajectories.

    Its ``experiment.toml`` is the study file, byte for byte. Shared by the report tests and the
    browser test; tests that change the folder work on a copy.
    """
    from experiments import analyze, run_batch

    folder = tmp_path_factory.mktemp("report")
    toml = folder / "tiny.toml"
    toml.write_text(REPORT_STUDY)
    summary = run_batch(toml, folder / "batch", engine="local", workers=2, progress="none")
    assert summary.complete and summary.n_failed == 0
    analyze(folder / "batch")
    return folder / "batch"
