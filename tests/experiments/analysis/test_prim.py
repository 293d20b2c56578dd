"""When a region of the parameter space stands out for a class."""

from __future__ import annotations

from experiments.analysis.prim import could_stand_out, stands_out_at


def test_a_region_stands_out_from_twice_its_class_share():
    assert stands_out_at(0.24, 0.12)
    assert not stands_out_at(0.23, 0.12)


def test_a_region_exactly_at_twice_the_share_of_its_class_in_run_counts_stands_out():
    assert stands_out_at(7 / 100, 7 / 200)


def test_no_region_can_stand_out_for_a_class_of_half_the_runs_or_more():
    assert could_stand_out(0.49)
    assert not could_stand_out(0.5) and not could_stand_out(0.88)


def test_no_region_stands_out_for_a_class_of_no_run():
    assert not stands_out_at(1.0, 0.0) and not could_stand_out(0.0)
