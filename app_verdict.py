"""The live verdict: the scenario class of the current indicators, provisional before 2040.

The class is the median of the voting indicators' votes (``model.scenarios``), and the bands
are those of 2040: before the run ends the verdict is shown as provisional (an outlined chip,
a note), with the count of votes for each class and, when two classes have the most votes, the
tie and how the median rule settles it.
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

import solara

from app_controls import TICK
from app_figures import html_table
from app_text import LANG, labels, local, quarter, t
from model import classify, votes
from model.scenarios import SCENARIO_COLOURS, SCENARIOS, class_probabilities


def vote_counts(cast: dict[str, str | None]) -> dict[str, int]:
    """How many indicators vote for each class (indicators without a vote left out)."""
    return {c: sum(v == c for v in cast.values()) for c in SCENARIOS}


def tie(counts: dict[str, int]) -> tuple[str, str] | None:
    """The two classes sharing the most votes, or ``None`` when one class has the most."""
    top = max(counts.values())
    leaders = [c for c in SCENARIOS if counts[c] == top]
    return (leaders[0], leaders[1]) if top > 0 and len(leaders) > 1 else None


@solara.component
def ScenarioPanel(model):
    """The verdict (final in 2040Q4, provisional before), the votes, ties and bands."""
    TICK.get()
    lab = labels()
    lang = LANG.value
    indicators = model.indicators()
    cls, cast = classify(indicators), votes(indicators)
    counts = vote_counts(cast)
    final = not model.running
    if final:
        heading = t("verdict_final")
    elif model.quarter:
        heading = t("verdict_live", quarter=quarter(model.quarter_label))
    else:
        heading = t("verdict_start")
    with solara.Column(style={"padding": "8px"}, gap="4px"):
        with solara.Row(style={"align-items": "center"}):
            solara.Text(local(heading + (" :" if lang == "fr" else ":")),
                        style={"font-size": "17px"})
            solara.v.Chip(children=[lab.klass(cls)], color=SCENARIO_COLOURS[cls],
                          dark=final, outlined=not final, label=True, class_="scenario-class")
        if not final:
            solara.Text(t("verdict_note"), style={"font-size": "14px", "font-style": "italic"})
        shares = class_probabilities([v for v in cast.values() if v])
        solara.Text(t("votes", counts=", ".join(
            f"{lab.klass(c)} {counts[c]} ({lab.pct(shares[c])})" for c in SCENARIOS)),
            style={"font-size": "14px"})
        pair = tie(counts)
        if pair:
            solara.Text(t("tie", a=lab.klass(pair[0]), b=lab.klass(pair[1]), n=counts[pair[0]],
                          c=lab.klass(cls)), style={"font-size": "14px", "font-weight": "bold"},
                        classes=["verdict-tie"])
        rows = [[lab.indicator(name), lab.indicator_value(name, indicators[name]),
                 f"<b style='color:{SCENARIO_COLOURS.get(vote, 'inherit')}'>"
                 f"{lab.klass(vote) if vote else t('no_vote')}</b>"]
                for name, vote in cast.items()]
        solara.HTML(tag="div", unsafe_innerHTML=html_table(
            [t("indicator"), t("value_now"), t("vote")], rows, lang))
