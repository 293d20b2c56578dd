"""The analysis's notes on runs the history check left out: said as the design uses them."""

from __future__ import annotations

import pytest

from experiments.analysis.notes import history_note


@pytest.mark.parametrize("design", ["crossed", "lhs", "grid", "points"])
def test_the_history_note_of_a_design_without_sobol_or_morris_does_not_mention_them(design):
    note = history_note(design, left_out=1051, checked=8192)
    assert note.key == "history_left_out"
    assert "Sobol" not in note and "Morris" not in note
    assert note.startswith("1051 of 8192 runs contradict")


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_the_history_note_of_a_sobol_or_morris_design_says_its_indices_keep_the_runs(design):
    note = history_note(design, left_out=3, checked=40)
    assert note.key == "history_left_out_indices"
    assert f"{design.capitalize()} indices keep them" in note
    assert "PAWN" not in note  # those designs have no PAWN index
