"""The run controls: play / pause, one quarter, new run, speed, seed and scale.

Mesa's ``ModelController`` does the same job with English labels and settings a workshop does
not need (render interval, threads); this one speaks the session's language and plays in a
Solara task, as Mesa's does: a step, a redraw, a pause, until paused or 2040Q4.
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import solara

from app_text import labels, t

SEEDS = list(range(100))
SCALES = [0.02, 0.05, 0.1, 0.25, 0.5, 1.0]
#: Bumped after every step: the components that read it redraw.
TICK = solara.reactive(0)
#: Held for a quarter's step: a new run waits for the quarter under way, so that it never
#: keeps (or drops) a run between a step's clock and its data.
STEPPING = threading.Lock()


def redraw() -> None:
    """Ask every live component to redraw (after a step or a change of the watched agent)."""
    TICK.value += 1


@solara.component
def Controls(model: solara.Reactive, restart: Callable[[], None],
             seed: solara.Reactive[int], scale: solara.Reactive[float],
             playing: solara.Reactive[bool] | None = None):
    """Play / pause, one quarter, new run; the pause between quarters; seed and scale.

    ``playing`` is the page's, when given, so that every new run can pause the play.
    """
    own = solara.use_reactive(False)
    playing = own if playing is None else playing
    interval = solara.use_reactive(400)

    def step(played: bool = False) -> None:
        with STEPPING:
            # a new run or the end may have come while this quarter waited for its turn
            if (played and not playing.value) or not model.value.running:
                return
            model.value.step()
        redraw()

    def play() -> None:
        while playing.value and model.value.running:
            time.sleep(interval.value / 1000)
            step(played=True)
        playing.value = False

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def new_run() -> None:
        playing.value = False
        restart()

    running = model.value.running
    with solara.Card(t("controls")):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button(t("pause") if playing.value else t("play"), color="primary",
                          on_click=lambda: playing.set(not playing.value),
                          disabled=not running, class_="play")
            solara.Button(t("step"), color="primary", on_click=lambda: step(),
                          disabled=playing.value or not running, class_="step")
            solara.Button(t("reset"), color="primary", outlined=True, on_click=new_run,
                          class_="new-run")
        solara.SliderInt(t("speed", ms=interval.value), value=interval, min=0, max=2000,
                         step=100)
        # the scales as the session writes them (0,1 in French); the select shows text
        shown = {labels().sig(s): s for s in SCALES}
        solara.Select(t("seed"), value=seed, values=SEEDS)
        solara.Select(t("scale"), value=labels().sig(scale.value), values=list(shown),
                      on_value=lambda text: scale.set(shown[text]))
