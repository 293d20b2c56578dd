"""The four Mesa agent classes and the decision rules they share with the vectorised step."""

from agents.decisions import OPTION_NAMES, DecisionContext, decide, option_values
from agents.firms import FIRM_CLASSES, SME, Firm, LargeFirm, UpstreamSupplier
from agents.platforms import PlatformEntrant

__all__ = [
    "FIRM_CLASSES",
    "OPTION_NAMES",
    "SME",
    "DecisionContext",
    "Firm",
    "LargeFirm",
    "PlatformEntrant",
    "UpstreamSupplier",
    "decide",
    "option_values",
]
