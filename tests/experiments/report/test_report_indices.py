"""What the report says of sensitivity indices that show no effect, or that no true index has."""

from __future__ import annotations

import pandas as pd
import pytest

from model.labels import LANGS

SCORE = "scenario_score"


def _sobol(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"outcome": o, "parameter": p, "S1": s1, "S1_conf": 0.1, "ST": st,
                          "ST_conf": 0.1} for o, p, s1, st in rows])


def _sobol_batch(report_batch, rows):
    from experiments.report.build import load_batch

    batch = load_batch(report_batch)
    batch.summary["method"] = "sobol"
    batch.summary["outcomes"] = list(dict.fromkeys(o for o, *_ in rows))
    batch.tables["sobol"] = _sobol(rows)
    return batch


@pytest.mark.parametrize("lang", LANGS)
def test_an_outcome_whose_indices_are_all_zero_names_no_parameter_as_weighing_most(
        report_batch, lang):
    from experiments.report.i18n import Translator
    from experiments.report.sections import first_page, sensitivity

    t = Translator(lang)
    batch = _sobol_batch(report_batch, [(SCORE, p, 0.0, 0.0) for p in
                                        ("subsidy_rate", "cluster_share", "secure_framework")])
    page = first_page(batch, batch.results, t)
    assert page["levers"] == t("first.levers_none_score")
    assert t.param_label("subsidy_rate") not in page["levers"]
    said, = sensitivity(batch, t)["sentences"]
    assert said == t("sens.sentence_zero", outcome=t.indicator(SCORE))


@pytest.mark.parametrize("lang", LANGS)
def test_a_sobol_index_above_one_is_said_to_be_noise_of_a_small_sample(report_batch, lang):
    from experiments.report.i18n import Translator
    from experiments.report.sections import sensitivity

    t = Translator(lang)
    rows = [(SCORE, "subsidy_rate", 0.3, 2.57), (SCORE, "cluster_share", 0.1, 0.4)]
    said = sensitivity(_sobol_batch(report_batch, rows), t)["above_one"]
    assert said == t("sens.above_one", value=t.num(2.57, 2),
                     param=t.param_label("subsidy_rate"), outcome=t.indicator(SCORE))


def test_sobol_indices_within_zero_and_one_get_no_such_warning(report_batch):
    from experiments.report.i18n import Translator
    from experiments.report.sections import sensitivity

    rows = [(SCORE, "subsidy_rate", 0.3, 1.004), (SCORE, "cluster_share", -0.05, 0.4)]
    assert sensitivity(_sobol_batch(report_batch, rows), Translator("en"))["above_one"] == ""


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_page_says_when_the_runs_do_not_order_the_parameters_it_names(
        report_batch, lang):
    from experiments.report.i18n import Translator
    from experiments.report.sections import first_page

    t = Translator(lang)
    close = [(SCORE, "subsidy_rate", 0.1, 0.38), (SCORE, "cluster_share", 0.1, 0.25)]
    apart = [(SCORE, "subsidy_rate", 0.1, 0.60), (SCORE, "cluster_share", 0.1, 0.25)]
    said = {name: first_page(batch, batch.results, t)["levers"] for name, batch in
            (("close", _sobol_batch(report_batch, close)),
             ("apart", _sobol_batch(report_batch, apart)))}
    assert said["close"].endswith(t("first.levers_overlap"))  # 0.38 +/- 0.1 meets 0.25 +/- 0.1
    assert t("first.levers_overlap") not in said["apart"]
