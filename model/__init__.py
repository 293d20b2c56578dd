"""The Mesa model: firm-state arrays, environment, indicators, classification, parameters."""

from model.indicators import INDICATORS
from model.model import ServitizationModel
from model.parameters import PARAMETERS, REGISTRY, Parameter, ParameterError, defaults, resolve
from model.presets import PRESETS, load_preset
from model.scenarios import SCENARIOS, classify, votes

__all__ = [
    "INDICATORS",
    "PARAMETERS",
    "PRESETS",
    "REGISTRY",
    "SCENARIOS",
    "Parameter",
    "ParameterError",
    "ServitizationModel",
    "classify",
    "defaults",
    "load_preset",
    "resolve",
    "votes",
]
