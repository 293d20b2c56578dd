"""Running the quarters of a model without Mesa's event for each one.

Mesa's ``Model.step()`` makes, queues and pops an event for every step, sets its observables
and formats a log line: about 11 us a quarter, 3% of a run at the workshop's scale. While the
model's own quarterly schedule is all that is scheduled, :func:`run_quarters` does what that
event does (the clock, ``steps``, the log line, the model's step) itself, and hands the rest
of the run back to Mesa's ``step()`` as soon as anything else is scheduled. It reads Mesa's
private attributes (``_default_schedule``, ``_event_list``, ``_simulator``, ``_user_step``):
a Mesa without them is simply stepped through ``step()``; ``tests/model/test_run_steps.py``
checks that both ways leave the same clock, schedule and trajectory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import mesa
from mesa.mesa_logging import get_module_logger

_mesa_log = get_module_logger("mesa.model")  # where Mesa's step() logs each step


def _quarterly_schedule(model: mesa.Model) -> Any | None:
    """The model's default schedule if it is all that is scheduled and is due next, else None."""
    try:
        quarters, events = model._default_schedule, model._event_list
        alone = (model._simulator is None and len(events) == 1
                 and quarters.next_scheduled_time == model.time + 1)
        return quarters if alone and callable(model._user_step) else None
    except AttributeError:  # a Mesa that keeps its schedule otherwise
        return None


def run_quarters(model: mesa.Model, before: Callable[[], Any] | None = None,
                 after: Callable[[], Any] | None = None) -> None:
    """Step ``model`` while it is running, as ``model.step()`` would.

    Args:
        model: the model (its ``running`` ends the loop).
        before: called before each step (e.g. ``model.history.History.before_step``).
        after: called after each step (e.g. ``model.history.History.observe``).

    """
    quarters = _quarterly_schedule(model)
    if quarters is not None:
        quarters.pause()
    try:
        while model.running:
            if before is not None:
                before()
            if quarters is not None and model._event_list.is_empty():
                model.time, model.steps = model.time + 1, model.steps + 1
                if _mesa_log.isEnabledFor(logging.INFO):
                    _mesa_log.info(f"Step {model.steps} at time {model.time}")
                model._user_step()
                quarters._execution_count += 1
            else:
                if quarters is not None:  # something else was scheduled: Mesa orders it now
                    quarters.resume()
                    quarters = None
                model.step()
            if after is not None:
                after()
    finally:
        if quarters is not None:  # the next quarter's event, where step() would have left it
            quarters.resume()
