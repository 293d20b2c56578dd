"""The model outputs that match the calibration targets (2020-2024), as one batch function.

``simulate(params, seed)`` is what a calibration batch runs (``model =
"calibration.summaries:simulate"``): it steps the servisim model through its first five years
(2020Q1-2024Q4, the quarters every run shares with a full 2040 run, so the numbers are those a
user sees) and returns one number per entry of :data:`SUMMARIES`.

The run starts in 2020: targets observed in 2012-2022 (jobs and establishment trends) are
matched on the model's own 2020-2024 years, and 2007 firm-level shares on the model's 2020
population. Some outputs need more than the 16 indicators: how many subsidy requests were
made, which firms were attacked and what it cost. :class:`model.history.History` watches the
steps and computes them (every study uses it to check a run's history against the data).
"""

from __future__ import annotations

from typing import Any

from model.history import QUARTERS, SUMMARIES, History, step_with_history

__all__ = ["CHECKED_PRESETS", "PRESET_INDEX", "QUARTERS", "SUMMARIES", "preset_scenario",
           "simulate", "summaries"]



def summaries(model: Any) -> dict[str, float]:
    """Step a fresh model through 2020-2024 and compute every summary.

    Args:
        model: a ``ServitizationModel`` that has not been stepped yet.

    Returns:
        Summary name -> value (``nan`` where a class is empty, e.g. no large firm).

    """
    history = History(model)
    for _ in range(QUARTERS):
        step_with_history(model, history)
    return history.summaries()


def simulate(params: dict[str, Any], seed: int) -> dict[str, float]:
    """Batch function (``f(params, seed) -> dict``): the servisim summaries of one run.

    Args:
        params: registry parameters (anything not given stays at its default).
        seed: the run's seed.

    Returns:
        One value per entry of :data:`SUMMARIES`.

    """
    from model import ServitizationModel

    model = ServitizationModel(rng=seed, headless=True, **params)
    return summaries(model)


#: Presets checked with the calibrated defaults, by index (a batch varies numbers only).
CHECKED_PRESETS = ("low", "trend", "high")
PRESET_INDEX = "preset_index"


def preset_scenario(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """Batch function: a full run of preset ``CHECKED_PRESETS[preset_index]`` on ``params``.

    ``params`` plays the role of the registry defaults (e.g. calibrated values); the preset's
    own values go on top, as ``load_preset`` does on the registry.

    Returns:
        ``own_class`` (1.0 if the run lands in the preset's class, else 0.0) and ``scenario``.

    """
    from model import ServitizationModel, load_preset

    name = CHECKED_PRESETS[int(params[PRESET_INDEX])]
    run = {k: v for k, v in params.items() if k != PRESET_INDEX}
    run.update(load_preset(name))
    model = ServitizationModel(rng=seed, headless=True, **run)
    model.run()
    scenario = model.scenario()
    return {"own_class": float(scenario == name), "scenario": scenario}
