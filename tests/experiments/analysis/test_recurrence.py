"""How often a policy box's restrictions come back over random halves of the futures."""

import pandas as pd

from experiments.analysis.recurrence import recurrence

FUTURES = 40


def _design() -> tuple[pd.DataFrame, pd.DataFrame]:
    samples = pd.DataFrame({"point_id": range(FUTURES), "scenario_id": range(FUTURES)})
    return samples, samples.assign(scenario="trend")


def _search_restricting(always: str, sometimes: str, with_future: int):
    """A search that restricts ``always`` in every half, ``sometimes`` when a future is in it."""
    def search(samples: pd.DataFrame, kept: pd.DataFrame) -> dict:
        limits = {always: (0.5, float("inf"))}
        if with_future in set(samples["scenario_id"]):
            limits[sometimes] = (0.0, 0.3)
        return {"limits": limits}
    return search


def test_a_restriction_every_half_finds_comes_back_in_every_draw():
    samples, kept = _design()
    found = recurrence(_search_restricting("a", "b", 3), samples, kept, ["a", "b"], "test")
    assert found["a"] == 20


def test_a_restriction_that_needs_one_future_comes_back_in_about_half_the_draws():
    samples, kept = _design()
    found = recurrence(_search_restricting("a", "b", 3), samples, kept, ["a", "b"], "test",
                       draws=400)
    assert 160 <= found["b"] <= 240  # a half holds a given future with probability 1/2


def test_a_half_holds_half_the_futures_and_all_their_runs():
    samples, kept = _design()
    seen = []

    def search(some: pd.DataFrame, their_runs: pd.DataFrame) -> None:
        seen.append((some["scenario_id"].nunique(), set(their_runs["point_id"]),
                     set(some["point_id"])))
        return None

    assert recurrence(search, samples, kept, ["a"], "test") == {"a": 0}
    assert all(n == FUTURES // 2 and runs == points for n, runs, points in seen)


def test_the_same_runs_give_the_same_counts_and_each_kind_its_own_draws():
    samples, kept = _design()
    search = _search_restricting("a", "b", 3)
    first = recurrence(search, samples, kept, ["b"], "levers_high", draws=50)
    assert recurrence(search, samples, kept, ["b"], "levers_high", draws=50) == first
    assert recurrence(search, samples, kept, ["b"], "breaks_best", draws=50) != first

