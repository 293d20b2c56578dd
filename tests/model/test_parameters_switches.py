"""A switch (a true/false parameter) takes True or False, never a value that reads as one."""

from __future__ import annotations

import numpy as np
import pytest

from model import ServitizationModel, load_preset
from model.parameters import ParameterError, resolve

SWITCHES = ("complete_network", "cash_constraint", "adopt_when_considering")


@pytest.mark.parametrize("name", SWITCHES)
@pytest.mark.parametrize("value", [1, 0, "1", "0", "True", "false", 1.0, None, np.int64(1)])
def test_a_switch_refuses_what_only_reads_as_true_or_false(name, value):
    with pytest.raises(ParameterError) as caught:
        resolve({name: value})
    assert caught.value.field == name
    assert str(caught.value) == (f"{name}: {value!r} ({type(value).__name__}) is not a "
                                 "boolean; allowed true or false (Python True or False)")


def test_the_model_refuses_a_switch_given_as_one():
    with pytest.raises(ParameterError, match="complete_network: 1 \\(int\\) is not a boolean"):
        ServitizationModel(rng=1, headless=True, population_scale=0.05, complete_network=1)


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_])
def test_a_switch_takes_a_bool_or_a_numpy_bool_as_a_python_bool(value):
    got = resolve({"complete_network": value})["complete_network"]
    assert got is bool(value)


def test_a_number_refuses_a_numpy_bool_as_it_refuses_a_bool():
    with pytest.raises(ParameterError, match="subsidy_rate: np.True_ is a boolean"):
        resolve({"subsidy_rate": np.True_})


def test_the_bass_preset_and_a_grid_of_switches_still_resolve():
    # the paths that give switches: presets (TOML), a grid's levels (read back from Parquet
    # as numpy bools), --set (its own true/false text), the app's checkbox (a bool)
    assert resolve(load_preset("bass"))["complete_network"] is True
    import pandas as pd

    levels = pd.Series([True, False], dtype="bool")
    assert [resolve({"cash_constraint": v})["cash_constraint"] for v in levels] == [True, False]


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("false", False)])
def test_set_on_the_command_line_still_takes_true_and_false(text, expected):
    from experiments.runs.single import build_parameters

    params = build_parameters(None, [f"adopt_when_considering={text}"], None)
    assert params["adopt_when_considering"] is expected
