"""Each preset lands in its own class in at least 80% of 40 seeds at scale 0.25 (model v2)."""

import pytest

from model import PRESETS, ServitizationModel, load_preset, preset_key
from model.parameters import ParameterError


@pytest.mark.parametrize("preset", ["low", "trend", "high"])
def test_preset_lands_in_its_own_class_in_80_percent_of_40_seeds(preset):
    classes = []
    for seed in range(40):
        m = ServitizationModel(rng=1000 + seed, headless=True, population_scale=0.25,
                               **load_preset(preset))
        m.run()
        classes.append(m.scenario())
    share = classes.count(preset) / len(classes)
    assert share >= 0.8, f"{preset}: {share:.0%} of runs, classes {classes}"


def test_presets_are_the_three_workshop_scenarios_and_bass():
    assert PRESETS == ("low", "trend", "high", "bass")


def test_unknown_preset_names_the_allowed_ones():
    with pytest.raises(ParameterError, match="allowed low, trend, high, bass"):
        load_preset("medium")


@pytest.mark.parametrize(("french", "key"), [("bas", "low"), ("tendanciel", "trend"),
                                              ("haut", "high")])
def test_a_preset_is_found_by_its_scenarios_french_name(french, key):
    assert preset_key(french) == key
    assert load_preset(french) == load_preset(key)


def test_an_unknown_preset_names_the_french_names_too():
    with pytest.raises(ParameterError, match=r"\(in French bas, tendanciel, haut\)"):
        load_preset("élevé")
