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


def _four(report_batch, fourth: float):
    """Three parameters named first (ST 0.6, 0.55, 0.5 +/- 0.1) and a fourth at ``fourth``."""
    rows = [(SCORE, p, 0.1, st) for p, st in (("subsidy_rate", 0.6), ("cluster_share", 0.55),
                                              ("secure_framework", 0.5),
                                              ("demand_growth", fourth))]
    return _sobol_batch(report_batch, rows)


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_page_says_when_a_parameter_it_does_not_name_cannot_be_told_from_those_it_names(
        report_batch, lang):
    from experiments.report.i18n import Translator
    from experiments.report.sections import first_page

    t = Translator(lang)
    names = t.join([t.param_label(p) for p in ("subsidy_rate", "cluster_share",
                                                "secure_framework")])
    reached = first_page(_four(report_batch, 0.45), _four(report_batch, 0.45).results, t)
    assert reached["levers"].startswith(t("first.levers_score_first", params=names))
    assert reached["levers"].endswith(t("first.levers_reach_one"))  # 0.45 + 0.1 meets 0.5 - 0.1
    apart = first_page(_four(report_batch, 0.2), _four(report_batch, 0.2).results, t)
    assert apart["levers"].startswith(t("first.levers_score", params=names))
    assert t("first.levers_reach_one") not in apart["levers"]


@pytest.mark.parametrize("lang", LANGS)
def test_an_index_sentence_counts_the_parameters_whose_intervals_reach_those_it_names(
        report_batch, lang):
    from experiments.report.i18n import Translator
    from experiments.report.sections import sensitivity

    t = Translator(lang)
    said = sensitivity(_four(report_batch, 0.45), t)["sentences"][0]
    assert said.endswith(t("sens.sentence_reach_one", outcome=t.indicator(SCORE), params="X",
                           n="1").split("X")[1])
    assert said.startswith(t("sens.sentence_reach_one", outcome=t.indicator(SCORE), params="X",
                             n="1").split("X")[0])
    apart = sensitivity(_four(report_batch, 0.2), t)["sentences"][0]
    assert apart.startswith(t("sens.sentence", outcome=t.indicator(SCORE), params="X")
                            .split("X")[0])
