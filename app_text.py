"""The app's words in French (the default, as the report) and English.

Parameter, indicator, unit and class names come from ``model/locales/labels.toml`` through
:class:`model.labels.Labels`, the same labels the report uses; this file holds only the words
of the app's own interface (buttons, tabs, captions). ``LANG`` is a Solara reactive variable:
each browser session has its own value, and every component that reads it redraws when the
language switch changes it. A session opens in the language ``servisim viz --lang`` gave the
server (the environment variable ``SERVISIM_APP_LANG``), French when none.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

import solara
from matplotlib.ticker import Formatter, PercentFormatter, ScalarFormatter

from experiments.report.typography import french_spacing
from model.labels import LANGS, NBSP, Labels

#: Set by ``servisim viz --lang`` (``experiments/cli/viz.py``): the language a session opens in.
LANG_VARIABLE = "SERVISIM_APP_LANG"


def opening_language() -> str:
    """The language a new session opens in: ``SERVISIM_APP_LANG`` when ``fr`` or ``en``, else fr.

    ``servisim viz`` checks ``--lang`` before it starts the server; a wrong value set by hand
    for ``solara run`` is said on the server's console, and the app opens in French.
    """
    lang = os.environ.get(LANG_VARIABLE, "fr")
    if lang not in LANGS:
        print(f"app: {LANG_VARIABLE}={lang!r} is not a language of the app "
              f"({' or '.join(LANGS)}): opening in French", file=sys.stderr)
        return "fr"
    return lang


#: The language of this session: the opening language, then the FR / EN switch's.
LANG = solara.reactive(opening_language())

TEXT: dict[str, dict[str, str]] = {
    "title": {"fr": "servisim : servicialisation de l'industrie des Hauts-de-France, 2020-2040",
              "en": "servisim: servitization of Hauts-de-France industry, 2020-2040"},
    "controls": {"fr": "Simulation", "en": "Simulation"},
    "play": {"fr": "▶ Lecture", "en": "▶ Play"},
    "pause": {"fr": "❚❚ Pause", "en": "❚❚ Pause"},
    "step": {"fr": "Un trimestre", "en": "One quarter"},
    "reset": {"fr": "Nouveau départ", "en": "New run"},
    "speed": {"fr": "Pause entre deux trimestres : {ms} ms",
              "en": "Pause between quarters: {ms} ms"},
    "seed": {"fr": "Graine aléatoire", "en": "Random seed"},
    "scale": {"fr": "Échelle (1,0 = la région, ~9\u00a0740 entreprises)",
              "en": "Scale (1.0 = the region, ~9,740 firms)"},
    "now": {"fr": "{quarter} · {firms} entreprises · {platforms} plateformes actives",
            "en": "{quarter} · {firms} firms · {platforms} active platforms"},
    "before_start": {"fr": "avant le départ", "en": "before the start"},
    "presets": {"fr": "Scénario de départ", "en": "Starting scenario"},
    "custom": {"fr": "Valeurs personnalisées (aucun scénario).",
               "en": "Custom values (no scenario)."},
    "levers": {"fr": "Leviers (ce que décident la Région et l'État)",
               "en": "Levers (what the Region and the State decide)"},
    "levers_note": {"fr": "⚡ s'applique dès le trimestre suivant, en cours de simulation.",
                    "en": "⚡ applies from the next quarter, during the run."},
    "levers_held": {"fr": "Avant {year}, la simulation garde les leviers à leur valeur par "
                          "défaut (la constante « {name} ») : les valeurs "
                          "choisies valent à partir de {year}.",
                    "en": "Before {year} the run keeps the levers at their defaults (the "
                          "constant “{name}”): the values chosen hold from "
                          "{year}."},
    "uncertainties": {"fr": "Incertitudes (ce que personne ici ne décide)",
                      "en": "Uncertainties (what nobody here decides)"},
    "uncertainties_note": {
        "fr": "Elles décrivent le monde de la simulation : un changement vaut au prochain "
              "départ (bouton « Nouveau départ »).",
        "en": "They describe the run's world: a change applies at the next run "
              "(“New run” button)."},
    "constants": {"fr": "Constantes du modèle (calibrées ou tirées de la littérature)",
                  "en": "Model constants (calibrated or from the literature)"},
    "pending": {"fr": "{n} valeur(s) attendent un nouveau départ.",
                "en": "{n} value(s) wait for a new run."},
    "apply": {"fr": "Nouveau départ avec ces valeurs", "en": "New run with these values"},
    "source": {"fr": "Source", "en": "Source"},
    "hypothesis": {"fr": "hypothèse d'atelier : aucune étude ne la mesure",
                   "en": "workshop hypothesis: no study measures it"},
    "tab_indicators": {"fr": "Indicateurs", "en": "Indicators"},
    "tab_network": {"fr": "Réseau", "en": "Network"},
    "tab_firms": {"fr": "Entreprises", "en": "Firms"},
    "tab_compare": {"fr": "Comparer", "en": "Compare"},
    "verdict_final": {"fr": "Scénario en 2040", "en": "Scenario in 2040"},
    "verdict_live": {"fr": "Verdict provisoire à {quarter}",
                     "en": "Provisional verdict at {quarter}"},
    "verdict_start": {"fr": "Verdict provisoire avant le départ",
                      "en": "Provisional verdict before the start"},
    "verdict_note": {
        "fr": "Les seuils sont ceux de 2040 : avant la fin, ce verdict n'est qu'indicatif.",
        "en": "The bands are for 2040: before the end this verdict is only indicative."},
    "votes": {"fr": "Votes : {counts}. Règle : la médiane des votes (bas < tendanciel < haut).",
              "en": "Votes: {counts}. Rule: the median vote (low < trend < high)."},
    "tie": {"fr": "Égalité entre {a} et {b} ({n} voix chacun) : la médiane tranche pour {c}.",
            "en": "Tie between {a} and {b} ({n} votes each): the median decides {c}."},
    "no_vote": {"fr": "aucun", "en": "none"},
    "indicator": {"fr": "indicateur", "en": "indicator"},
    "value_now": {"fr": "valeur", "en": "value"},
    "vote": {"fr": "vote", "en": "vote"},
    "inspector": {"fr": "Inspecteur d'agent", "en": "Agent inspector"},
    "number": {"fr": "n°", "en": "no."},
    "alive": {"fr": "en activité", "en": "active"},
    "exited": {"fr": "activité cessée", "en": "exited"},
    "history_since": {"fr": "historique depuis {quarter}", "en": "history since {quarter}"},
    "history_since_start": {"fr": "historique depuis le départ",
                            "en": "history since the start"},
    "no_platform": {"fr": "Aucune plateforme pour l'instant.", "en": "No platform yet."},
    "keep": {"fr": "Garder ce parcours pour comparer", "en": "Keep this run to compare"},
    "clear": {"fr": "Oublier les parcours gardés", "en": "Forget the kept runs"},
    "compare_note": {
        "fr": "Chaque nouveau départ garde le parcours précédent (6 au plus) ; le parcours en "
              "cours est en {ink}.",
        "en": "Each new run keeps the previous one (6 at most); the current run is in {ink}."},
    "black": {"fr": "noir", "en": "black"},
    "white": {"fr": "blanc", "en": "white"},  # the current run's colour on the dark theme
    "png_light": {"fr": "La figure PNG est dessinée sur fond blanc, le parcours en cours en "
                        "noir.",
                  "en": "The PNG figure is drawn on white, the current run in black."},
    "export_csv": {"fr": "Trajectoire (CSV)", "en": "Trajectory (CSV)"},
    "export_png": {"fr": "Figure de comparaison (PNG)", "en": "Comparison figure (PNG)"},
}

#: Firm kinds in the order of ``model.state`` (SME, supplier, large), then platforms.
KINDS = {"fr": ("PME", "Sous-traitant amont", "Grande entreprise", "Plateforme"),
         "en": ("SME", "Upstream supplier", "Large firm", "Platform")}

#: Words inside the figures (app_figures.py, app_network.py, app_runs.py).
FIGURE_TEXT: dict[str, dict[str, str]] = {
    "capture": {"fr": "Marché des services : qui le capte ?",
                "en": "Service market: who captures it?"},
    "industrial": {"fr": "industriels", "en": "manufacturers"},
    "platforms": {"fr": "plateformes", "en": "platforms"},
    "share_services": {"fr": "part du chiffre d'affaires des services",
                       "en": "share of service revenue"},
    "servitized": {"fr": "Entreprises servicialisées", "en": "Servitized firms"},
    "adoption": {"fr": "Adoption numérique", "en": "Digital adoption"},
    "sme": {"fr": "PME", "en": "SMEs"},
    "large": {"fr": "grandes", "en": "large"},
    "share_firms": {"fr": "part des entreprises", "en": "share of firms"},
    "jobs": {"fr": "Emplois industriels", "en": "Industrial jobs"},
    "jobs_axis": {"fr": "indice (2017 = 1)", "en": "index (2017 = 1)"},
    "exits": {"fr": "Disparues depuis 2020", "en": "Closed since 2020"},
    "exits_axis": {"fr": "part des entreprises de 10+ salariés en 2020",
                   "en": "share of the 2020 firms of 10+ employees"},
    "incidents": {"fr": "Incidents cyber graves", "en": "Severe cyber incidents"},
    "incidents_axis": {"fr": "pour 1\u00a0000 entreprises par an", "en": "per 1,000 firms a year"},
    "subsidy": {"fr": "Subventions versées", "en": "Subsidy spent"},
    "subsidy_axis": {"fr": "M€, cumul, toute la région", "en": "€ m, cumulative, whole region"},
    "digital": {"fr": "capacité numérique", "en": "digital capability"},
    "service_cap": {"fr": "capacité de service", "en": "service capability"},
    "mark": {"fr": "seuil d'adoption", "en": "adoption mark"},
    "service_share": {"fr": "part des services dans le CA", "en": "service share of revenue"},
    "firms": {"fr": "entreprises", "en": "firms"},
    "servitized_arrow": {"fr": "servicialisée →", "en": "servitized →"},
    "density": {"fr": "densité (1 = case la plus peuplée)",
                "en": "density (1 = fullest cell)"},
    "cash": {"fr": "trésorerie, k€", "en": "cash, € k"},
    "caption_firms": {"fr": "{quarter} : {n} entreprises, dont {s} servicialisées et {i} qui "
                            "vendent des services dès le départ (réparation, installation)",
                      "en": "{quarter}: {n} firms, {s} servitized and {i} selling services "
                            "from the start (repair, installation)"},
    "goods_only": {"fr": "biens seuls", "en": "goods only"},
    "digital_state": {"fr": "numérique adopté", "en": "digital adopted"},
    "climbing": {"fr": "en transition vers les services", "en": "moving into services"},
    "servitized_state": {"fr": "servicialisée", "en": "servitized"},
    "service_firm_state": {"fr": "services dès le départ", "en": "services from the start"},
    "exited_state": {"fr": "sortie", "en": "exited"},
    "supply_link": {"fr": "sous-traitance", "en": "supply chain"},
    "cluster_link": {"fr": "pôle", "en": "cluster"},
    "sector_link": {"fr": "secteur", "en": "sector"},
    "platform_link": {"fr": "client d'une plateforme", "en": "platform customer"},
    "network_title": {"fr": "{quarter} : {p} plateformes actives",
                      "en": "{quarter}: {p} active platforms"},
    "network_note": {
        "fr": "{n} des {total} entreprises de 2020 (un échantillon pris de voisin en voisin), "
              "leurs liens de sous-traitance, de pôle et de secteur ; les plateformes actives "
              "reliées aux clients qu'elles servent.",
        "en": "{n} of the {total} firms of 2020 (a sample grown neighbour by neighbour), their "
              "supply-chain, cluster and sector links; the active platforms linked to the "
              "customers they serve."},
    "current_run": {"fr": "en cours", "en": "current"},
    "custom": {"fr": "personnalisé", "en": "custom"},
    "seed": {"fr": "graine", "en": "seed"},
    "levers_moved": {"fr": "leviers modifiés", "en": "levers moved"},
}


def spaced(text: str, lang: str) -> str:
    """``text`` with French non-breaking spaces (before ``:`` ``;``, inside « », before ``%``).

    As the report sets them (``experiments.report.typography``): a line never starts with a
    colon or a percent sign. English text is returned as it is.
    """
    return french_spacing(text) if lang == "fr" else text


def ft(key: str, lang: str, **values: object) -> str:
    """A figure's word ``key`` in ``lang`` (figures are built for one language)."""
    return spaced(FIGURE_TEXT[key][lang].format(**values), lang)


def t(key: str, **values: object) -> str:
    """The interface text ``key`` in the session's language, with ``values`` filled in."""
    return spaced(TEXT[key][LANG.value].format(**values), LANG.value)


def local(text: str) -> str:
    """Text built by the app or read from the model, spaced for the session's language."""
    return spaced(text, LANG.value)


@lru_cache(maxsize=2)
def labels_for(lang: str) -> Labels:
    """The report's labels and number formats in ``lang`` (cached: the file is read once)."""
    return Labels(lang)


def labels() -> Labels:
    """The labels of the session's language."""
    return labels_for(LANG.value)


def quarter(label: str) -> str:
    """A quarter the French way (``2024T2``) or the English way (``2024Q2``)."""
    return label.replace("Q", "T") if LANG.value == "fr" else label


def quarter_text(model, lang: str | None = None) -> str:
    """The last simulated quarter (``2024T2`` in French, ``2024Q2`` in English).

    Before the first step, "before the start": the model's label is then the quarter before
    2020Q1.

    Args:
        model: the model.
        lang: ``fr`` or ``en`` (default: the session's, for the page; a figure passes its own).

    """
    lang = lang or LANG.value
    if not model.quarter:
        return TEXT["before_start"][lang]
    label = model.quarter_label
    return label.replace("Q", "T") if lang == "fr" else label


def kinds() -> tuple[str, ...]:
    """The kinds of agents in the session's language."""
    return KINDS[LANG.value]


_TICK = re.compile(r"([−-]?)(\d+)(?:\.(\d+))?(%?)")


def local_tick(text: str, lang: str) -> str:
    """A matplotlib tick label (``0.25``, ``4000``, ``12.5%``) written the ``lang`` way.

    French as the report writes numbers: decimal comma, non-breaking space between thousands
    and before ``%`` (``0,25``, ``4 000``, ``12,5 %``); English: ``4,000``.
    """
    m = _TICK.fullmatch(text)
    if not m:
        return text
    sign, whole, decimals, percent = m.groups()
    fr = lang == "fr"
    number = f"{int(whole):,d}".replace(",", NBSP if fr else ",")
    if decimals:
        number += ("," if fr else ".") + decimals
    if percent:
        number += f"{NBSP}%" if fr else "%"
    return sign + number


class LocalFormatter(Formatter):
    """A tick formatter that writes another formatter's labels the ``lang`` way.

    Args:
        base: the formatter that picks the labels (decimals, percent).
        lang: ``fr`` or ``en``.

    """

    def __init__(self, base: Formatter, lang: str) -> None:
        self.base, self.lang = base, lang

    def set_axis(self, axis) -> None:  # the base reads the axis' range for its decimals
        """Attach the formatter, and its base, to an axis."""
        super().set_axis(axis)
        self.base.set_axis(axis)

    def set_locs(self, locs) -> None:
        """Tell the base the tick positions (it picks its decimals from them)."""
        super().set_locs(locs)
        self.base.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x``."""
        return local_tick(self.base(x, pos), self.lang)

    def get_offset(self) -> str:
        """The base's offset text, the ``lang`` way."""
        return local_tick(self.base.get_offset(), self.lang)


def local_ticks(axis, lang: str, percent: bool = False, decimals: int | None = None) -> None:
    """Write an axis' tick labels the ``lang`` way (not for years: 2020 is not 2 020).

    Args:
        axis: ``ax.xaxis`` or ``ax.yaxis``.
        lang: ``fr`` or ``en``.
        percent: the values are shares, shown as percentages.
        decimals: the percentages' decimals (``None``: as many as the range needs).

    """
    base = PercentFormatter(1.0, decimals=decimals) if percent else \
        ScalarFormatter(useOffset=False)
    axis.set_major_formatter(LocalFormatter(base, lang))
