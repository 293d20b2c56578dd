"""The region's 2020-2024 history in a run: the summaries that match the data, and plausibility.

A run's first five years (2020Q1-2024Q4) can be set against what the region observed: jobs and
establishment trends, digital adoption by size, the relaunch's applications, the service
shares of 2020, cyber attacks (``model/targets.csv``, one row per target with its source).
:class:`History` watches a run through those quarters and computes one number per entry of
:data:`SUMMARIES`; calibration fits them, and every study uses them to leave out the runs whose
history contradicts the data (history matching).

Plausibility follows the history-matching practice of Vernon et al. (2010, Bayesian
Analysis 5) and Andrianakis et al. (2015, PLoS Comput Biol 11), written for targets given as
ranges: a summary inside its target's range has implausibility 0; outside, its distance to the
range in half-widths of the range, the range standing for the data's uncertainty and the
model's discrepancy together. A run is plausible when no summary is further than
:data:`CUTOFF` = 3 half-widths from its range (Pukelsheim's three-sigma rule, the cut-off
these papers use). The cut-off is the literature's, not tuned on the study's results.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.state import LARGE

#: The region's observed data, one row per target (read by calibration as well).
TARGETS_FILE = Path(__file__).with_name("targets.csv")

#: Implausibility above which a run's history contradicts the data (three sigma).
CUTOFF = 3.0

#: Summary name -> (year it describes in the model, what it is).
SUMMARIES: dict[str, tuple[str, str]] = {
    "jobs_change_2020_2024": (
        "2020-2024", "yearly change of industrial jobs, 2019Q4 to 2024Q4"),
    "establishments_change_2020_2024": (
        "2020-2024", "yearly change of live establishments, 2019Q4 to 2024Q4"),
    "digital_adoption_10_19_2020": (
        "2020", "digital adopters among live firms with 10-19 employees, 2020Q4"),
    "digital_adoption_250plus_2020": (
        "2020", "digital adopters among live large establishments (250+), 2020Q4"),
    "digital_adoption_10_49_2024": (
        "2024", "digital adopters among live firms with 10-49 employees, 2024Q4"),
    "digital_adoption_250plus_2024": (
        "2024", "digital adopters among live large establishments (250+), 2024Q4"),
    "subsidy_oversubscription_2020": (
        "2020", "subsidy asked in 2020 / budget released in 2020 (the relaunch's first wave)"),
    "subsidy_applicant_share_2020": (
        "2020", "subsidy applications in 2020 / live establishments with 10+ employees "
                "(the data's 30,000 industrial SMEs and mid-caps)"),
    "subsidy_mean_request_2020": (
        "2020", "EUR asked per application in 2020 (whole-region EUR)"),
    "subsidy_small_projects_share_2020_2022": (
        "2020-2022", "share of establishments subsidised in 2020-2022 with < 50 employees"),
    "service_revenue_share_2020": (
        "2020", "service sales / all sales of industrial firms, 2020Q4"),
    "service_capture_2020": (
        "2020", "service sales on makers' installed bases captured by the makers, 2020Q4"),
    "firms_selling_services_2020": (
        "2020", "live firms whose service sales are at least 1% of their sales, 2020Q4"),
    "firms_service_dominant_2020": (
        "2020", "live firms selling more services than goods, 2020Q4"),
    "cyber_attacked_share_2021": (
        "2021", "firms alive in 2021 attacked at least once in 2021"),
    "cyber_median_loss_2021": (
        "2021", "median loss of an attack in 2021 (before insurance), EUR"),
    "cyber_solvency_threat_2021": (
        "2021", "attacked firms whose loss (after insurance) exceeded their cash, 2021"),
    "severe_incidents_per_1000_2020": (
        "2020", "severe cyber incidents in 2020 per 1,000 live firms"),
    "service_function_jobs_share_2020": (
        "2020", "service-function jobs (support functions and the service offer) / all "
                "industrial jobs, 2020Q4"),
}

QUARTERS = 20  # 2020Q1 .. 2024Q4
SELLING_MIN_SHARE = 0.01


def _share(mask: np.ndarray, within: np.ndarray) -> float:
    count = int(within.sum())
    return float((mask & within).sum()) / count if count else math.nan


class History:
    """Watches a run's first :data:`QUARTERS` quarters and computes :data:`SUMMARIES`.

    Create it on a model that has not been stepped, call :meth:`observe` after each step (it
    does nothing after 2024Q4), then :meth:`summaries`.

    Args:
        model: a fresh ``ServitizationModel``.

    """

    def __init__(self, model: Any):
        f = model.firms
        self.model = model
        self.quarter = 0
        self.jobs0 = model.current["jobs"]
        self.firms0 = int(f.alive[: f.n].sum())
        self.last_employees = f.employees.copy()
        self.eligible_2020 = math.nan
        self.alive_2021 = np.zeros(0, dtype=bool)
        self.out: dict[str, float] = {}

    def before_step(self) -> None:
        """Count the relaunch's eligible firms before the first call opens (2020Q4)."""
        if self.quarter == 3:
            f = self.model.firms
            n = f.n
            self.eligible_2020 = float((f.alive[:n] & (f.employees[:n] >= 10)).sum())

    def observe(self) -> None:
        """Record what the step just done shows (call after every step)."""
        if self.quarter >= QUARTERS:
            return
        model, f, out = self.model, self.model.firms, self.out
        n = f.n
        live = f.alive[:n]
        if len(self.last_employees) < n:
            grown = np.zeros(len(f.employees), dtype=self.last_employees.dtype)
            grown[: len(self.last_employees)] = self.last_employees
            self.last_employees = grown
        self.last_employees[:n] = np.where(live, f.employees[:n], self.last_employees[:n])
        q = self.quarter
        if q == 3:  # 2020Q4
            out.update(self._adoption(2020))
            out.update(self._firm_shares())
            for name, indicator in (("service_revenue_share_2020", "service_revenue_share"),
                                    ("service_capture_2020", "industrial_service_capture"),
                                    ("severe_incidents_per_1000_2020",
                                     "severe_incidents_per_1000"),
                                    ("service_function_jobs_share_2020",
                                     "service_function_jobs_share")):
                out[name] = model.current[indicator]
            self._subsidies_2020()
            self.alive_2021 = live.copy()
        if q == 11:  # 2022Q4: every establishment subsidised by the relaunch calls
            got = f.subsidy_received[:n] > 0
            out["subsidy_small_projects_share_2020_2022"] = _share(
                self.last_employees[:n] < 50, got)
        self.quarter += 1
        if self.quarter == QUARTERS:
            self._finish()

    @property
    def complete(self) -> bool:
        """Whether the run has reached 2024Q4, the end of the history it is checked on."""
        return self.quarter >= QUARTERS

    def summaries(self) -> dict[str, float]:
        """Every summary (``nan`` where a class is empty, e.g. no large firm).

        Raises:
            RuntimeError: the run has not reached 2024Q4 yet.

        """
        if self.quarter < QUARTERS:
            raise RuntimeError(f"the history needs {QUARTERS} quarters; {self.quarter} done")
        return {name: float(self.out[name]) for name in SUMMARIES}

    def _subsidies_2020(self) -> None:
        policy, out = self.model.policy, self.out
        asked = policy.requested_by_year.get(2020, 0.0)
        count = policy.requests_by_year.get(2020, 0)
        out["subsidy_mean_request_2020"] = asked / count if count else math.nan
        released = policy.released_by_year.get(2020, 0.0)
        out["subsidy_oversubscription_2020"] = asked / released if released > 0 else math.nan

    def _finish(self) -> None:
        model, f, out = self.model, self.model.firms, self.out
        out.update(self._adoption(2024))
        years = QUARTERS / 4
        out["jobs_change_2020_2024"] = (model.current["jobs"] / self.jobs0) ** (1 / years) - 1
        out["establishments_change_2020_2024"] = (
            int(f.alive[: f.n].sum()) / self.firms0) ** (1 / years) - 1
        applications = model.policy.requests_by_year.get(2020, 0)
        out["subsidy_applicant_share_2020"] = (
            applications / self.eligible_2020 if self.eligible_2020 > 0 else math.nan)
        # firms alive at some point in 2021: alive at the end of 2020 or entered in 2021
        entered = (f.entry_quarter[: f.n] >= 4) & (f.entry_quarter[: f.n] < 8)
        in_2021 = np.zeros(f.n, dtype=bool)
        in_2021[: len(self.alive_2021)] = self.alive_2021
        in_2021 |= entered
        out.update(self._cyber_2021(in_2021))

    def _cyber_2021(self, in_2021: np.ndarray) -> dict[str, float]:
        """The 2021 cyber summaries, from the attacks the model recorded each quarter."""
        outcomes = [o for year, o in self.model.cyber_history if year == 2021]
        # Only attacks that cost something count: with zero loss parameters an attack can
        # cost nothing, and then leaves nothing to observe.
        costly = [o.gross_losses > 0 for o in outcomes]
        attacked = {int(r) for o, c in zip(outcomes, costly, strict=True) for r in o.rows[c]}
        losses = np.concatenate([np.empty(0)] + [o.gross_losses[c]
                                                 for o, c in zip(outcomes, costly, strict=True)])
        threatened = sum(o.threatened for o in outcomes)  # a threat always costs something
        return {
            "cyber_attacked_share_2021": len(attacked) / max(int(in_2021.sum()), 1),
            "cyber_median_loss_2021": float(np.median(losses)) if len(losses) else math.nan,
            "cyber_solvency_threat_2021": threatened / len(losses) if len(losses) else math.nan,
        }

    def _firm_shares(self) -> dict[str, float]:
        """Service-selling shares of the live firms now."""
        f = self.model.firms
        n = f.n
        alive = f.alive[:n]
        goods, service = f.goods_revenue[:n], f.service_revenue[:n]
        total = goods + service
        share = np.divide(service, total, out=np.zeros(n), where=total > 0)
        return {
            "firms_selling_services_2020": _share(share >= SELLING_MIN_SHARE, alive),
            "firms_service_dominant_2020": _share(service > goods, alive),
        }

    def _adoption(self, year: int) -> dict[str, float]:
        f = self.model.firms
        n = f.n
        alive = f.alive[:n]
        emp = f.employees[:n]
        large = alive & (f.kind[:n] == LARGE)
        adopted = f.adopted[:n]
        if year == 2020:
            small = alive & ~large & (emp >= 10) & (emp < 20)
            return {"digital_adoption_10_19_2020": _share(adopted, small),
                    "digital_adoption_250plus_2020": _share(adopted, large)}
        small = alive & ~large & (emp >= 10) & (emp < 50)
        return {"digital_adoption_10_49_2024": _share(adopted, small),
                "digital_adoption_250plus_2024": _share(adopted, large)}


def step_with_history(model: Any, history: History) -> None:
    """One step of ``model`` with ``history`` watching it."""
    history.before_step()
    model.step()
    history.observe()


@dataclass(frozen=True)
class Range:
    """A calibration target's range on one summary.

    Attributes:
        target: the target's id in ``targets.csv``.
        summary: the summary it matches (a key of :data:`SUMMARIES`).
        low, high: the range.

    """

    target: str
    summary: str
    low: float
    high: float

    def implausibility(self, value: float) -> float:
        """Distance of ``value`` to the range in half-widths (0 inside; ``nan`` if no value)."""
        if value is None or not math.isfinite(value):
            return math.nan
        half = (self.high - self.low) / 2
        return max(0.0, self.low - value, value - self.high) / half


def load_ranges(path: str | Path = TARGETS_FILE) -> list[Range]:
    """The ranges the history is matched on: the targets used to calibrate the model.

    The ``report`` rows (set by construction or too loose a proxy) and the firm-level effects
    (``validate``) are not part of it: a run is judged on the data the calibration fitted.
    """
    return list(_read_ranges(Path(path)))


@functools.cache
def _read_ranges(path: Path) -> tuple[Range, ...]:
    # Every run of a batch is judged: read the file once per process, not once per run.
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(Range(r["target"], r["model_output"], float(r["low"]), float(r["high"]))
                 for r in rows if r["use"] == "calibrate" and r["model_output"] in SUMMARIES)


@dataclass(frozen=True)
class Plausibility:
    """How a run's 2020-2024 history stands against the data.

    Attributes:
        implausibility: the largest implausibility over the targets (0: all inside).
        plausible: ``implausibility <= CUTOFF``.
        misses: the targets further than the cut-off, by name (empty when plausible).

    """

    implausibility: float
    plausible: bool
    misses: tuple[str, ...]


def plausibility(summaries: dict[str, float], ranges: list[Range] | None = None
                 ) -> Plausibility:
    """Judge a run's history against the targets' ranges.

    Args:
        summaries: one value per summary (:meth:`History.summaries`).
        ranges: the targets (default: :func:`load_ranges`).

    Returns:
        The run's plausibility. Summaries without a value (``nan``: an empty class at a small
        scale) are not judged.

    """
    ranges = load_ranges() if ranges is None else ranges
    scores = {r.target: r.implausibility(summaries.get(r.summary, math.nan)) for r in ranges}
    known = {k: v for k, v in scores.items() if not math.isnan(v)}
    worst = max(known.values(), default=0.0)
    misses = tuple(sorted(k for k, v in known.items() if v > CUTOFF))
    return Plausibility(implausibility=worst, plausible=not misses, misses=misses)
