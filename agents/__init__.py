"""The four Mesa agent classes and the decision rules they share with the vectorised step."""

from agents.decisions import OPTION_NAMES, DecisionContext, attention_probability, option_values
from agents.firms import SME, Firm, LargeFirm, UpstreamSupplier
from agents.platforms import PlatformEntrant

#: Agent class per firm kind code (see ``model.state``: 0 SME, 1 supplier, 2 large).
FIRM_CLASSES = (SME, UpstreamSupplier, LargeFirm)

__all__ = [
    "FIRM_CLASSES",
    "OPTION_NAMES",
    "SME",
    "DecisionContext",
    "Firm",
    "LargeFirm",
    "PlatformEntrant",
    "UpstreamSupplier",
    "attention_probability",
    "option_values",
]
