"""The cluster share as a lever: set during a run, or held until the study's lever year."""

import numpy as np

from model import ServitizationModel
from model.levers import set_lever

SEEDS = range(6)


def _member_share(model) -> float:
    f = model.firms
    return float(f.cluster[: f.n][f.alive[: f.n]].mean())


def test_a_cluster_share_set_during_a_run_brings_in_members_linked_to_members():
    model = ServitizationModel(rng=3, headless=True, population_scale=0.25)
    for _ in range(4):
        model.step()
    f = model.firms
    before, degree = f.cluster.copy(), np.diff(model.network._indptr)
    set_lever(model, "cluster_share", 0.4)
    joined = np.flatnonzero(f.cluster & ~before)
    assert abs(_member_share(model) - 0.4) < 0.03
    assert (before <= f.cluster).all()  # nobody leaves when the share rises
    assert (np.diff(model.network._indptr)[joined] >= degree[joined]).all()
    assert (np.diff(model.network._indptr)[joined] > degree[joined]).mean() > 0.9
    assert (model.imitation[joined] == model.p["cluster_imitation_multiplier"]).all()


def test_a_lower_cluster_share_lets_members_go_and_drops_their_imitation_boost():
    model = ServitizationModel(rng=3, headless=True, population_scale=0.25,
                               cluster_share=0.3)
    before = model.firms.cluster.copy()
    set_lever(model, "cluster_share", 0.1)
    left = before & ~model.firms.cluster
    assert abs(_member_share(model) - 0.1) < 0.03
    assert (model.firms.cluster <= before).all()
    assert (model.imitation[left] == 1.0).all()


def _sme_adoption_2040(seed: int, share: float) -> float:
    model = ServitizationModel(rng=seed, headless=True, population_scale=0.1,
                               lever_start_year=2025, cluster_share=share,
                               cluster_imitation_multiplier=2.0)
    model.run()
    return model.indicators()["digital_adoption_sme"]


def test_more_members_from_2025_raise_sme_adoption_by_2040_on_paired_seeds():
    few = np.array([_sme_adoption_2040(seed, 0.05) for seed in SEEDS])
    many = np.array([_sme_adoption_2040(seed, 0.40) for seed in SEEDS])
    assert np.mean(many - few) > 0
