"""Frame time of the app: one Step (model quarter + every component redrawn) at scale 0.1.

Renders the page as the Solara server does (``solara.render`` of the page in an ``AppLayout``)
and clicks Mesa's Step button ``--steps`` times (84 = 2020 to 2040), timing each click until
the re-render is done: the quarter, the six PNG figures, the scenario panel and the
inspector. The Solara server groups a kernel's listeners of one change into one render
(``with render_context``); ``solara.render`` outside a kernel does not, so the clicks are timed
inside that same batch. Also printed: the model step alone and the figures alone.
Target (issue 6): under 1 s per frame at scale 0.1.

Run: ``.venv/bin/python benchmarks/bench_app.py [--scale 0.1] [--steps 84]``. Numbers depend
on what else the machine is doing: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import ipyvuetify as v
import solara

import app
import app_controls
from app_figures import FirmsFigure, HistoryFigure, IndicatorFigure


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    return (f"{label:<34} mean {statistics.fmean(ms):7.1f} ms   median {ms[len(ms) // 2]:7.1f}"
            f"   p90 {ms[int(0.9 * (len(ms) - 1))]:7.1f}   max {ms[-1]:7.1f}")


def bench_page(scale: float, steps: int) -> list[float]:
    """Step + render of the whole page, per click."""
    page = app.Page()
    box, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    if scale != app.SCALE:  # choose the scale in the controls card, then a new run
        rc.find(v.Select, items=app_controls.SCALES).widget.v_model = scale
        rc.find(v.Btn, class_="new-run").widget.click()
    step = rc.find(v.Btn, class_="step").widget
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        with rc:  # one render for the change, as the server does
            step.click()
        times.append(time.perf_counter() - start)
    rc.close()
    return times


def bench_parts(scale: float, steps: int) -> tuple[list[float], list[float]]:
    """The model step alone, and the six figures alone, per quarter."""
    model = app.AppModel(population_scale=scale)
    figures = [app.CAPTURE(model, "fr", False), app.SERVITIZATION(model, "fr", False),
               app.JOBS_EXITS(model, "fr", False), app.CYBER_SUBSIDY(model, "fr", False),
               FirmsFigure(model), HistoryFigure(model)]
    assert isinstance(figures[0], IndicatorFigure)
    for f in figures:
        f.frame(model)  # the backgrounds
    step_times, figure_times = [], []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for f in figures:
            f.frame(model)
        figure_times.append(time.perf_counter() - start)
    return step_times, figure_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--steps", type=int, default=84)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}  (cpus: {os.cpu_count()})")
    frames = bench_page(args.scale, args.steps)
    step_times, figure_times = bench_parts(args.scale, args.steps)
    print(f"scale {args.scale}, {args.steps} steps")
    print(summary("frame (step + render, whole page)", frames))
    print(summary("  model step alone", step_times))
    print(summary("  six figures alone", figure_times))
    worst = max(frames)
    print(f"target < 1000 ms per frame: {'met' if worst < 1.0 else 'NOT met'} "
          f"(worst {1000 * worst:.0f} ms)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
