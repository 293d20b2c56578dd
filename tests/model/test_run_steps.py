"""ServitizationModel.run: the quarters of step(), without Mesa's event per quarter."""

import logging

from model import ServitizationModel


def _stepped(seed: int, **kw) -> ServitizationModel:
    model = ServitizationModel(rng=seed, headless=True, population_scale=0.05, **kw)
    while model.running:
        model.step()
    return model


def _clock(model: ServitizationModel) -> tuple:
    schedule = model._default_schedule
    return (model.steps, model.time, schedule.next_scheduled_time, schedule.execution_count,
            len(model._event_list), model.datacollector._collection_steps)


def test_run_leaves_mesas_clock_and_schedule_where_stepping_does():
    ran = ServitizationModel(rng=4, headless=True, population_scale=0.05)
    ran.run()
    stepped = _stepped(4)
    assert _clock(ran) == _clock(stepped)
    assert ran.trajectory().equals(stepped.trajectory())
    ran.step()
    stepped.step()
    assert _clock(ran) == _clock(stepped)


class _Scheduling(ServitizationModel):
    """Schedules two events from its third quarter on, and records when they run."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.seen: list[tuple] = []

    def step(self) -> None:
        super().step()
        if self.quarter == 3:
            self.schedule_event(self.record, at=self.time)
            self.schedule_event(self.record, at=self.time + 2.5)

    def record(self) -> None:
        self.seen.append((self.time, self.steps, self.quarter))


def test_run_runs_events_scheduled_during_it_when_stepping_would():
    ran = _Scheduling(rng=5, headless=True, population_scale=0.05, end_year=2021)
    stepped = _Scheduling(rng=5, headless=True, population_scale=0.05, end_year=2021)
    ran.run()
    while stepped.running:
        stepped.step()
    assert ran.seen == stepped.seen == [(3.0, 3, 3), (5.5, 5, 5)]
    assert _clock(ran) == _clock(stepped)
    assert ran.trajectory().equals(stepped.trajectory())


def test_run_calls_before_and_after_around_each_step_as_step_with_history():
    from model.history import History, step_with_history

    ran = ServitizationModel(rng=6, headless=True, population_scale=0.05)
    watched = History(ran)
    calls: list[tuple[str, int]] = []

    def before() -> None:
        calls.append(("before", ran.quarter))
        watched.before_step()

    def after() -> None:
        calls.append(("after", ran.quarter))
        watched.observe()

    ran.run(before, after)
    stepped = ServitizationModel(rng=6, headless=True, population_scale=0.05)
    history = History(stepped)
    while stepped.running:
        step_with_history(stepped, history)
    assert calls == [(when, q + (when == "after")) for q in range(ran.n_steps)
                     for when in ("before", "after")]
    assert watched.summaries() == history.summaries()
    assert _clock(ran) == _clock(stepped)


def test_run_logs_mesas_step_lines(caplog):
    with caplog.at_level(logging.INFO, logger="MESA.mesa.model"):
        ServitizationModel(rng=7, headless=True, population_scale=0.05, end_year=2021).run()
        ran = [r.getMessage() for r in caplog.records if r.name == "MESA.mesa.model"]
        caplog.clear()
        _stepped(7, end_year=2021)
        stepped = [r.getMessage() for r in caplog.records if r.name == "MESA.mesa.model"]
    assert ran == stepped == [f"Step {k} at time {float(k)}" for k in range(1, 9)]


def test_a_mesa_without_the_private_schedule_is_stepped_through_step():
    from model.quarters import _quarterly_schedule

    class Bare:
        time = 0.0

    assert _quarterly_schedule(Bare()) is None
