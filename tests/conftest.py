"""Shared fixtures: small, seeded model runs reused across tests."""

from __future__ import annotations

import functools

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
