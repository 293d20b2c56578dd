"""In the degenerate `bass` preset, adoption follows the Bass (1969) curve (spec section 3)."""

import numpy as np
import pytest

from model import ServitizationModel, load_preset


def bass_curve(t, p, q, f0):
    """Closed-form Bass share at time t (years) from a starting share f0."""
    c = (1 - f0) / (1 + (q / p) * f0)
    e = np.exp(-(p + q) * t)
    return (1 - c * e) / (1 + (q / p) * c * e)


@pytest.mark.parametrize(("p", "q"), [(0.003, 0.1), (0.003, 0.6), (0.05, 0.1), (0.05, 0.6),
                                      (0.015, 0.35)])
def test_bass_preset_follows_the_bass_curve_within_3_points(p, q):
    params = load_preset("bass") | {"bass_p_sme": p, "bass_p_large": p, "bass_q": q}
    model = ServitizationModel(rng=11, headless=True, population_scale=1.0, **params)
    model.run()
    sim = model.trajectory()["digital_adoption_sme"].to_numpy()
    t = np.arange(len(sim)) * 0.25
    gap = np.abs(sim - bass_curve(t, p, q, sim[0]))
    assert gap.max() <= 0.03, f"max gap {gap.max():.3f} at quarter {gap.argmax()}"


def test_bass_preset_counts_exactly_the_adopters():
    model = ServitizationModel(rng=2, headless=True, population_scale=0.2, **load_preset("bass"))
    model.run()
    f = model.firms
    sme = f.alive[: f.n] & (f.kind[: f.n] != 2)
    assert f.alive[: f.n].all() and f.n == model.initial_firms  # nothing else moves
    assert model.indicators()["digital_adoption_sme"] == f.adopted[: f.n][sme].mean()
