"""The Mesa model: firm-state arrays, environment, indicators, classification, parameters."""

from typing import Any

from model.indicators import INDICATORS
from model.model import ServitizationModel
from model.parameters import Parameter, ParameterError, by_role, defaults, resolve
from model.presets import PRESETS, load_preset, preset_key
from model.scenarios import SCENARIOS, class_probabilities, classify, votes

__all__ = [
    "INDICATORS",
    "PARAMETERS",
    "PRESETS",
    "REGISTRY",
    "SCENARIOS",
    "Parameter",
    "ParameterError",
    "ServitizationModel",
    "by_role",
    "class_probabilities",
    "classify",
    "defaults",
    "load_preset",
    "preset_key",
    "resolve",
    "votes",
]


def __getattr__(name: str) -> Any:
    # The registry is read on first use (it may read calibration/calibrated.toml).
    if name in ("PARAMETERS", "REGISTRY"):
        from model import parameters

        return getattr(parameters, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
