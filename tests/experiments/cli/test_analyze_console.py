"""``servisim analyze`` names the most influential parameters as the report does."""

from __future__ import annotations

import pandas as pd

from experiments.cli.analyze import influence_line


def _rows(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"parameter": list(values), "pawn": list(values.values()),
                         "pawn_conf": 0.01})


def test_without_a_tie_the_first_three_are_named_largest_first():
    line = influence_line(_rows({"a": 0.1, "b": 0.4, "c": 0.3, "d": 0.2}), "pawn", "pawn_conf")
    assert line == "b 0.40+/-0.01, c 0.30+/-0.01, d 0.20+/-0.01"


def test_parameters_tied_at_the_cut_are_named_as_a_tie_not_picked_in_file_order():
    line = influence_line(_rows({"x": 0.2, "y": 0.2, "top": 0.5, "z": 0.2, "w": 0.2}),
                          "pawn", "pawn_conf")
    assert line == "top 0.50+/-0.01; 4 tie at 0.20, which this design cannot rank: x, y, z, w"


def test_an_outcome_whose_indices_are_all_zero_names_no_parameter():
    line = influence_line(_rows({"a": 0.0, "b": 0.0, "c": 0.0}), "pawn", "pawn_conf")
    assert line == "no index is above 0: no parameter's effect shows in these runs"
