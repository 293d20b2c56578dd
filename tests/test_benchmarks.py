"""The speed benchmark's arithmetic: the line through the scales and the spread it allows."""

import importlib.util
from pathlib import Path

import pytest

from model.population import firm_count

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_model.py"
_SPEC = importlib.util.spec_from_file_location("bench_model", _PATH)
bench_model = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_model)


def test_the_line_through_the_scales_finds_the_fixed_and_per_firm_costs():
    fixed, per_firm = 0.006, 4e-6
    rows = {s: (fixed + per_firm * firm_count(s), 1.0) for s in bench_model.SCALES}
    assert bench_model.fixed_and_per_firm(rows) == pytest.approx((fixed, per_firm), rel=1e-9)


def test_the_fixed_cost_bound_gives_exactly_the_spread_asked():
    per_firm = 4e-6
    fixed = bench_model.fixed_for_spread(per_firm, 0.3)
    small, large = firm_count(0.25), firm_count(2.0)
    spread = (fixed / small + per_firm) / (fixed / large + per_firm) - 1
    assert spread == pytest.approx(0.3, rel=1e-12)
