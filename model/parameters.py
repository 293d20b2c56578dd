"""The parameter registry: the one place where every parameter's default, range and meaning live.

The model, the CLI (``--set name=value``), experiment files, the app's sliders, the sensitivity
problem and the report's tables all read this registry; no default is written anywhere else.
Each parameter has two ranges:

* ``bounds``: what the model accepts at all (a share in [0, 1], a cost >= 0). Presets such as
  ``bass`` use values here that lie outside the sensitivity range on purpose.
* ``sa_range``: the plausible range explored by sensitivity analysis (spec section 4), or
  ``None`` for parameters that are not uncertain inputs (seed, horizon, switches).

Rates given per year are converted to per-quarter hazards in the model, never here.

Calibrated defaults: when ``calibration/calibrated.toml`` exists (written by ``servisim
calibrate``), its ``[defaults]`` replace the literature defaults of the parameters it names;
each such parameter keeps its literature value in ``literature_default``. Set the environment
variable ``SERVISIM_DEFAULTS=literature`` to ignore the file.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Number = int | float | bool


class ParameterError(ValueError):
    """A parameter name or value that the registry does not accept.

    Attributes:
        field: the parameter (or option) at fault.

    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes:
        name: binding name, used by the CLI, experiment files, the app and the report.
        default: the value used when nothing else is said.
        kind: ``float``, ``int`` or ``bool``.
        bounds: inclusive (low, high) of accepted values; ``None`` for booleans.
        sa_range: inclusive (low, high) explored by sensitivity analysis, or ``None``.
        unit: unit as shown to users.
        meaning: one line in plain English.
        source: where the default and range come from.
        group: ``lever`` (workshop levers, shown first), ``market``, ``firms``, ``cyber``,
            ``demography``, ``run`` or ``docking``.
        literature_default: the literature value when ``default`` is a calibrated value
            (``calibration/calibrated.toml``), else ``None`` (``default`` is the literature's).

    """

    name: str
    default: Number
    kind: type
    bounds: tuple[float, float] | None
    sa_range: tuple[float, float] | None
    unit: str
    meaning: str
    source: str
    group: str
    literature_default: Number | None = None

    def coerce(self, value: Any) -> Number:
        """Check one value against this parameter's type and bounds.

        Args:
            value: a Python value, or a string as typed on a command line.

        Returns:
            The value as the parameter's type.

        Raises:
            ParameterError: wrong type or outside the accepted bounds.

        """
        value = _coerce_type(self, value)
        if self.bounds is not None:
            low, high = self.bounds
            if not (low <= value <= high):
                raise ParameterError(
                    self.name, f"{value!r} is out of range; allowed {_fmt(low)} to {_fmt(high)}"
                )
        return value


def _coerce_type(p: Parameter, value: Any) -> Number:
    if p.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false", "1", "0"}:
            return value.strip().lower() in {"true", "1"}
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ParameterError(p.name, f"{value!r} is not a boolean; allowed true or false")
    if isinstance(value, bool):
        raise ParameterError(p.name, f"{value!r} is a boolean; expected a {p.kind.__name__}")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace("_", ""))
        except ValueError:
            raise ParameterError(
                p.name, f"{value!r} is not a number; expected a {p.kind.__name__}"
            ) from None
    if not isinstance(value, int | float) and not hasattr(value, "__float__"):
        raise ParameterError(p.name, f"{value!r} is not a number; expected a {p.kind.__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ParameterError(p.name, f"{value!r} is not a finite number")
    if p.kind is int:
        if value != int(value):
            raise ParameterError(p.name, f"{value!r} is not a whole number")
        return int(value)
    return value


def _fmt(x: float) -> str:
    return f"{x:g}"


def _p(name, default, bounds, sa, unit, meaning, source, group, kind=float) -> Parameter:
    return Parameter(name, default, kind, bounds, sa, unit, meaning, source, group)


_DR = "domain-research.md"
_SHARE = (0.0, 1.0)

PARAMETERS: tuple[Parameter, ...] = (
    # --- run ---------------------------------------------------------------------------------
    _p("population_scale", 1.0, (0.005, 2.0), None, "x",
       "1.0 = the whole region (about 9,740 establishments); 0.1 for quick runs",
       "INSEE, 10 ans d'industrie (9,740 establishments, 2022)", "run"),
    _p("start_year", 2020, (2020, 2020), None, "year", "first simulated year",
       "workshop horizon", "run", int),
    _p("end_year", 2040, (2021, 2060), None, "year", "last simulated year (its Q4 is the end)",
       "workshop horizon", "run", int),
    # --- workshop levers -----------------------------------------------------------------------
    _p("subsidy_rate", 0.20, _SHARE, (0.10, 0.40), "share",
       "share of capex covered by the relaunch subsidy",
       "France Relance Industrie du futur (40% at launch, later 20%)", "lever"),
    _p("subsidy_budget_relance", 40e6, (0.0, 1e9), (25e6, 60e6), "EUR",
       "regional envelope of the 2020-2022 relaunch window (whole region)",
       f"{_DR} 2.4 (HdF share of EUR 280 m + 175 m waves)", "lever"),
    _p("subsidy_budget_after", 8e6, (0.0, 1e9), (0.0, 40e6), "EUR/yr",
       "regional digitalisation budget per year after 2022", f"{_DR} 4.2 levers", "lever"),
    _p("subsidy_attention", 0.15, (0.0, 10.0), None, "/yr",
       "extra external influence on eligible firms while a subsidy call is open",
       "France Relance 2020 wave: 1 in 6 eligible firms applied within weeks", "lever"),
    _p("support_conversion_rate", 0.03, _SHARE, (0.0, 0.10), "/yr",
       "share of myopic firms that support programmes turn strategic each year",
       f"{_DR} 4.2 (assumption)", "lever"),
    _p("secure_framework", 0.2, _SHARE, (0.0, 0.6), "share",
       "cut in attack probability and adoption risk from trusted software and public aid",
       "CESIN 2019-2022 (attack rate 65% to 45%); assumption", "lever"),
    _p("covid_hurdle_premium", 0.03, (0.0, 0.5), (0.0, 0.06), "/yr",
       "added to hurdle rates while Covid uncertainty lasts",
       "Meier & Tarhan 2006; Jagannathan et al. 2011 (hurdle premia ~5 pp)", "lever"),
    _p("covid_hurdle_until", 2021, (2020, 2040), (2020, 2024), "year",
       "last year of the Covid hurdle premium", f"{_DR} 4.2 levers", "lever", int),
    _p("cluster_share", 0.15, _SHARE, (0.05, 0.40), "share of firms",
       "members of clusters / lab partnerships", f"{_DR} 4.1 O10", "lever"),
    _p("cluster_imitation_multiplier", 1.5, (0.0, 10.0), (1.0, 2.5), "x",
       "imitation boost for cluster members", f"{_DR} 1.2 (assumption)", "lever"),
    _p("platform_entry_rate", 0.10, (0.0, 5.0), (0.02, 0.50), "/quarter",
       "Poisson intensity of platform entry at fully unserved service demand",
       "McKinsey 2017 (digital natives enter the aftermarket); assumption", "lever"),
    _p("platform_cost_advantage", 0.7, (0.1, 1.5), (0.5, 0.9), "x",
       "platform service cost (and price) relative to incumbents; lower is stronger",
       "Bain 2021 (SaaS vs EaaS economics); assumption", "lever"),
    _p("platform_network_effect", 0.10, (0.0, 2.0), (0.0, 0.30), "utility per ln(customers)",
       "data network effect of platforms", "Beverungen et al. 2020; assumption", "lever"),
    _p("installed_base_bonus", 0.20, (0.0, 3.0), (0.0, 0.40), "utility",
       "incumbent's advantage on its own customers (product know-how, machine data)",
       "Syntec Numerique 2016; assumption", "lever"),
    # --- firms: diffusion and decisions ----------------------------------------------------------
    _p("supplier_share", 0.40, _SHARE, (0.30, 0.55), "share of SMEs",
       "upstream suppliers (intermediate goods, subcontracting) among SMEs",
       "INSEE HdF (subcontracting weight); assumption", "firms"),
    _p("myopic_share", 0.5, _SHARE, (0.3, 0.7), "share of SMEs",
       "SMEs that 'navigate by sight'", "regional foresight sheet (trend scenario)", "firms"),
    _p("bass_p_sme", 0.005, (0.0, 1.0), (0.002, 0.02), "/yr",
       "external influence (innovation coefficient), SMEs and suppliers",
       f"{_DR} 2.7 (fitted to INSEE/Eurostat paths)", "firms"),
    _p("bass_p_large", 0.02, (0.0, 1.0), (0.005, 0.05), "/yr",
       "external influence, large firms", f"{_DR} 2.7", "firms"),
    _p("bass_q", 0.20, (0.0, 3.0), (0.10, 0.50), "/yr", "imitation coefficient",
       f"{_DR} 2.7; Sultan, Farley & Lehmann 1990", "firms"),
    _p("hurdle_rate_sme", 0.14, (0.0, 1.0), (0.10, 0.20), "/yr",
       "discount (hurdle) rate of SMEs and suppliers", "Meier & Tarhan 2006 (WACC + premium)",
       "firms"),
    _p("hurdle_rate_large", 0.10, (0.0, 1.0), (0.07, 0.14), "/yr",
       "discount (hurdle) rate of large firms", "Meier & Tarhan 2006", "firms"),
    _p("investment_cost_sme", 350000.0, (0.0, 1e8), (150000.0, 700000.0), "EUR",
       "digital+service package for a reference SME of 20 employees; scales with "
       "employees^0.75", "France Relance (EUR 2.7 bn / 7,800 projects = EUR 346 k)", "firms"),
    _p("learning_rate", 0.15, (0.0, 0.9), (0.05, 0.25), "per doubling",
       "fall of adoption cost per doubling of cumulative adoptions (Wright's law)",
       "Nagy et al. 2013 (typical 10-25%)", "firms"),
    _p("transition_quarters", 8, (1, 40), (4, 16), "quarters",
       "length of the service transition (J-curve)", "Visnjic et al. 2016; EASME 2018", "firms",
       int),
    _p("transition_cost_share", 0.10, (0.0, 1.0), None, "share of payroll",
       "service-organisation cost during the transition",
       "EASME 2018 (10% of SME FTE develop services)", "firms"),
    _p("adoption_mark", 0.5, (0.05, 0.95), None, "capability",
       "digital capability from which a firm counts as a digital adopter", "assumption", "firms"),
    _p("initial_adoption_sme", 0.08, _SHARE, None, "share",
       "SMEs past the adoption mark in 2020", "INSEE Premiere 1854 (IoT 2020: 7-10%)", "firms"),
    _p("initial_adoption_large", 0.29, _SHARE, None, "share",
       "large firms past the adoption mark in 2020", "INSEE Premiere 1854 (IoT 250+: 29%)",
       "firms"),
    _p("strategic_horizon_years", 10, (1, 40), None, "years",
       "NPV horizon of strategic firms", "assumption", "firms", int),
    _p("myopic_horizon_years", 3, (1, 40), None, "years",
       "NPV horizon of myopic firms", "assumption", "firms", int),
    _p("peer_push_share", 0.25, _SHARE, None, "share",
       "adopter share among neighbours above which myopic firms evaluate without a subsidy",
       "assumption (Delre et al. 2010 social threshold)", "firms"),
    _p("network_degree", 8, (1, 200), None, "links",
       "mean number of supply-chain / sector neighbours", "assumption", "firms", int),
    _p("complete_network", False, None, None, "switch",
       "every firm sees the adopter share of the whole population (Bass docking)",
       "Bass 1969", "docking", bool),
    _p("cash_constraint", True, None, None, "switch",
       "firms must finance their share of capex from cash and borrowing", "spec 3.4", "docking",
       bool),
    _p("adopt_when_considering", False, None, None, "switch",
       "every considering firm adopts, whatever the NPV (Bass docking)", "Bass 1969", "docking",
       bool),
    # --- market -----------------------------------------------------------------------------
    _p("service_margin", 0.25, _SHARE, (0.15, 0.30), "share", "EBIT margin on services",
       "McKinsey 2017 (aftermarket 25%)", "market"),
    _p("product_margin", 0.10, _SHARE, (0.05, 0.12), "share", "EBIT margin on goods",
       "McKinsey 2017 (new equipment 10%)", "market"),
    _p("servitization_threshold", 0.25, _SHARE, (0.20, 0.30), "share",
       "service share of revenue from which a firm counts as servitized and value rises",
       "Fang, Palmatier & Steenkamp 2008 (20-30%)", "market"),
    _p("usage_share_2040", 0.35, _SHARE, (0.20, 0.50), "share",
       "usage-based share of demand in 2040 (logistic from 0.05 in 2020)",
       "IoT Analytics 2024; BNP Paribas Leasing Solutions", "market"),
    _p("demand_growth", 0.005, (-0.2, 0.2), (-0.01, 0.02), "/yr",
       "real growth of demand for regional industrial goods", "INSEE; assumption", "market"),
    _p("covid_shock", 0.10, _SHARE, (0.0, 0.20), "share", "demand lost in 2020",
       "INSEE 2020 (industrial output -10%)", "market"),
    _p("aftermarket_ratio", 0.12, (0.0, 5.0), None, "EUR per EUR of goods",
       "median yearly demand for services on a firm's installed base per EUR of goods sold",
       "EASME 2018 (services 12% of SME turnover); Crozet & Milet", "market"),
    _p("usage_service_ratio", 1.0, (0.0, 5.0), None, "EUR per EUR of goods",
       "extra service value per EUR of goods sold under usage-based contracts", "assumption",
       "market"),
    _p("labour_productivity_growth", 0.010, (-0.1, 0.2), None, "/yr",
       "trend productivity growth of production jobs", "Mouhoud 2012; assumption", "market"),
    _p("platform_goods_squeeze", 0.4, (0.0, 1.0), None, "share",
       "goods demand a firm loses, per unit of platform share of its service market, when "
       "platforms hold its customers' data and relationship",
       "Syntec Numerique 2016 (value goes to whoever holds the customer); assumption",
       "market"),
    _p("capability_weight", 3.0, (0.0, 20.0), None, "utility",
       "weight of service capability in customers' choice of provider", "assumption", "market"),
    _p("price_weight", 2.0, (0.0, 20.0), None, "utility per relative price",
       "weight of price in customers' choice of provider", "assumption", "market"),
    _p("trust_weight", 2.0, (0.0, 20.0), None, "utility",
       "weight of trust (cyber track record) in customers' choice", "assumption", "market"),
    _p("outside_option_utility", 0.0, (-10.0, 10.0), None, "utility",
       "utility of leaving the service need unserved (do it yourself)", "assumption", "market"),
    _p("platform_know_how_penalty", 3.5, (0.0, 10.0), None, "utility",
       "platforms' lack of product know-how and machine data", "assumption", "market"),
    # --- platforms --------------------------------------------------------------------------
    _p("max_platforms", 15, (1, 100), None, "count", "cap on simultaneous platforms",
       f"{_DR} 3.5", "platforms", int),
    _p("platform_min_share", 0.02, (0.0, 1.0), None, "share",
       "share of the service market below which a platform leaves after four quarters",
       "assumption", "platforms"),
    # --- cyber ------------------------------------------------------------------------------
    _p("attack_prob_sme", 0.30, _SHARE, (0.20, 0.50), "/yr",
       "probability that an SME suffers an attack with impact in a year", "Hiscox 2021-2022",
       "cyber"),
    _p("attack_prob_large", 0.50, _SHARE, (0.30, 0.65), "/yr",
       "same for large firms", "CESIN 2021-2024 (45-54%)", "cyber"),
    _p("severe_share", 0.15, _SHARE, (0.05, 0.30), "share",
       "attacks that are severe (production stop)", "Hiscox 2022 (1 in 10 ransomware)", "cyber"),
    _p("digital_exposure", 1.5, (1.0, 10.0), (1.0, 2.5), "x",
       "attack multiplier at full digital capability without security", "CESIN; assumption",
       "cyber"),
    _p("cyber_loss_median", 18600.0, (0.0, 1e8), (9000.0, 40000.0), "EUR",
       "median loss of an attack (lognormal)", "Hiscox 2022 (EUR 18,645)", "cyber"),
    _p("cyber_loss_sigma", 1.8, (0.0, 5.0), (1.2, 2.2), "-", "lognormal sigma of losses",
       "fitted to Hiscox 2022 (42% of losses > EUR 25 k)", "cyber"),
    _p("severe_exit_prob", 0.03, _SHARE, (0.01, 0.10), "share",
       "exit probability after a severe incident", "assumption (not the unsourced 60%)", "cyber"),
    _p("severe_loss_days", 10.0, (0.0, 365.0), None, "days of revenue",
       "revenue lost in a severe incident (production stop)", "Hillairet et al.; assumption",
       "cyber"),
    # --- demography and jobs ------------------------------------------------------------------
    _p("exit_hazard_sme", 0.010, _SHARE, (0.005, 0.020), "/yr",
       "baseline exit hazard, SMEs and suppliers", "Banque de France failures (derived)",
       "demography"),
    _p("exit_hazard_large", 0.005, _SHARE, (0.002, 0.015), "/yr",
       "baseline exit hazard, large firms", "assumption", "demography"),
    _p("transition_exit_multiplier", 1.3, (0.0, 10.0), (1.0, 2.0), "x",
       "exit hazard multiplier while servitizing below the threshold",
       "Neely 2008; Benedettini et al. 2015", "demography"),
    _p("servitized_exit_multiplier", 0.7, (0.0, 10.0), None, "x",
       "exit hazard multiplier once servitized (survival benefit at high servitization)",
       "Bascavusoglu-Moreau & Tether 2011 (0.7-1.0)", "demography"),
    _p("entry_rate", 0.006, _SHARE, (0.0, 0.01), "/yr",
       "new establishments per year, as a share of initial firms",
       "calibrated to -0.9%/yr net establishments", "demography"),
    _p("offshorable_service_share", 0.15, _SHARE, (0.05, 0.30), "share",
       "service jobs that can move out of the region by 2040", "Mouhoud 2012 (5-30%)",
       "demography"),
)

CALIBRATED_FILE = Path(__file__).resolve().parent.parent / "calibration" / "calibrated.toml"


def _with_calibrated(params: tuple[Parameter, ...], path: Path) -> tuple[Parameter, ...]:
    """Replace defaults by the ``[defaults]`` of a calibrated-defaults file, if there is one."""
    ignore = os.environ.get("SERVISIM_DEFAULTS", "").strip().lower() == "literature"
    if ignore or not path.is_file():
        return params
    with open(path, "rb") as fh:
        values = tomllib.load(fh).get("defaults", {})
    known = {p.name: p for p in params}
    for name in values:
        if name not in known:
            raise ParameterError(name, f"unknown parameter in {path} [defaults]")
    return tuple(
        dataclasses.replace(p, default=p.coerce(values[p.name]), literature_default=p.default
                            if p.literature_default is None else p.literature_default)
        if p.name in values else p
        for p in params
    )


PARAMETERS = _with_calibrated(PARAMETERS, CALIBRATED_FILE)
REGISTRY: dict[str, Parameter] = {p.name: p for p in PARAMETERS}


def defaults() -> dict[str, Number]:
    """Return every parameter at its registry default.

    Returns:
        A new dict name -> default.

    """
    return {p.name: p.default for p in PARAMETERS}


def sa_parameters() -> list[Parameter]:
    """Return the parameters that have a sensitivity-analysis range, in registry order."""
    return [p for p in PARAMETERS if p.sa_range is not None]


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Number]:
    """Merge overrides onto the defaults, checking every name, type and range.

    Args:
        overrides: parameter name -> value (strings are parsed as on a command line).

    Returns:
        A complete, validated parameter dict.

    Raises:
        ParameterError: an unknown name, a wrong type, a value out of its bounds, or an
            inconsistent combination (e.g. ``end_year`` before ``start_year``).

    """
    params = defaults()
    for name, value in (overrides or {}).items():
        if name not in REGISTRY:
            raise ParameterError(name, f"unknown parameter; {_suggest(name)}")
        params[name] = REGISTRY[name].coerce(value)
    if params["end_year"] < params["start_year"]:
        raise ParameterError("end_year", "must not be before start_year")
    return params


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, REGISTRY, n=3)
    if close:
        return "did you mean " + ", ".join(close) + "?"
    return "see `servisim params` for the list"
