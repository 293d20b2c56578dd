"""The report's word on how firm a policy box is (``policy_boxes.csv``'s recurrence)."""

import pandas as pd

from experiments.report.boxes import recurrence_text
from experiments.report.i18n import Translator


def _box(*found: int) -> pd.DataFrame:
    return pd.DataFrame({"parameter": ["subsidy_rate", "cluster_share"][:len(found)],
                         "recurrence": found, "draws": 20})


def test_the_report_calls_a_condition_found_in_under_half_the_draws_a_lead():
    t = Translator("en")
    assert "a lead, not a finding" in recurrence_text(_box(19, 9), "futures", t)
    assert "a lead, not a finding" not in recurrence_text(_box(19, 10), "futures", t)
    assert "(9 of 20)" in recurrence_text(_box(19, 9), "futures", t)


def test_a_box_stored_before_its_recurrence_is_told_without_it():
    assert recurrence_text(_box(19).drop(columns=["recurrence", "draws"]), "futures",
                           Translator("fr")) == ""
