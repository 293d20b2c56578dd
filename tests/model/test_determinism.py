import numpy as np
import pandas as pd

from model import ServitizationModel


def _trajectory(seed, headless=True, **kw):
    m = ServitizationModel(rng=seed, headless=headless, population_scale=0.05, **kw)
    m.run()
    return m.trajectory()


def test_same_seed_and_parameters_give_bit_identical_trajectories():
    pd.testing.assert_frame_equal(_trajectory(7), _trajectory(7), check_exact=True)


def test_different_seeds_give_different_trajectories():
    a, b = _trajectory(7), _trajectory(8)
    assert not np.array_equal(a.drop(columns="quarter").to_numpy(),
                              b.drop(columns="quarter").to_numpy())


def test_headless_run_equals_run_with_agent_objects():
    headless = ServitizationModel(rng=3, headless=True, population_scale=0.05)
    with_agents = ServitizationModel(rng=3, headless=False, population_scale=0.05)
    headless.run()
    with_agents.run()
    assert len(headless.agents) == 0 and len(with_agents.agents) > 0
    pd.testing.assert_frame_equal(headless.trajectory(), with_agents.trajectory(),
                                  check_exact=True)
    for name in with_agents.firms.array_names():
        np.testing.assert_array_equal(getattr(headless.firms, name),
                                      getattr(with_agents.firms, name), err_msg=name)


def test_run_covers_2020q1_to_2040q4():
    m = ServitizationModel(rng=1, headless=True, population_scale=0.05)
    m.run()
    traj = m.trajectory()
    assert m.quarter == 84 and not m.running
    assert traj["quarter"].iloc[1] == "2020Q1" and traj["quarter"].iloc[-1] == "2040Q4"


def test_incremental_neighbour_counts_equal_a_full_recount():
    m = ServitizationModel(rng=4, headless=True, population_scale=0.05)
    for _ in range(30):
        m.step()
    m.neighbour_adopter_share()
    np.testing.assert_array_equal(m.network.counts, m.network.recount())


def test_a_numpy_integer_seed_gives_the_run_of_the_same_python_integer():
    pd.testing.assert_frame_equal(_trajectory(np.int64(7)), _trajectory(7), check_exact=True)
