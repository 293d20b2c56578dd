"""The report's wording: values read with natural units, and both languages say the same.

Page-level checks of the same rules (on a rendered crossed study) are in
``test_report_language.py``.
"""

from __future__ import annotations

import re

import pytest

from model.labels import LANGS, NBSP, Labels

#: A unit's name used as a noun after a number ("15 nombre", "0,2 utilité", "0,6 part de").
UNIT_NOUN = re.compile(r"\d\s(nombre|count|utilité|utility|capacité|capability|part|share|"
                       r"années|/trimestre|/quarter)\b")
#: Plural units, by language; French puts one and anything under two in the singular.
PLURAL = {"fr": re.compile(r"^(-?[01](,\d+)?)\s(ans|trimestres|liens|jours|sites)\b"),
          "en": re.compile(r"^(-?1)\s(years|quarters|links|days|sites)\b")}


def registry_values(prm) -> list:
    """A parameter's default, SA range and bounds, in its own kind, as the report meets them."""
    values = {prm.default, *(prm.sa_range or ()), *(prm.bounds or ())}
    if prm.kind is bool:
        return sorted(values)
    return [prm.kind(v) for v in sorted(values, key=float)] + [float(v) for v in values]


@pytest.mark.parametrize("lang", LANGS)
def test_no_parameter_value_carries_its_unit_as_a_noun_after_the_number(lang):
    from model import PARAMETERS

    labels = Labels(lang)
    odd = [(prm.name, labels.value(v, prm.unit)) for prm in PARAMETERS
           for v in registry_values(prm)
           if UNIT_NOUN.search(labels.value(v, prm.unit).replace(NBSP, " "))]
    assert odd == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_counted_unit_agrees_with_its_number(lang):
    from model import PARAMETERS

    labels = Labels(lang)
    odd = [(prm.name, labels.value(v, prm.unit)) for prm in PARAMETERS
           for v in registry_values(prm)
           if PLURAL[lang].search(labels.value(v, prm.unit).replace(NBSP, " "))]
    assert odd == []
    one = {"fr": f"1{NBSP}an", "en": f"1{NBSP}year"}[lang]
    assert labels.value(1, "years") == one
    assert labels.value(5, "years") == {"fr": f"5{NBSP}ans", "en": f"5{NBSP}years"}[lang]


def test_a_count_a_utility_and_a_share_of_something_read_as_numbers():
    fr, en = Labels("fr"), Labels("en")
    assert fr.value(15, "count") == "15" and en.value(15, "count") == "15"
    assert fr.value(0.2, "utility") == "0,2" and en.value(0.2, "utility") == "0.2"
    assert fr.value(0.18, "share of the new service sales") == \
        f"18{NBSP}%{NBSP}des nouvelles ventes de services"
    assert en.value(0.6, "share of the gap") == f"60%{NBSP}of the gap"
    assert fr.value(0.6, "capability") == f"0,6{NBSP}sur 1"
    assert en.value(0.25, "/quarter") == f"0.25{NBSP}per quarter"
    # ticks of a share of something are percentages too; the axis title names what of
    assert fr.tick(0.6, "share of the gap") == f"60{NBSP}%"
    assert en.axis_title("max_platforms", "count") == "maximum number of platforms"


#: What each meaning must say in both languages: the words that carry the same fact.
SAME_FACTS = {
    "transition_exit_multiplier": [("climb", "montée"), ("transition", "transition")],
    "service_overhead_share": [("payroll", "masse salariale"), ("paradox", "paradoxe")],
    "platform_reach_years": [("half", "moitié"), ("5%", "5 %"), ("logistic", "logistique")],
    "subsidy_budget_relance": [("whole region", "toute la région"), ("two waves", "deux vagues"),
                               ("2020 Q4", "4e trimestre 2020"), ("2021 Q2", "2e trimestre 2021")],
    "service_capture_2020": [("share", "part"), ("every run starts there", "chaque simulation"),
                             ("know-how penalty", "handicap de savoir-faire")],
}


@pytest.mark.parametrize("name", sorted(SAME_FACTS))
def test_the_english_and_french_meanings_of_a_parameter_say_the_same_facts(name):
    from model import REGISTRY

    english = REGISTRY[name].meaning
    french = Labels("fr").param_meaning(name, english)
    for en_words, fr_words in SAME_FACTS[name]:
        assert en_words in english and fr_words in french, (name, en_words, fr_words)


def test_the_transition_exit_multiplier_acts_during_a_climb_not_below_a_threshold():
    # model/demography.py: the multiplier applies while a firm climbs (IS_SERVITIZING),
    # whatever its service share; the French once said "below the servitization threshold"
    from model import REGISTRY

    english = REGISTRY["transition_exit_multiplier"].meaning
    assert "seuil" not in Labels("fr").param_meaning("transition_exit_multiplier", english)
    assert "threshold" not in english


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("design", ["crossed", "lhs"])
def test_a_report_without_sobol_or_morris_does_not_say_they_keep_the_left_out_runs(
        report_batch, lang, design):
    """An analysis written before the note depended on the design is said as designed too."""
    from experiments.report.build import analysis_notes, load_batch
    from experiments.report.i18n import Translator

    batch = load_batch(report_batch)
    batch.spec["design"] = design
    batch.summary["note_records"] = [{"key": "history_left_out", "outcomes": [],
                                      "values": {"left_out": 1051, "checked": 8192},
                                      "text": "an older sentence"}]
    (text, shown_lang), = analysis_notes(batch, Translator(lang))
    assert shown_lang == lang and "1" in text
    assert "Sobol" not in text and "Morris" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_sobol_report_says_its_indices_keep_the_left_out_runs(report_batch, lang):
    from experiments.report.build import analysis_notes, load_batch
    from experiments.report.i18n import Translator

    batch = load_batch(report_batch)
    batch.spec["design"] = "sobol"
    batch.summary["note_records"] = [{"key": "history_left_out", "outcomes": [],
                                      "values": {"left_out": 3, "checked": 40}}]
    (text, _), = analysis_notes(batch, Translator(lang))
    assert "Sobol" in text and "PAWN" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_experiment_file_is_shown_verbatim_with_a_caption_saying_so(report_batch, lang):
    from html import unescape

    from experiments.report.build import load_batch, render
    from experiments.report.i18n import load_locale
    from experiments.report.typography import french_spacing

    batch = load_batch(report_batch)
    html = unescape(render(batch, lang))
    locale = load_locale(lang)
    summary = locale["facts.source"].split("(")[0]
    details = re.search(rf"<summary>{summary}[^<]*</summary>.*?</details>", html, re.S)[0]
    caption = locale["facts.source_as_stored"]
    assert (french_spacing(caption) if lang == "fr" else caption) in details
    assert f"<pre>{batch.source}</pre>" in details  # the stored file, never translated
    assert {"fr": "anglais", "en": "English"}[lang] in caption


#: Other names once used for the micro-scenario a run ends in ("end scenario", "scénario final").
OTHER_OUTCOME_NAMES = {"fr": ["scénario atteint", "scénario obtenu", "classe de scénario",
                              "classes de scénario", "classe du scénario"],
                       "en": ["scenario reached", "scenario class", "scenario obtained"]}


def report_words(lang: str) -> list[str]:
    """Every text the report can print: its sentences, the figures' words and the labels."""
    from experiments.figures.text import LOCALES as FIGURE_LOCALES
    from experiments.figures.text import read_locale
    from experiments.report.i18n import load_locale
    from model.labels import load_labels

    labels = [entry[key] for kind in load_labels().values() for entry in kind.values()
              for key in entry if key == lang or key.startswith(f"{lang}_")]
    return [*load_locale(lang).values(), *read_locale(FIGURE_LOCALES, lang).values(), *labels]


@pytest.mark.parametrize("lang", LANGS)
def test_the_scenario_a_run_ends_in_has_one_name(lang):
    found = [text for text in report_words(lang)
             if any(name in text.lower() for name in OTHER_OUTCOME_NAMES[lang])]
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_defines_the_end_scenario_its_score_and_a_policys_chance(lang):
    from experiments.report.i18n import load_locale

    locale = load_locale(lang)
    term = {"fr": "scénario final", "en": "end scenario"}[lang]
    assert locale["glossary.end"].lower() == term
    assert all(w in locale["glossary.end_text"] for w in ("2040", "-1", "= 0", "= 1"))
    # the score is the end scenario coded as a number, and is called so wherever it is shown
    assert term in locale["region.score"].lower() and term in Labels(lang).indicator(
        "scenario_score").lower()
    chance = locale["glossary.chance_text"]
    said = {"fr": ("simulations retenues", "futurs", "graines", "pas la probabilité"),
            "en": ("kept runs", "futures", "seeds", "not a probability")}[lang]
    assert all(words in chance for words in said), chance
    assert all(words in locale["region.intro"] for words in said)  # its first use


@pytest.mark.parametrize("lang", LANGS)
def test_no_sentence_calls_a_share_of_runs_a_probability(lang):
    from experiments.report.i18n import load_locale

    denial = {"fr": "pas la probabilité", "en": "not a probability"}[lang]
    found = [(key, text) for key, text in load_locale(lang).items()
             if "probabilit" in text.lower() and denial not in text]
    assert found == []



@pytest.mark.parametrize("lang", LANGS)
def test_a_scenario_with_one_run_is_described_by_that_run_not_by_a_median(report_batch, lang):
    from experiments.report.build import load_batch
    from experiments.report.i18n import Translator
    from experiments.report.region import class_description

    batch = load_batch(report_batch)
    medians = batch.table("class_medians").copy()
    medians.loc[medians["scenario"].eq("high"), "runs"] = 1
    batch.tables["class_medians"] = medians
    text = class_description(batch, "high", Translator(lang))
    start = {"en": "Its one run, in 2040:", "fr": "Sa seule simulation, en 2040"}[lang]
    assert text.startswith(start)


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_says_a_policys_interval_divides_its_runs_by_the_design_effect(lang):
    # policies.py takes Wilson's interval at the runs over Kish's design effect, which is 1
    # where the seeds of a future agree no more than independent runs (the workshop's 0% of
    # low): its seeds then count as two draws, not one
    from experiments.report.i18n import load_locale

    ci = load_locale(lang)["glossary.ci_text"]
    said = {"fr": ("Wilson", "effet de plan"), "en": ("Wilson", "design effect")}[lang]
    assert all(words in ci for words in said), ci
    assert {"fr": "comptant pour un seul tirage", "en": "as one draw"}[lang] not in ci
