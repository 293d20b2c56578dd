"""The agent inspector: pick an SME, an upstream supplier, a large firm or a platform.

A firm shows its state, the option it would choose now (the step's own decision rule,
``agent.decide()``) and, below, its history since it was picked; a platform shows its
capability, reach, market share, customers, revenue and profit. The model follows only the
picked agent (``AppModel.watch``).
"""

# Solara components are CamelCase functions, as in Mesa's examples.
# ruff: noqa: N802

from __future__ import annotations

import numpy as np
import solara

from agents import FIRM_CLASSES, PlatformEntrant
from app_controls import TICK, redraw
from app_figures import html_table
from app_text import LANG, kinds, labels, local, quarter, t

PLATFORM = 3  # the kind index of platforms in the picker (firms: 0-2, as in model.state)

WORDS = {  # the inspector's row names
    "employees": {"fr": "salariés", "en": "employees"},
    "cash": {"fr": "trésorerie", "en": "cash"},
    "digital": {"fr": "capacité numérique (seuil {m})", "en": "digital capability (mark {m})"},
    "service": {"fr": "capacité de service", "en": "service capability"},
    "share": {"fr": "part des services (servicialisée dès {m})",
              "en": "service share (servitized from {m})"},
    "moving": {"fr": "en transition / servicialisée", "en": "moving / servitized"},
    "strategic": {"fr": "stratège / en pôle / assurée", "en": "strategic / cluster / insured"},
    "security": {"fr": "sécurité / confiance", "en": "security / trust"},
    "incidents": {"fr": "incidents cyber graves", "en": "severe cyber incidents"},
    "choice": {"fr": "choisirait maintenant", "en": "would choose now"},
    "capability": {"fr": "capacité", "en": "capability"},
    "reach": {"fr": "clients qui la connaissent", "en": "customers who know it"},
    "market_share": {"fr": "part du marché des services", "en": "share of the service market"},
    "customers": {"fr": "entreprises clientes (espérance)", "en": "customer firms (expected)"},
    "revenue": {"fr": "chiffre d'affaires par trimestre, toute la région",
                "en": "revenue per quarter, whole region"},
    "profit": {"fr": "résultat par trimestre, toute la région",
               "en": "profit per quarter, whole region"},
    "entered": {"fr": "entrée", "en": "entered"},
}
#: The options of ``agent.decide()`` (``agents.OPTION_NAMES``), joined by " + " when combined.
OPTIONS = {
    "none": {"fr": "aucun investissement", "en": "no investment"},
    "digital": {"fr": "projet numérique", "en": "digital project"},
    "climb": {"fr": "échelon de services suivant", "en": "next service rung"},
    "security": {"fr": "sécurité", "en": "security"},
}


def w(key: str, **values) -> str:
    """An inspector word in the session's language."""
    return WORDS[key][LANG.value].format(**values)


def option_text(choice: str) -> str:
    """A firm's choice (``digital + security``) in the session's language."""
    return " + ".join(OPTIONS[part][LANG.value] for part in choice.split(" + "))


def rows_of_kind(model, kind: int) -> np.ndarray:
    """Rows of the firms of one kind, or of the platforms (kind :data:`PLATFORM`)."""
    if kind == PLATFORM:
        return np.arange(model.platforms.n)
    return np.flatnonzero(model.firms.kind[: model.firms.n] == kind)


def firm_state(model, agent) -> list[tuple[str, object]]:
    """The inspector's rows for a firm."""
    lab, p = labels(), model.p
    yes = lab.value
    return [
        (w("employees"), lab.integer(agent.employees)),
        (w("cash"), lab.money(agent.cash)),
        (w("digital", m=lab.sig(p["adoption_mark"])), agent.digital),
        (w("service"), agent.service),
        (w("share", m=lab.pct(p["servitization_threshold"])), lab.pct(agent.service_share)),
        (w("moving"), f"{yes(agent.servitizing, 'switch')} / {yes(agent.servitized, 'switch')}"),
        (w("strategic"), " / ".join(yes(bool(x), "switch")
                                    for x in (agent.strategic, agent.cluster, agent.insured))),
        (w("security"), f"{lab.sig(agent.security, 2)} / {lab.sig(agent.trust, 2)}"),
        (w("incidents"), agent.severe_incidents),
        (w("choice"), option_text(agent.decide()) if agent.alive else "—"),
    ]


def platform_state(model, agent) -> list[tuple[str, object]]:
    """The inspector's rows for a platform."""
    lab = labels()
    pl = model.platforms
    scale = model.p["population_scale"]
    revenue, profit = agent.revenue / scale, agent.profit / scale
    return [
        (w("capability"), agent.capability),
        (w("reach"), lab.pct(pl.reach[agent.row])),
        (w("market_share"), lab.pct(agent.market_share, 1)),
        (w("customers"), lab.integer(agent.customers)),
        # the simulated firms' money, made the region's as the indicators' is: at scale 0.1
        # a platform earns from a tenth of the region's firms
        (w("revenue"), lab.money(revenue, like=profit)),
        (w("profit"), lab.money(profit, like=revenue)),
        # the 2020 platforms were there before the first quarter, which the page says so
        (w("entered"), t("before_start") if agent.row < model.initial_platforms
         else quarter(model.quarter_label_of(int(agent.entry_quarter)))),
    ]


@solara.component
def AgentInspector(model):
    """Pick a kind (or platforms), then a number; see the agent's state now."""
    TICK.get()
    kind = model.watched_kind

    def pick(kind: int, index: int = 0) -> None:
        candidates = rows_of_kind(model, kind)
        if len(candidates):
            model.watch(kind, int(candidates[min(index, len(candidates) - 1)]))
            redraw()

    names = list(kinds())
    with solara.Column(style={"padding": "8px"}, gap="4px"):
        solara.Text(t("inspector"), style={"font-size": "17px"})
        with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):  # wraps in a narrow column
            for k, name in enumerate(names):
                solara.Button(name, small=True, outlined=k != kind, color="primary",
                              on_click=lambda k=k: pick(k), class_=f"kind-{k}")
        rows = rows_of_kind(model, kind)
        if kind == PLATFORM and not len(rows):
            solara.Text(t("no_platform"))
            return
        row = model.watched_row
        # numbered from 1 in the slider and the heading alike: a facilitator's "SME no. 12"
        # is the one both show (the agent's unique_id, 2 for the first SME, meant nothing)
        number = int(np.searchsorted(rows, row)) + 1
        solara.SliderInt(f"{names[kind]} {t('number')}", value=number, min=1,
                         max=max(len(rows), 1), on_value=lambda n: pick(kind, n - 1))
        if kind == PLATFORM:
            agent = next(a for a in model.agents_by_type[PlatformEntrant] if a.row == row)
            state = platform_state(model, agent)
        else:
            agent = next(a for a in model.agents_by_type[FIRM_CLASSES[kind]] if a.row == row)
            state = firm_state(model, agent)
        status = t("alive") if agent.alive else t("exited")
        if kind == PLATFORM:
            since = ""
        elif model.watched_since:  # the quarter shown when the firm was picked
            since = local(" ; " if LANG.value == "fr" else "; ") + t("history_since",
                             quarter=quarter(model.quarter_label_of(model.watched_since - 1)))
        else:
            since = local(" ; " if LANG.value == "fr" else "; ") + t("history_since_start")
        solara.Text(local(f"{names[kind]} {t('number')} {number} ({status}){since}"),
                    style={"font-weight": "bold"}, classes=["inspected-agent"])
        # name / value pairs under the agent's name: a header row would only say so
        solara.HTML(tag="div", unsafe_innerHTML=html_table(None, state, LANG.value))
