"""Agent attributes that are views on the model's state arrays."""

from __future__ import annotations

from typing import Any

import mesa


class StateField:
    """A descriptor exposing one element of a state array as an agent attribute.

    Reading ``agent.digital`` returns ``model.firms.digital[agent.row]``; writing it writes the
    array, so an agent and the arrays always agree.

    Args:
        store: the model attribute holding the arrays (``firms`` or ``platforms``).
        cast: Python type returned (so agents hand out plain floats, ints and bools).
        doc: what the attribute means.

    """

    def __init__(self, store: str, cast: type, doc: str) -> None:
        self.store = store
        self.cast = cast
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        return self.cast(getattr(getattr(agent.model, self.store), self.name)[agent.row])

    def __set__(self, agent: Any, value: Any) -> None:
        getattr(getattr(agent.model, self.store), self.name)[agent.row] = value


class RowAgent(mesa.Agent):
    """A Mesa agent that is a view on one row of the model's state arrays.

    Args:
        model: the model.
        row: the agent's row in the arrays (stable: an agent that leaves is marked, not moved).

    """

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row
