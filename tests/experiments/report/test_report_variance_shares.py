"""The report's variance split says when its four shares do not add up to the whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.report.batch import Batch
from experiments.report.i18n import Translator
from experiments.report.region import shares_note


def _batch(tmp_path: Path, rows: list[tuple[str, float, float, float, float]]) -> Batch:
    """A batch whose analysis holds only the variance split of ``rows``."""
    shares = pd.DataFrame(rows, columns=["outcome", "policy", "scenario", "interaction", "seed"])
    results = pd.DataFrame({"run_id": [0], "status": ["ok"]})
    return Batch(tmp_path, {"model": "servisim"}, results, None, {},
                 {"variance_shares": shares})


def test_a_result_whose_interaction_fell_below_zero_is_said_to_add_up_to_more_than_100(
        tmp_path: Path):
    # the workshop's large firms' digital adoption: 7% + 7% + 0% + 89% = 103%
    batch = _batch(tmp_path, [("digital_adoption_large", 0.0669, 0.0747, 0.0, 0.8889),
                              ("jobs", 0.0115, 0.954, 0.0011, 0.0335)])
    en, fr = Translator("en"), Translator("fr")
    said = shares_note(batch, en)
    assert said.startswith(f"For {en.indicator('digital_adoption_large')}, the interaction's")
    assert said.endswith("its four shares add up to 103%.")
    assert shares_note(batch, fr).endswith("ses quatre parts font 103\u00a0%.")


def test_shares_that_add_up_to_the_whole_get_no_such_note(tmp_path: Path):
    # an interaction of 0 whose shares still add up to 100% needs no word
    batch = _batch(tmp_path, [("jobs", 0.0115, 0.954, 0.0011, 0.0335),
                              ("platform_share", 0.0016, 0.9904, 0.0, 0.0081)])
    assert shares_note(batch, Translator("en")) == ""
