"""A firm's ``decide()`` is the step's own decision on its row, call projects included."""

import numpy as np
import pytest

from agents import PlatformEntrant
from agents import decisions as rules
from model import ServitizationModel, investment

#: 2020-2024: the France Relance waves (2020Q4, 2021Q2) and the January calls of 2023 and 2024
#: bring firms to prepare call projects; Bass attention brings a few dozen others.
STEPS = 20


def _audited_steps(monkeypatch) -> list[tuple[bool, str, str]]:
    """Run a model, and at each round compare each decider's step choice with its decide().

    The comparison runs inside the round, right after its first round and before the subsidy
    book grants anything, so ``decide()`` sees the very state the step decides on.

    Returns:
        One ``(prompted, step's choice, decide())`` per decider whose subsidy answer is the
        same alone as in the round (see the tests' docstrings).

    """
    model = ServitizationModel(rng=5, headless=False, population_scale=0.05)
    first_round = investment._first_round
    auditing = [False]  # decide() itself runs a first round: not the step's
    pairs: list[tuple[bool, str, str]] = []

    def auditing_first_round(values, codes, flags, hurdle, hazard, rows, prompted, *rest):
        out = first_round(values, codes, flags, hurdle, hazard, rows, prompted, *rest)
        if auditing[0]:
            return out
        table, choice, applied, applying, requests = out
        # What the book will answer in the round (first come, first served), and each alone.
        in_order = model.policy.would_grant(requests)
        alone = np.array([model.policy.would_grant(requests[k:k + 1])[0]
                          for k in range(len(requests))], bool)
        granted = np.zeros(len(rows), bool)
        granted[applying] = in_order
        final, security, *_ = investment._final_round(flags, rows, table, choice, applied,
                                                       granted, rest[-1])
        step = rules.Decision(final, security, *np.zeros((3, len(rows))), 0.0).names()
        same_answer = np.ones(len(rows), bool)
        same_answer[applying] = in_order == alone
        agents = {a.row: a for a in model.agents if not isinstance(a, PlatformEntrant)}
        auditing[0] = True
        pairs.extend((bool(prompted[k]), step[k], agents[row].decide())
                     for k, row in enumerate(rows.tolist()) if same_answer[k])
        auditing[0] = False
        return out

    monkeypatch.setattr(investment, "_first_round", auditing_first_round)
    for _ in range(STEPS):
        model.step()
    return pairs


@pytest.fixture(scope="module")
def audited():
    with pytest.MonkeyPatch.context() as patch:
        return _audited_steps(patch)


def test_decide_is_the_steps_choice_for_rows_a_subsidy_call_brought(audited):
    """Excluded: applicants whose grant depends on who applied before them in the round.

    The step grants first come, first served; ``decide()`` asks the book for one row alone,
    so where earlier requests used the budget the answers differ by design, not by error.
    """
    prompted = [(step, own) for was_prompted, step, own in audited if was_prompted]
    assert len(prompted) > 150
    assert [own for _, own in prompted] == [step for step, _ in prompted]


def test_decide_is_the_steps_choice_for_rows_brought_by_attention(audited):
    """Excluded, as for call projects: applicants the round's budget order answers otherwise."""
    others = [(step, own) for was_prompted, step, own in audited if not was_prompted]
    assert len(others) > 30
    assert [own for _, own in others] == [step for step, _ in others]
