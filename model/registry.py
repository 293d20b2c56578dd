"""Every parameter of the model: default, bounds, SA range, unit, meaning, source, role.

This table is data (plain dicts); :mod:`model.parameters` says what its columns mean and checks
values.
Sources: ``ev2`` is ``shared/design/evidence-v2.md`` (each figure with the sentence holding it),
``dr`` is ``shared/design/domain-research.md``. "Assumption" marks a value no source gives;
``hypothesis=True`` marks a link the seed asserts but no study measures (its range starts at
zero). Rates given per year are converted to per-quarter hazards in the model, never here.
"""

from __future__ import annotations

from typing import Any

_SHARE = (0.0, 1.0)


def _p(name, default, bounds, sa, unit, meaning, source, group, role="constant", kind=float,
       hypothesis=False) -> dict[str, Any]:
    return {"name": name, "default": default, "kind": kind, "bounds": bounds, "sa_range": sa,
            "unit": unit, "meaning": meaning, "source": source, "group": group, "role": role,
            "hypothesis": hypothesis}


#: One dict per parameter, the fields of :class:`model.parameters.Parameter`.
ENTRIES: tuple[dict[str, Any], ...] = (
    # --- run ---------------------------------------------------------------------------------
    _p("population_scale", 1.0, (0.005, 2.0), None, "x",
       "1.0 = the whole region (about 9,740 establishments); 0.1 for quick runs",
       "INSEE, 10 ans d'industrie (9,740 establishments, 2022)", "run"),
    _p("start_year", 2020, (2020, 2020), None, "year", "first simulated year",
       "workshop horizon", "run", kind=int),
    _p("end_year", 2040, (2021, 2060), None, "year", "last simulated year (its Q4 is the end)",
       "workshop horizon", "run", kind=int),
    _p("lever_start_year", 2020, (2020, 2040), None, "year",
       "first year of the levers' values (subsidies, support, secure framework, the clusters' "
       "share and imitation); before it they keep their defaults, the policy the 2020-2024 data "
       "describe",
       "workshop design: levers decided today, history matched on 2020-2024", "run", kind=int),
    # --- policy levers --------------------------------------------------------------------------
    _p("subsidy_rate", 0.20, _SHARE, (0.10, 0.40), "share",
       "share of a project's capex covered by the yearly digitalisation calls after 2022",
       "ev2 2: Industrie du futur 10-20%, up to 40% (2020); 20% max in 2021", "policy", "lever"),
    # The relaunch is history by the time of the workshop: its rate is a constant, so that a
    # study of today's levers does not rewrite the 2020-2022 calls the data describe.
    _p("subsidy_rate_relance", 0.20, _SHARE, (0.10, 0.40), "share",
       "share of a project's capex covered by the 2020-2022 relaunch calls",
       "ev2 2: Industrie du futur 10-20%, up to 40% (2020); 20% max in 2021", "policy"),
    _p("subsidy_budget_relance", 40e6, (0.0, 1e9), (25e6, 60e6), "EUR",
       "regional envelope of the 2020-2022 relaunch calls, for the whole region, released in two "
       "waves (2020 Q4 and 2021 Q2)",
       "ev2 2: HdF EUR 86.5 m of industry aid to Feb 2021; dr 2.4", "policy", "lever"),
    _p("subsidy_budget_after", 8e6, (0.0, 1e9), (0.0, 40e6), "EUR/yr",
       "regional digitalisation budget per year after 2022 (one call each year)",
       "dr 4.2 scenario levers", "policy", "lever"),
    _p("support_conversion_rate", 0.03, _SHARE, (0.0, 0.10), "/yr",
       "share of myopic firms that support programmes turn strategic each year",
       "dr 4.2 (assumption)", "policy", "lever"),
    _p("secure_framework", 0.2, _SHARE, (0.0, 0.6), "share",
       "cut in attack probability from trusted software choices and public aid",
       "ev2 7: CESIN attack rate 65% (2019) to 45% (2022); dr 4.2 (0.5 in high)", "policy",
       "lever"),
    _p("cluster_share", 0.15, _SHARE, (0.05, 0.40), "share of firms",
       "members of clusters, competitiveness poles and lab partnerships", "dr 4.1 O10",
       "policy", "lever"),
    _p("cluster_imitation_multiplier", 1.5, (0.0, 10.0), (1.0, 2.5), "x",
       "imitation boost for cluster members (innovation propensity)",
       "ev2 5: Falck et al. 2010 (+4.6 to 5.7 points of innovators)", "policy", "lever"),
    _p("call_response_share", 0.25, _SHARE, None, "share",
       "eligible firms (10+ employees) that prepare a project when a subsidy call opens",
       "ev2 2: 7,900 applicants of 30,000 industrial firms (1 in 6); calibrated", "policy"),
    # --- uncertainties: economy -------------------------------------------------------------------
    # at most 0.7: the second quarter of 2020 loses 1.4 times the year's share (macro.py)
    _p("covid_shock", 0.10, (0.0, 0.7), (0.0, 0.20), "share", "demand lost in 2020",
       "INSEE 2020 (industrial output -10%)", "market", "uncertainty"),
    _p("covid_hurdle_premium", 0.03, (0.0, 0.5), (0.0, 0.06), "/yr",
       "added to hurdle rates while Covid uncertainty lasts",
       "Meier & Tarhan 2006; Jagannathan et al. 2011 (hurdle premia ~5 points)", "firms",
       "uncertainty"),
    _p("covid_hurdle_until", 2021, (2020, 2040), (2020, 2024), "year",
       "last year of the Covid hurdle premium", "dr 4.2 scenario levers", "firms",
       "uncertainty", kind=int),
    _p("demand_growth", 0.005, (-0.2, 0.2), (-0.01, 0.02), "/yr",
       "real growth of demand for regional industrial goods", "INSEE; assumption", "market",
       "uncertainty"),
    # at most 0.9: the logistic's ceiling, 0.1 above it, must stay a share up to 2060
    _p("usage_share_2040", 0.35, (0.0, 0.9), (0.20, 0.50), "share",
       "usage-based share of demand in 2040 (logistic from 0.05 in 2020)",
       "IoT Analytics 2024; BNP Paribas Leasing Solutions", "market", "uncertainty"),
    _p("competitor_digital_2040", 0.6, _SHARE, (0.4, 0.8), "capability",
       "mean digital capability of competitors outside the region in 2040 (from the region's "
       "own mean in 2020)",
       "dr 4.2 O4 (Bass path: SMEs 60-71% digital by 2040)", "digital", "uncertainty"),
    _p("digital_productivity_gain", 0.08, (0.0, 1.0), (0.05, 0.23), "share",
       "labour-productivity gain of a firm at the digital adoption mark over one with no "
       "digital capability (in proportion to capability), phased in over the ramp-up",
       "ev2 1: central +5 to 10% per upgrade; Cette, Nevoux & Py 2020 (+23%, users vs "
       "non-users) as the upper end",
       "digital", "uncertainty"),
    # --- uncertainties: platforms and the service market ----------------------------------------
    _p("platform_entry_rate", 0.25, (0.0, 5.0), (0.05, 1.0), "/quarter",
       "candidate service platforms that study the region's market each quarter (each enters "
       "only if the share it expects pays its entry cost)",
       "ev2 4: McKinsey 2017 (digital natives enter the aftermarket); assumption", "platforms",
       "uncertainty"),
    _p("platform_reach_years", 5.0, (0.25, 50.0), (2.0, 10.0), "years",
       "years a new platform takes to become known to half of the region's customers (5% at "
       "entry, logistic curve)", "ev2 4: B2B platforms diffuse slowly (over 10 years without "
       "acceptance at Frankfurt's air-cargo hub; independents' share flat for years)",
       "platforms"),
    _p("platform_cost_advantage", 0.7, (0.1, 1.5), (0.5, 0.9), "x",
       "platform service cost (and price) relative to incumbents; lower is stronger",
       "ev2 4: McKinsey 2017 (low-price entrants); Bain 2021; assumption", "platforms",
       "uncertainty"),
    _p("platform_network_effect", 1.0, (0.0, 10.0), (0.0, 3.0), "utility at full share",
       "data network effect: a platform's utility gain per unit of its share of the service "
       "market", "ev2 4: Li & Penard 2014 (share depends on size); no measure of its strength",
       "platforms", "uncertainty", hypothesis=True),
    _p("platform_nest_dissimilarity", 0.6, (0.05, 1.0), (0.3, 1.0), "-",
       "nested-logit dissimilarity of the platform nest (1: plain logit; lower: platforms are "
       "close substitutes of one another)",
       "ev2 8: Train & Croissant (0.59); recommended 0.4-0.8, sensitivity 0.3 and 1.0",
       "platforms", "uncertainty"),
    _p("platform_usage_edge", 0.5, _SHARE, (0.0, 1.0), "share",
       "share of their know-how penalty that platforms escape in pay-per-use contracts (they "
       "sell the use, closer to users, rather than repair machines they did not make)",
       "seed (newcomers closer to customers' needs take the unoccupied segment); no measure",
       "platforms", "uncertainty"),
    _p("installed_base_bonus", 0.20, (0.0, 3.0), (0.0, 0.40), "utility",
       "maker's advantage on its own customers (product know-how, machine data)",
       "ev2 4: Oliver Wyman 2014 (makers holding data capture up to 90%); assumption",
       "market", "uncertainty"),
    _p("cluster_attraction", 0.05, (0.0, 5.0), (0.0, 0.2), "sites per adoption",
       "new establishments attracted per digital or service adoption by a cluster member",
       "ev2 5: Delgado, Porter & Stern (more establishments in strong clusters; no French "
       "estimate)", "demography", "uncertainty", hypothesis=True),
    _p("attack_prob_sme", 0.30, _SHARE, (0.20, 0.50), "/yr",
       "probability that an SME suffers an attack with impact in a year", "ev2 7; Hiscox 2021-22",
       "cyber", "uncertainty"),
    _p("attack_prob_large", 0.50, _SHARE, (0.30, 0.65), "/yr", "same for large firms",
       "ev2 7: CESIN 2021-2024 (45-54%)", "cyber", "uncertainty"),
    _p("digital_exposure", 1.5, (1.0, 10.0), (1.0, 2.5), "x",
       "attack multiplier at full digital capability without security", "CESIN; assumption",
       "cyber", "uncertainty"),
    # --- constants: firms, diffusion and decisions ------------------------------------------------
    _p("supplier_share", 0.40, _SHARE, (0.30, 0.55), "share of SMEs",
       "upstream suppliers (intermediate goods, subcontracting) among SMEs",
       "INSEE HdF (subcontracting weight); assumption", "firms"),
    _p("myopic_share", 0.5, _SHARE, (0.3, 0.7), "share of SMEs",
       "SMEs that 'navigate by sight'", "regional foresight sheet (trend scenario)", "firms"),
    _p("bass_p_sme", 0.005, (0.0, 1.0), (0.002, 0.02), "/yr",
       "external influence (innovation coefficient), SMEs and suppliers",
       "dr 2.7 (fitted to INSEE/Eurostat paths)", "firms"),
    _p("bass_p_large", 0.02, (0.0, 1.0), (0.005, 0.05), "/yr",
       "external influence (innovation coefficient), large firms", "dr 2.7", "firms"),
    _p("bass_q", 0.20, (0.0, 3.0), (0.10, 0.50), "/yr", "imitation coefficient",
       "dr 2.7; Sultan, Farley & Lehmann 1990", "firms"),
    _p("hurdle_rate_sme", 0.14, (0.0, 1.0), (0.10, 0.20), "/yr",
       "discount (hurdle) rate of SMEs and suppliers", "Meier & Tarhan 2006 (WACC + premium)",
       "firms"),
    _p("hurdle_rate_large", 0.10, (0.0, 1.0), (0.07, 0.14), "/yr",
       "discount (hurdle) rate of large firms", "Meier & Tarhan 2006", "firms"),
    _p("investment_cost_sme", 350000.0, (0.0, 1e8), (150000.0, 700000.0), "EUR",
       "digital+service package for a reference SME of 20 employees (a larger firm's cost grows "
       "with its size, by the growth of project cost with size)",
       "ev2 2: EUR 2.7 bn of projects / 7,750 applications = EUR 350 k",
       "firms"),
    _p("investment_size_exponent", 0.75, (0.0, 1.5), None, "-",
       "how a firm's project cost grows with its size: (employees / 20) to this power",
       "assumption; calibrated against the relaunch's mean request (EUR 89 k) and its share "
       "of projects from firms under 50 employees (70%)", "firms"),
    _p("learning_rate", 0.15, (0.0, 0.9), (0.05, 0.25), "per doubling",
       "fall of adoption cost per doubling of cumulative adoptions (Wright's law)",
       "Nagy et al. 2013 (typical 10-25%)", "firms"),
    _p("transition_quarters", 8, (1, 40), (4, 16), "quarters",
       "length of a climb up the service ladder (J-curve)", "Visnjic et al. 2016; EASME 2018",
       "firms", kind=int),
    _p("transition_cost_share", 0.18, (0.0, 5.0), None, "share of the new service sales",
       "service-organisation cost per quarter during a climb, as a share of the service sales "
       "the new rung is expected to bring (the team is hired and trained before the sales come)",
       "the service team's payroll: EUR 45 k per EUR 250 k of service sales; ev2 3: EASME 2018 "
       "(10% of SME FTE develop services)", "firms"),
    _p("service_overhead_share", 0.03, (0.0, 1.0), (0.0, 0.06), "share of payroll",
       "yearly cost of running a pay-per-use or performance offer, as a share of the firm's "
       "payroll (the fixed cost behind the service paradox)",
       "ev2 3: Reinartz & Ulaga 2008, Benedettini et al. 2015 (losses); assumption", "firms"),
    _p("adoption_mark", 0.5, (0.05, 0.95), None, "capability",
       "digital capability from which a firm counts as a digital adopter", "assumption", "firms"),
    _p("initial_adoption_sme", 0.08, _SHARE, None, "share",
       "SMEs past the adoption mark in 2020", "INSEE Premiere 1854 (IoT 2020: 7-10%)", "firms"),
    _p("initial_adoption_large", 0.29, _SHARE, None, "share",
       "large firms past the adoption mark in 2020", "INSEE Premiere 1854 (IoT 250+: 29%)",
       "firms"),
    _p("initial_service_offer", 0.74, _SHARE, None, "share",
       "firms selling some services in 2020 (first rung of the service ladder)",
       "ev2 3: Crozet & Milet 2017 (>74%; 70-83% by definition)", "firms"),
    _p("service_intensive_share", 0.30, _SHARE, None, "share of offering firms",
       "firms selling services that serve more than their own installed base (repair, "
       "installation)", "ev2 3: more than one in five sell more services than goods "
       "(CEPII 2014: one third); calibrated", "firms"),
    _p("initial_usage_offer", 0.25, _SHARE, None, "share",
       "digital adopters selling services that also sell pay-per-use in 2020",
       "ev2 3: only a minority on use/result contracts (no population share found); "
       "assumption", "firms"),
    _p("strategic_horizon_years", 10, (1, 40), None, "years",
       "NPV horizon of strategic firms", "assumption", "firms", kind=int),
    _p("myopic_horizon_years", 3, (1, 40), None, "years",
       "NPV horizon of myopic firms", "assumption", "firms", kind=int),
    _p("peer_push_share", 0.25, _SHARE, None, "share",
       "adopter share among neighbours above which myopic firms evaluate without a subsidy",
       "assumption (Delre et al. 2010 social threshold)", "firms"),
    _p("network_degree", 8, (1, 200), None, "links",
       "mean number of supply-chain / sector neighbours", "assumption", "firms", kind=int),
    _p("regional_client_share", 0.5, _SHARE, (0.2, 0.8), "share",
       "share of an upstream supplier's sales that follow its regional clients' sales",
       "assumption (the seed: suppliers depend on their clients)", "firms"),
    _p("interest_rate", 0.03, (0.0, 0.5), (0.01, 0.05), "/yr",
       "interest on firms' debt", "Banque de France: new loans to SMEs 1.2-1.5% (2021), "
       "4-5% (2023-24)", "firms"),
    # --- constants: digital technology -----------------------------------------------------------
    _p("digital_sales_ratio", 0.5, (0.0, 5.0), (0.3, 1.3), "x",
       "goods-sales gain per unit of productivity gain relative to competitors",
       "ev2 1: Bonfiglioli et al. (sales 0.15 vs productivity 0.30 points a year); Aghion "
       "et al. 2020 (sales elasticity 0.37 above employment 0.28)", "digital"),
    _p("digital_project_gain", 0.6, (0.05, 1.0), (0.3, 0.8), "share of the gap",
       "digital capability a digital project adds, as a share of the distance to full "
       "capability (one project makes most firms digital adopters)", "assumption", "digital"),
    _p("call_project_gain", 0.25, (0.0, 1.0), None, "share of the gap",
       "digital capability a project prepared for a subsidy call adds (mostly conventional "
       "machines: it rarely makes an IoT or AI adopter)",
       "ev2 2: 55% CNC machines, 13% robots, 17% software; France Strategie: grants went to "
       "conventional equipment; calibrated against 2020-2024 adoption", "digital"),
    _p("digital_rampup_years", 3.0, (0.25, 20.0), (2.0, 5.0), "years",
       "time constant with which a digital investment's productivity gain comes in",
       "ev2 1: phased in over 2-5 years (J-curve; Brynjolfsson, Rock & Syverson 2021)",
       "digital"),
    # --- constants: service market ---------------------------------------------------------------
    _p("service_capture_2020", 0.925, (0.5, 1.0), None, "share",
       "share of the service revenue on the region's installed bases held by manufacturers in "
       "2020: every run starts there (the platforms' know-how penalty is set to give it)",
       "dr 4.2 (2020 baseline: platforms about 5-10%)", "market"),
    _p("outsourced_services_share", 0.324, (0.05, 0.95), None, "share",
       "share of the added-services spend on installed bases bought from providers (makers "
       "or platforms) in 2020; the rest is done in-house (customers' own maintenance)",
       "ev2 4: Bipe/Afim via Mesures (outsourced industrial maintenance 25.4% in 1996, "
       "32.4% in 2007)", "market"),
    _p("service_margin", 0.25, _SHARE, (0.15, 0.30), "share", "EBIT margin on services",
       "ev2 4: McKinsey 2017 (aftermarket 25%)", "market"),
    _p("product_margin", 0.10, _SHARE, (0.05, 0.12), "share", "EBIT margin on goods",
       "ev2 4: McKinsey 2017 (new equipment 10%)", "market"),
    _p("servitization_threshold", 0.25, _SHARE, (0.20, 0.30), "share",
       "service share of revenue from which a firm counts as servitized and value rises",
       "ev2 3: Fang, Palmatier & Steenkamp 2008 (20-30%)", "market"),
    _p("aftermarket_ratio", 0.12, (0.0, 5.0), None, "EUR per EUR of goods",
       "median yearly demand for added services on a firm's installed base per EUR of goods",
       "ev2 3: EASME 2018 (services 12% of SME turnover); Crozet & Milet", "market"),
    _p("usage_service_ratio", 1.2, (0.0, 5.0), None, "EUR per EUR of goods",
       "value of a pay-per-use contract per EUR of goods sales it replaces (use plus the "
       "services bundled in it)", "assumption", "market"),
    _p("performance_bonus", 0.5, (0.0, 5.0), (0.0, 1.0), "utility",
       "customers' extra utility of a performance contract (at full trust) over pay-per-use",
       "ev2 3: Adrodegari et al. (result contracts are rare: customers' culture, risk); "
       "assumption", "market"),
    _p("labour_productivity_growth", 0.010, (-0.1, 0.2), None, "/yr",
       "trend productivity growth of production jobs", "Mouhoud 2012; assumption", "market"),
    _p("platform_goods_squeeze", 0.4, (0.0, 1.0), None, "share",
       "goods sales a maker loses on a pay-per-use contract run by a platform (the platform "
       "holds the customer and buys where it likes)",
       "Syntec Numerique 2016 (value goes to whoever holds the customer); assumption",
       "market"),
    _p("capability_weight", 3.0, (0.0, 20.0), None, "utility",
       "weight of service capability in customers' choice of provider", "assumption", "market"),
    _p("price_weight", 2.0, (0.0, 20.0), None, "utility per relative price",
       "weight of price in customers' choice of provider", "assumption", "market"),
    _p("trust_weight", 2.0, (0.0, 20.0), None, "utility",
       "weight of trust (cyber track record) in customers' choice", "assumption", "market"),
    # --- constants: platforms ------------------------------------------------------------------
    _p("max_platforms", 15, (1, 100), None, "count", "cap on simultaneous platforms",
       "dr 3.5", "platforms", kind=int),
    _p("platform_min_share", 0.02, (0.0, 1.0), None, "share",
       "share of the service market a platform needs to cover its fixed costs; below it, it "
       "loses money and leaves after four quarters", "assumption", "platforms"),
    _p("platform_entry_cost_years", 2.0, (0.0, 50.0), None, "years of fixed costs",
       "cost of entering the region's market, in years of a platform's fixed costs",
       "ev2 4: Porsche Consulting 2022 (B2B platforms are VC-funded start-ups); assumption",
       "platforms"),
    # --- constants: cyber ----------------------------------------------------------------------
    _p("severe_share", 0.15, _SHARE, (0.05, 0.30), "share",
       "attacks that are severe (production stop)", "Hiscox 2022 (1 in 10 ransomware)", "cyber"),
    _p("cyber_loss_median", 18600.0, (0.0, 1e8), (9000.0, 40000.0), "EUR",
       "median loss of an attack (lognormal)", "Hiscox 2022 (EUR 18,645)", "cyber"),
    _p("cyber_loss_sigma", 1.8, (0.0, 5.0), (1.2, 2.2), "-", "lognormal sigma of losses",
       "fitted to Hiscox 2022 (42% of losses > EUR 25 k)", "cyber"),
    _p("severe_exit_prob", 0.03, _SHARE, (0.01, 0.10), "share",
       "exit probability after a severe incident", "assumption (not the unsourced 60%)", "cyber"),
    _p("severe_loss_days", 10.0, (0.0, 365.0), None, "days of revenue",
       "revenue lost in a severe incident (production stop)", "Hillairet et al.; assumption",
       "cyber"),
    # --- constants: demography and jobs ----------------------------------------------------------
    _p("exit_hazard_sme", 0.010, _SHARE, (0.005, 0.020), "/yr",
       "baseline exit hazard, SMEs and suppliers", "Banque de France failures (derived)",
       "demography"),
    _p("exit_hazard_large", 0.005, _SHARE, (0.002, 0.015), "/yr",
       "baseline exit hazard, large firms", "assumption", "demography"),
    _p("transition_exit_multiplier", 1.3, (0.0, 10.0), (1.0, 2.0), "x",
       "exit hazard multiplier during a climb up the service ladder (each climb lasts the "
       "length of the service transition)",
       "ev2 3: Neely 2008; Benedettini et al. 2015", "demography"),
    _p("servitized_exit_multiplier", 0.7, (0.0, 10.0), None, "x",
       "exit hazard multiplier once servitized (survival benefit at high servitization)",
       "ev2 3: Bascavusoglu-Moreau & Tether 2011 (0.7-1.0)", "demography"),
    _p("entry_rate", 0.006, _SHARE, (0.0, 0.01), "/yr",
       "new establishments per year, as a share of initial firms",
       "calibrated to -0.9%/yr net establishments", "demography"),
    _p("support_function_share", 0.45, _SHARE, None, "share",
       "service functions (logistics, management, commerce, R&D) among the jobs that make "
       "goods", "seed: INSEE 2013, more than half of industrial jobs are service functions",
       "demography"),
    _p("offshorable_service_share", 0.15, _SHARE, (0.05, 0.30), "share",
       "ceiling on the share of a firm's service-function jobs that can move out of the region",
       "ev2 6: Blinder 2007 (22-29%), Mouhoud (30%)", "demography"),
    _p("offshoring_rate", 0.01, _SHARE, (0.005, 0.015), "/yr",
       "yearly probability that a firm of 50+ employees moves service jobs abroad (doubled "
       "at a loss, doubled for 250+)",
       "ev2 6: INSEE, 1.7-4.2% of firms of 50+ over three years", "demography"),
    # --- docking switches ------------------------------------------------------------------------
    _p("complete_network", False, None, None, "switch",
       "every firm sees the adopter share of the whole population (Bass docking)",
       "Bass 1969", "docking", kind=bool),
    _p("cash_constraint", True, None, None, "switch",
       "firms must finance their share of capex from cash and borrowing", "spec 3.4", "docking",
       kind=bool),
    _p("adopt_when_considering", False, None, None, "switch",
       "every considering firm adopts, whatever the NPV (Bass docking)", "Bass 1969", "docking",
       kind=bool),
)
