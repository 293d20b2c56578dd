"""The workshop report: content, translations, escaping, custom models, the CLI."""

from __future__ import annotations

import base64
import os
import re
import shutil
import time
import tomllib
from html import unescape
from pathlib import Path

import pytest

from experiments import run_batch
from experiments.cli import main
from experiments.errors import UsageError
from experiments.figures.text import LOCALES as FIGURE_LOCALES
from experiments.figures.text import read_locale
from experiments.report.build import build_report, load_batch, render
from experiments.report.i18n import LANGS, NBSP, Translator, load_locale
from experiments.report.typography import french_spacing
from experiments.spec.experiment import load_experiment
from model.labels import load_labels

ROOT = Path(__file__).resolve().parents[3]
SECTIONS = ("answer", "scenarios", "parameters-matter", "parameters", "facts")
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{[a-z_]+\}|TODO|FIXME|XXX|\bNone\b|\bnan\b")
IMG = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]*)\"")


@pytest.fixture(scope="module")
def reports(report_batch) -> dict[str, str]:
    """The report in each language, written by build_report."""
    return {lang: build_report(report_batch, lang).read_text(encoding="utf-8") for lang in LANGS}


def said(t: Translator, key: str, **values) -> str:
    """A locale text as the report shows it (French spacing in French)."""
    text = t(key, **values)
    return french_spacing(text) if t.lang == "fr" else text


def visible_text(html: str) -> str:
    """The page's text without tags, styles and embedded images."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\r\n]+", " ", unescape(html))  # keeps non-breaking spaces


# --- translations --------------------------------------------------------------------------

@pytest.mark.parametrize("load", [load_locale, lambda lang: read_locale(FIGURE_LOCALES, lang)],
                         ids=["report", "figures"])
def test_both_languages_have_the_same_keys_and_fields(load):
    fr, en = load("fr"), load("en")
    assert set(fr) == set(en)
    for key in fr:
        assert fr[key].strip() and en[key].strip(), key
        fields = (set(re.findall(r"\{(\w+)\}", fr[key])), set(re.findall(r"\{(\w+)\}", en[key])))
        assert fields[0] == fields[1], key


def test_every_registry_parameter_indicator_and_unit_has_both_languages():
    from model import INDICATORS, PARAMETERS

    labels = load_labels()
    for prm in PARAMETERS:
        entry = labels["parameter"][prm.name]
        assert {"en", "fr", "fr_phrase", "fr_meaning"} <= set(entry), prm.name
    for name in INDICATORS:
        assert {"en", "fr", "fr_phrase"} <= set(labels["indicator"][name]), name
    for unit in {p.unit for p in PARAMETERS}:
        assert set(LANGS) <= set(labels["unit"][unit]), unit
    for klass in ("low", "trend", "high"):
        assert set(LANGS) <= set(labels["class"][klass]), klass


def test_a_share_that_is_not_zero_is_never_printed_as_zero_percent():
    fr, en = Translator("fr"), Translator("en")
    assert en.pct(13 / 7156) == "0.2%" and fr.pct(13 / 7156) == f"0,2{NBSP}%"
    assert en.pct(0.0) == "0%" and en.pct(0.004) == "0.4%" and en.pct(0.006) == "1%"
    assert en.pct(0.0004, 1) == "0.04%" and en.pct(0.0016, 1) == "0.2%"
    assert en.pct(1.734723e-18) == "0%"  # a bound's rounding error, not a share


def test_an_axis_title_does_not_bracket_a_unit_that_has_its_own_brackets():
    for lang in ("fr", "en"):
        title = Translator(lang).axis_title("competitor_digital_2040", "capability")
        assert "((" not in title and "))" not in title and title.count("(") == 1


def test_numbers_are_written_the_french_way_in_french():
    fr, en = Translator("fr"), Translator("en")
    assert fr.num(0.45) == "0,45" and en.num(0.45) == "0.45"
    assert fr.integer(12345) == f"12{NBSP}345" and en.integer(12345) == "12,345"
    assert fr.pct(0.45) == f"45{NBSP}%" and en.pct(0.45) == "45%"
    assert fr.money(40e6) == f"40{NBSP}M€" and en.money(40e6) == f"€40{NBSP}m"
    assert fr.value(0.2, "share") == f"20{NBSP}%"
    assert fr.value(8e6, "EUR/yr") == f"8{NBSP}M€/an"
    assert fr.sig(0.30665) == "0,307" and en.sig(1234.5) == "1,230"
    assert fr.join(["a", "b", "c"]) == "a, b et c" and en.join(["a", "b"]) == "a and b"


def test_a_missing_key_is_an_error_not_a_blank():
    with pytest.raises(KeyError):
        Translator("fr")("first.no_such_key")


# --- content -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_report_has_every_section_and_every_figure_embedded(reports, lang):
    html = reports[lang]
    t = Translator(lang)
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    text = visible_text(html)
    for key in ("first.heading", "scen.heading", "sens.heading", "params.heading",
                "facts.heading", "first.what_leads", "scen.values_heading"):
        assert said(t, key) in text, key
    for klass in ("low", "trend", "high"):
        assert said(t, f"scenario.{klass}.title") in text
        assert said(t, f"scenario.{klass}.story") in text
    sources = IMG.findall(html)
    # fan charts of the classes that have runs, 2040 values, indices, map, shares
    assert len(sources) >= 5
    for src in sources:
        assert src.startswith("data:image/png;base64,"), src[:60]
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    links = re.findall(r"(?:src|href)=\"([^\"]*)\"", html)
    # Embedded figures are data URIs (their base64 may spell "http" by chance).
    assert not [u for u in links if not u.startswith(("data:", "#"))]
    assert "<script" not in html and "<link" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_report_has_no_placeholder_or_key_left(reports, lang):
    text = visible_text(reports[lang])
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
    keys = set(load_locale(lang))
    assert not [k for k in keys if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]


def test_each_report_speaks_its_own_language(reports):
    fr, en = (visible_text(reports[lang]) for lang in ("fr", "en"))
    assert "Quels paramètres comptent" in fr and "Which parameters matter" not in fr
    assert "Which parameters matter" in en and "Quels paramètres comptent" not in en
    assert f"{NBSP}%" in fr and re.search(r"\d,\d", fr)
    assert f"{NBSP}%" not in en and re.search(r"\d%", en)
    assert "taux de subvention après 2022" in fr and "subsidy rate after 2022" in en


def test_first_page_gives_the_share_of_each_class_and_what_leads_there(report_batch, reports):
    from experiments import load_results

    results = load_results(report_batch)
    results = results[results["plausible"].ne(False)]  # the history check leaves out the rest
    en = visible_text(reports["en"])
    counts = results["scenario"].value_counts()
    for klass in ("low", "trend", "high"):
        count = int(counts.get(klass, 0))
        assert f"runs: {count} of {len(results)}" in en
        assert f"{round(100 * count / len(results))}%" in en
    assert "When " in en or "is rare" in en or "No run ends" in en


def test_parameter_table_and_facts_come_from_the_registry_and_the_spec(report_batch, reports):
    from model import REGISTRY

    spec = load_experiment(report_batch / "experiment.toml")
    en = visible_text(reports["en"])
    for name in spec.parameters:
        assert name in en and REGISTRY[name].meaning in en
        # the source as a reader can look it up, not the registry's design-note references
        assert Translator("en").param_source(name) in en and REGISTRY[name].source not in en
    assert "10% to 40%" in en and "0.02 to 0.5" in en  # a share, a rate per quarter
    for fact in ("Latin hypercube (LHS)", "Root seed", "11", "16 planned, 16 finished, 0 of them "
                 "failed", "SALib", "mesa", "servisim batch"):
        assert fact in en, fact


def test_user_text_is_escaped(report_batch):
    batch = load_batch(report_batch)
    attack = "<script>alert(1)</script>"
    batch.spec["name"] = attack
    batch.spec["description"] = '<img src=x onerror="alert(2)"> & co'
    batch.source = f'name = "{attack}"'
    html = render(batch, "fr")
    assert attack not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt; &amp; co" in html


def test_a_stale_analysis_is_made_again(report_batch, tmp_path):
    import json

    from experiments.store import Store

    copy = tmp_path / "copy"
    shutil.copytree(report_batch, copy)
    assert Store(copy).analysed_runs() == 16
    summary = copy / "analysis" / "summary.json"
    data = json.loads(summary.read_text())
    data["runs"]["finished"] = 3
    summary.write_text(json.dumps(data))
    assert Store(copy).analysed_runs() == 3


def test_a_copied_batch_keeps_the_time_its_last_run_was_stored(report_batch, tmp_path):
    from experiments.store import Store

    copy = tmp_path / "copy"
    shutil.copytree(report_batch, copy)
    stored = Store(report_batch).last_written()
    later = time.time() + 3 * 86400  # a copy made three days later, its files dated then
    for part in (copy / "results").glob("part-*.parquet"):
        os.utime(part, (later, later))
    assert stored is not None and Store(copy).last_written() == stored


# --- custom models and bad input -----------------------------------------------------------

def test_report_of_a_custom_model_skips_what_does_not_apply(in_toy_dir, tmp_path):
    toml = in_toy_dir / "toy_report.toml"
    toml.write_text('[experiment]\nname = "toy"\ndesign = "lhs"\nsamples = 40\nseed = 3\n'
                    'model = "servisim_toy:toy"\n\n[parameters]\na = [0.0, 1.0]\nb = [0.0, 1.0]\n')
    run_batch(toml, tmp_path / "toy", engine="sequential", progress="none")
    for lang in LANGS:
        html = build_report(tmp_path / "toy", lang).read_text(encoding="utf-8")
        t = Translator(lang)
        text = visible_text(html)
        assert '<section id="scenarios">' not in html
        assert said(t, "report.title_custom") in text
        assert f"<title>{t('report.title')}" not in html
        assert said(t, "first.intro_custom", model="servisim_toy:toy", runs="40", k=2,
                    params=t.join(["a", "b"])) in text
        # the copy of the experiment file is not beside the model's module
        assert "PYTHONPATH=MODEL_FOLDER servisim batch" in html
        assert said(t, "first.card_label", klass=t.klass("high")) in text
        assert not PLACEHOLDER.search(text)
        assert all(s.startswith("data:image/png;base64,") for s in IMG.findall(html))
        assert "servisim_toy:toy" in text


def test_a_sobol_report_says_how_precise_the_top_indices_are(in_toy_dir, tmp_path):
    toml = in_toy_dir / "toy_sobol.toml"
    toml.write_text('[experiment]\nname = "toy"\ndesign = "sobol"\nsamples = 64\nseed = 3\n'
                    'second_order = false\nmodel = "servisim_toy:toy"\noutcomes = ["y"]\n\n'
                    '[parameters]\na = [0.0, 1.0]\nb = [0.0, 1.0]\n')
    run_batch(toml, tmp_path / "toy", engine="sequential", progress="none")
    for lang in LANGS:
        text = visible_text(build_report(tmp_path / "toy", lang).read_text(encoding="utf-8"))
        t = Translator(lang)
        lead = said(t, "sens.precision", top=3, share="@", target="@", widest="@", param="@",
                    outcome="@").split("@")[0]
        assert lead in text and not PLACEHOLDER.search(text)


def test_bad_input_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(UsageError, match="no such folder"):
        build_report(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="unknown language"):
        build_report(tmp_path, "de")
    assert main(["report", str(tmp_path)]) == 2
    assert "not a servisim batch folder" in capsys.readouterr().err


def test_report_cli_writes_the_file_it_names(report_batch, tmp_path, capsys):
    out = tmp_path / "sub" / "r.html"
    assert main(["report", str(report_batch), "--lang", "en", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- servisim workshop ---------------------------------------------------------------------

def test_shipped_studies_store_trajectories_for_the_fan_charts():
    for name in ("workshop.toml", "quick.toml", "workshop_screening.toml"):
        spec = load_experiment(ROOT / "experiments" / "studies" / name)
        assert spec.trajectories and spec.is_servisim
        with open(ROOT / "experiments" / "studies" / name, "rb") as fh:
            assert tomllib.load(fh)["experiment"]["trajectories"] is True


def test_workshop_on_a_finished_folder_resumes_and_prints_the_report(report_batch, tmp_path,
                                                                     monkeypatch, capsys):
    from experiments.cli import workshop as cmd_workshop

    copy = tmp_path / "w"
    shutil.copytree(report_batch, copy)
    study = tmp_path / "tiny.toml"
    shutil.copy(report_batch / "experiment.toml", study)
    monkeypatch.setitem(cmd_workshop.STUDIES, "quick", study)
    assert main(["workshop", "--quick", "--out", str(copy), "--lang", "en",
                 "--progress", "none"]) == 0
    out, err = capsys.readouterr()
    assert "(0 now, 16 before)" in err and "analysis is up to date" in err
    assert out.strip() == str((copy / "report-en.html").resolve())
    assert (copy / "report-en.html").is_file()


def test_workshop_passes_the_engine_on_and_says_how_to_resume(tmp_path, monkeypatch, capsys):
    import experiments.runs.batch

    seen = {}

    def interrupted(study, out, **options):
        seen.update(options, study=Path(study).name, out=Path(out))
        raise KeyboardInterrupt

    monkeypatch.setattr(experiments.runs.batch, "run_batch", interrupted)
    code = main(["workshop", "--out", str(tmp_path / "w"), "--engine", "dask",
                 "--scheduler", "tcp://127.0.0.1:8786", "--workers", "3",
                 "--run-timeout", "30", "--max-runs", "5000"])
    assert code == 130
    assert seen == {"study": "workshop.toml", "out": tmp_path / "w", "engine": "dask",
                    "scheduler": "tcp://127.0.0.1:8786", "workers": 3, "progress": "auto",
                    "run_timeout": 30.0, "max_runs": 5000}
    assert "Run the same command again to resume" in capsys.readouterr().err


@pytest.mark.parametrize(("flags", "study", "out"), [
    ([], "workshop.toml", "results/workshop"),
    (["--precise"], "workshop.toml", "results/workshop"),
    (["--screening"], "workshop_screening.toml", "results/workshop_screening"),
    (["--quick"], "quick.toml", "results/quick"),
])
def test_workshop_runs_the_8192_run_study_unless_asked_for_a_smaller_one(flags, study, out,
                                                                       monkeypatch):
    import experiments.runs.batch

    seen = {}

    def interrupted(path, folder, **options):
        seen.update(study=Path(path).name, out=Path(folder))
        raise KeyboardInterrupt

    monkeypatch.setattr(experiments.runs.batch, "run_batch", interrupted)
    assert main(["workshop", *flags]) == 130
    assert seen == {"study": study, "out": Path(out)}
    if study == "workshop.toml":
        with open(ROOT / "experiments" / "studies" / study, "rb") as fh:
            experiment = tomllib.load(fh)["experiment"]
        assert [experiment[k] for k in ("policies", "scenarios", "replicates")] == [32, 128, 2]


def test_negative_first_order_indices_are_explained_in_both_languages():
    assert "se lit comme 0" in load_locale("fr")["sens.intro_sobol"]
    assert "reads as 0" in load_locale("en")["sens.intro_sobol"]


def test_redo_commands_are_the_same_in_both_languages(reports):
    def commands(html: str) -> list[str]:
        return re.findall(r"servisim (?:batch|analyze|report) [^\n<]*", html)

    fr, en = commands(reports["fr"]), commands(reports["en"])
    assert len(fr) == 3 and [c.replace("--lang fr", "") for c in fr] == \
        [c.replace("--lang en", "") for c in en]
