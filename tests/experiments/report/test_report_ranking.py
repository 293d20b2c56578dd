"""Which parameters the report names first, and what it says when the design cannot rank them."""

from experiments.report.ranking import TOP, leading


def test_without_a_tie_the_top_parameters_are_named_in_order():
    rows = [("a", 0.5, 0.1), ("b", 0.4, 0.1), ("c", 0.3, 0.1), ("d", 0.3 - 1e-3, 0.1)]
    assert leading(rows) == (rows[:TOP], [])


def test_parameters_tied_where_the_top_ones_end_are_set_apart_not_picked_in_file_order():
    # A crossed design with few policies: every lever gets the same index.
    rows = [("lead", 0.4, 0.1), *[(f"lever{i}", 0.1875, 0.11) for i in range(6)]]
    leaders, tied = leading(rows)
    assert leaders == [rows[0]]
    assert [name for name, *_ in tied] == [f"lever{i}" for i in range(6)]


def test_a_tie_above_the_last_one_shown_is_not_a_tie_at_the_cut():
    rows = [("a", 0.5, 0.1), ("b", 0.5, 0.1), ("c", 0.3, 0.1), ("d", 0.2, 0.1)]
    assert leading(rows) == (rows[:TOP], [])


def test_a_parameter_whose_index_is_zero_is_never_named_however_few_there_are():
    rows = [("a", 0.4, 0.1), ("b", 0.0, 0.0), ("c", float("nan"), float("nan"))]
    assert leading(rows) == ([rows[0]], [])
    assert leading([("a", 0.0, 0.0), ("b", -0.02, 0.05)]) == ([], [])


def test_parameters_not_named_whose_intervals_reach_a_named_one_are_counted():
    from experiments.report.ranking import reaching

    rows = [("a", 0.08, 0.02), ("b", 0.08, 0.02), ("c", 0.078, 0.035), ("d", 0.061, 0.015),
            ("e", 0.03, 0.01), ("f", 0.0, 0.05)]
    leaders, tied = leading(rows)
    assert reaching(rows, leaders + tied) == 1  # d reaches c's 0.043; e and f (index 0) do not
    assert reaching(rows[:3], leaders) == 0
