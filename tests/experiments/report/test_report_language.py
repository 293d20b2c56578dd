"""Each report speaks one language: no English in the French report, no French in the English.

The reports of a small crossed servisim study (the shape of ``servisim workshop``) are scanned
for each other language's common words; code (``<code>``, ``<pre>``: the experiment file,
the redo commands, code names), image attributes and citations' proper names are not text.
"""

from __future__ import annotations

import csv
import json
import pickle
import re
import tomllib
from html import unescape
from pathlib import Path

import pytest

from experiments.analysis.notes import EVERY, TEXTS, Note, merge_notes
from experiments.errors import UsageError
from experiments.report.build import build_report, load_batch, render
from experiments.report.i18n import LANGS, load_locale
from experiments.report.typography import french_spacing
from experiments.spec.description import description_in
from experiments.spec.experiment import load_experiment
from model.labels import Labels, load_labels

ROOT = Path(__file__).resolve().parents[3]
STUDY = """
[experiment]
name = "tiny-crossed"
design = "crossed"
policies = 3
scenarios = 4
replicates = 1
seed = 20261130
scale = 0.05
trajectories = true

[experiment.description]
en = "Three policies crossed with four futures, one seed, scale 0.05."
fr = "Trois politiques croisées avec quatre futurs, une graine, échelle 0,05."

[levers]
subsidy_rate = "sa"
subsidy_budget_after = "sa"
secure_framework = "sa"
cluster_share = "sa"

[uncertainties]
covid_shock = "sa"
demand_growth = "sa"
platform_entry_rate = "sa"
platform_cost_advantage = "sa"
installed_base_bonus = "sa"

[fixed]
lever_start_year = 2025
"""
#: Words that give the other language away (spaced: whole words).
FOREIGN = {
    "fr": [" the ", " of ", " and ", " with ", " is ", " which ", " to ", " for ", " are ",
           " from ", " runs ", " seeds ", " levers ", " policies ", " outcome "],
    "en": [" le ", " la ", " les ", " des ", " est ", " une ", " avec ", " pour ", " aux ",
           " sur ", "é"],
}
#: Proper names in citations, written as their authors and publishers write them.
NAMES = ("et al.", "Pénard", "INSEE Première", "France Stratégie", "Syntec Numérique")
#: References to the design notes that a reader cannot open.
INTERNAL = re.compile(r"\b(ev2|dr \d|spec \d|evidence-v2|domain-research|design note)",
                      re.IGNORECASE)


@pytest.fixture(scope="module")
def crossed_reports(tmp_path_factory) -> dict[str, str]:
    """The French and English reports of a 3 policies x 4 futures x 1 seed servisim study."""
    from experiments import run_batch

    folder = tmp_path_factory.mktemp("crossed-report")
    (folder / "study.toml").write_text(STUDY, encoding="utf-8")
    summary = run_batch(folder / "study.toml", folder / "batch", engine="local", workers=2,
                        progress="none")
    assert summary.complete and summary.n_failed == 0
    return {lang: build_report(folder / "batch", lang).read_text(encoding="utf-8")
            for lang in LANGS}


def shown_text(html: str, lang: str) -> str:
    """The page's text in ``lang``: no code, no image data, no text marked as another language."""
    html = re.sub(r"<(style|pre|code)\b[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(rf"<(\w+)\b[^>]*\blang=\"(?!{lang}\")[^\"]*\"[^>]*>.*?</\1>", " ", html,
                  flags=re.S)
    html = re.sub(r"\b(alt|src)=\"[^\"]*\"", " ", html)
    text = unescape(re.sub(r"<[^>]+>", "\n", html))
    for name in NAMES:
        text = text.replace(name, " ")
    return text


def foreign_lines(html: str, lang: str) -> list[str]:
    """The lines of the report that hold a word of the other language."""
    return [line.strip() for line in shown_text(html, lang).splitlines()
            if any(w in f" {line.strip()} ".lower() for w in FOREIGN[lang])]


# --- the reports ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_crossed_study_report_has_no_word_of_the_other_language(crossed_reports, lang):
    html = crossed_reports[lang]
    assert foreign_lines(html, lang) == []
    # everything is in the report's language: nothing had to be marked as foreign
    assert not re.search(r"<\w+\b[^>]*\blang=\"(?!" + lang + r"\")", html.split("<body", 1)[1])


@pytest.mark.parametrize("lang", LANGS)
def test_a_study_of_levers_from_a_later_year_says_when_they_act(crossed_reports, lang):
    text = shown_text(crossed_reports[lang], lang)
    said = {"en": "The levers take their values in 2025: until 2024, every run keeps",
            "fr": "Les leviers prennent leur valeur en 2025\u00a0: jusqu'en 2024, chaque "
                  "simulation"}
    assert said[lang] in text


def test_the_french_report_keeps_colons_and_percent_signs_with_their_words(crossed_reports):
    text = shown_text(crossed_reports["fr"], "fr")
    assert re.findall(r".{12}(?: [:;?!%»]|« ).{12}", text) == []


def test_the_scan_finds_what_leaked_before(crossed_reports):
    """The registry's English sources and English notes in a French page are caught."""
    from model import REGISTRY

    leak = crossed_reports["fr"].replace("</dl>", f"<p>{REGISTRY['subsidy_rate'].source}</p>"
                                         f"<li>{TEXTS['one_replicate']}</li></dl>", 1)
    assert len(foreign_lines(leak, "fr")) == 2
    assert foreign_lines(crossed_reports["en"].replace(
        "</dl>", "<p>les simulations</p></dl>", 1), "en")


@pytest.mark.parametrize("lang", LANGS)
def test_report_shows_the_description_and_the_notes_in_its_language(crossed_reports, lang):
    text = shown_text(crossed_reports[lang], lang)
    locale = load_locale(lang)
    assert tomllib.loads(STUDY)["experiment"]["description"][lang] in text
    assert locale["facts.notes"] in text and "(en anglais)" not in text
    shown = french_spacing if lang == "fr" else str
    assert shown(Labels(lang).param_source("subsidy_rate")) in text
    crossed = locale["note.crossed_pawn"]
    assert shown(crossed[:1].upper() + crossed[1:]) in text


def test_an_experiment_in_one_language_is_shown_marked_with_it(report_batch):
    """The report fixture's description is a plain string (English): French marks it so."""
    html = render(load_batch(report_batch), "fr")
    assert '<p class="description" lang="en">Sixteen runs for the report tests.</p>' in html
    assert '<dd lang="en">Sixteen runs for the report tests.</dd>' in html
    assert 'lang="en"' not in render(load_batch(report_batch), "en").split("<body", 1)[1]


def test_notes_of_an_older_analysis_are_shown_in_english_and_marked(report_batch):
    batch = load_batch(report_batch)
    batch.summary = {k: v for k, v in batch.summary.items() if k != "note_records"}
    batch.summary["notes"] = ["an old note"]
    assert '<li lang="en">an old note</li>' in render(batch, "fr")


# --- what the texts come from -------------------------------------------------------------

def test_every_registry_parameter_has_a_source_in_each_language_without_internal_references():
    from model import PARAMETERS

    labels = load_labels()["parameter"]
    for prm in PARAMETERS:
        for lang in LANGS:
            source = labels[prm.name].get(f"source_{lang}", "")
            assert source.strip(), f"{prm.name}: no source_{lang} in model/locales/labels.toml"
            assert not INTERNAL.search(source), (prm.name, source)
            assert Labels(lang).param_source(prm.name) == source
        assert not [w for w in FOREIGN["fr"] if w in f" {labels[prm.name]['source_fr']} "], \
            prm.name


def test_the_french_labels_call_clusters_poles_throughout():
    # the seed sheet's "pôles de compétitivité": a second word ("grappes") read as a second thing
    french = [text for kind in load_labels().values() for label in kind.values()
              for key, text in label.items() if key.startswith("fr") or key.endswith("_fr")]
    assert any("pôle" in text for text in french)
    assert not [text for text in french if "grappe" in text.lower()]


def test_every_note_the_analysis_can_write_has_a_sentence_in_each_language():
    for lang in LANGS:
        locale = load_locale(lang)
        for key, english in TEXTS.items():
            assert f"note.{key}" in locale, (lang, key)
            assert set(re.findall(r"\{(\w+)\}", locale[f"note.{key}"])) == \
                set(re.findall(r"\{(\w+)\}", english)), (lang, key)


def test_every_note_written_in_the_analysis_code_has_a_key():
    """No English sentence is appended to the notes without a :class:`Note` key.

    A note is made by ``Note(...)`` or by a function of ``notes.py`` named ``..._note``.
    """
    for path in (ROOT / "experiments" / "analysis").glob("*.py"):
        code = path.read_text()
        for call in re.findall(r"notes\.append\((.*)", code):
            assert re.search(r"\bNote\(|_note\(", call), f"{path.name}: notes.append({call}"


def test_every_calibration_target_and_design_has_a_name_in_each_language():
    with open(ROOT / "model" / "targets.csv", newline="") as fh:
        targets = [r["target"] for r in csv.DictReader(fh) if r["use"] == "calibrate"]
    from experiments.spec.experiment import DESIGNS

    for lang in LANGS:
        locale = load_locale(lang)
        assert [n for n in targets if f"target.{n}" not in locale] == [], lang
        assert [d for d in DESIGNS if f"design.{d}" not in locale] == [], lang


def test_a_note_keeps_its_key_through_merging_pickling_and_json():
    a, b = Note("constant", ("x",)), Note("constant", ("y",))
    merged = merge_notes([a, b, Note("pawn_missing", ("y",), missing=1, total=9)], ["x", "y"])
    assert merged == ["every outcome: the same value at every point, no index",
                      "y: 1 of 9 points have no finished run and are left out"]
    assert merged[0].outcomes == EVERY and merged[1].values == {"missing": 1, "total": 9}
    copy = pickle.loads(pickle.dumps(merged[1]))
    assert copy == merged[1] and copy.key == "pawn_missing" and copy.outcomes == ("y",)
    assert json.loads(json.dumps(copy.record()))["key"] == "pawn_missing"


# --- the experiment's description ---------------------------------------------------------

def test_description_may_be_one_string_or_one_text_per_language(tmp_path):
    head = '[experiment]\ndesign = "lhs"\nsamples = 4\n'
    path = tmp_path / "e.toml"
    for extra, expected in (('description = "Plain."\n', {"en": "Plain."}),
                            ('[experiment.description]\nfr = "Texte."\nen = "Text."\n',
                             {"fr": "Texte.", "en": "Text."}),
                            ("", {})):
        path.write_text(head + extra + '[parameters]\nsubsidy_rate = [0.1, 0.4]\n')
        assert load_experiment(path).description == expected
    path.write_text(head + '[experiment.description]\nde = "Text."\n'
                    '[parameters]\nsubsidy_rate = [0.1, 0.4]\n')
    with pytest.raises(UsageError, match="description.*unknown language 'de'"):
        load_experiment(path)
    assert description_in({"en": "Text."}, "fr") == ("Text.", "en")
    assert description_in("Old text.", "fr") == ("Old text.", "en")
    assert description_in({"fr": "T.", "en": "E."}, "fr") == ("T.", "fr")
    assert description_in(None, "en") == ("", "en")


def test_shipped_studies_describe_themselves_in_both_languages():
    for path in (ROOT / "experiments" / "studies").glob("*.toml"):
        assert set(load_experiment(path).description) == set(LANGS), path.name


# --- the wording of the page (the rules themselves: test_report_wording.py) ----------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_crossed_report_never_writes_a_unit_as_a_noun_after_a_number(crossed_reports, lang):
    text = shown_text(crossed_reports[lang], lang).replace("\u00a0", " ")
    noun = {"fr": r"nombre|années|utilité|capacité|part", "en": r"count|utility|capability|share"}
    assert re.findall(rf".{{20}}\d ({noun[lang]})\b.{{10}}", text) == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_crossed_report_defines_the_end_scenario_and_a_policys_chance(crossed_reports, lang):
    text = shown_text(crossed_reports[lang], lang)
    locale = load_locale(lang)
    shown = french_spacing if lang == "fr" else str
    for key in ("glossary.end", "glossary.end_text", "glossary.chance", "glossary.chance_text"):
        assert shown(locale[key]) in text, key
    # the chance's first use on the page is the sentence that says what it is
    first = text.lower().index("chance")
    intro = shown(locale["region.intro"].split("{seeds}")[1])
    assert text.lower().find(intro.lower()) < first < text.lower().find(intro.lower()) + len(intro)
