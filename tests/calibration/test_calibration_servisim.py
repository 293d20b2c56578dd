"""The servisim side of the calibration: summaries, effects, calibrated defaults, the command."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest

from calibration.effects import Panel, effects
from calibration.summaries import SUMMARIES, simulate, summaries
from experiments.cli import main
from model import ServitizationModel
from model.history import TARGETS_FILE
from model.parameters import ParameterError, load_registry, resolve

TARGETS = TARGETS_FILE


@pytest.fixture(scope="module")
def defaults_run():
    return simulate({"population_scale": 0.1}, 4)


def test_summaries_give_every_target_output_in_plausible_ranges(defaults_run):
    s = defaults_run
    assert set(s) == set(SUMMARIES)
    assert all(math.isfinite(v) for v in s.values()), s
    assert -0.05 < s["jobs_change_2020_2024"] < 0.01
    assert -0.05 < s["establishments_change_2020_2024"] < 0.01
    for name in SUMMARIES:
        if "share" in name or "adoption" in name:
            assert 0.0 <= s[name] <= 1.0, name
    assert 5_000 < s["cyber_median_loss_2021"] < 60_000
    assert s["digital_adoption_250plus_2024"] >= s["digital_adoption_250plus_2020"] - 0.1


def test_recording_the_summaries_leaves_the_run_bit_identical():
    plain = ServitizationModel(rng=9, headless=True, population_scale=0.1)
    for _ in range(20):
        plain.step()
    observed = ServitizationModel(rng=9, headless=True, population_scale=0.1)
    summaries(observed)
    pd.testing.assert_frame_equal(plain.trajectory(), observed.trajectory())


def test_summaries_follow_their_inputs():
    quiet = simulate({"population_scale": 0.1, "attack_prob_sme": 0.0, "attack_prob_large": 0.0,
                      "subsidy_budget_relance": 0.0}, 1)
    assert quiet["cyber_attacked_share_2021"] == 0.0
    assert math.isnan(quiet["cyber_median_loss_2021"])
    assert quiet["subsidy_applicant_share_2020"] == 0.0
    loud = simulate({"population_scale": 0.1, "attack_prob_sme": 0.9,
                     "cyber_loss_median": 30_000.0}, 1)
    assert loud["cyber_attacked_share_2021"] > 0.4
    assert loud["cyber_median_loss_2021"] > 20_000


def _synthetic_panel(n=400, seed=0):
    """Firms 2020-2030; half start services in 2023 with known effects, everyone on a trend."""
    rng = np.random.default_rng(seed)
    years = np.arange(2020, 2031)
    t = (years - 2020)[:, None]
    base_sales = np.exp(rng.normal(13, 0.5, n))
    panel = Panel.__new__(Panel)
    panel.years = years
    panel.kind = np.zeros(n, dtype=int)
    panel.entry = np.zeros(n, dtype=int)
    panel.start = np.where(np.arange(n) < n // 2, 2023, -1)
    after = (years[:, None] >= 2023) & (panel.start[None, :] == 2023)
    panel.alive = np.ones((len(years), n), dtype=bool)
    panel.employees = 20.0 * 0.99**t * np.where(after, 1.10, 1.0) * np.ones((1, n))
    panel.sales = base_sales * 1.01**t * np.where(after, 1.05, 1.0)
    panel.ebit = panel.sales * np.where(after, 0.11, 0.10)
    return panel


def test_matched_before_after_recovers_known_effects():
    out = effects(_synthetic_panel())
    assert out["employment_effect"] == pytest.approx(0.10, abs=1e-9)
    assert out["sales_effect"] == pytest.approx(0.05, abs=1e-9)
    assert out["margin_effect"] == pytest.approx(0.10, rel=1e-6)  # +1 point on a 10% margin
    assert out["margin_points_h3"] == pytest.approx(0.01, rel=1e-6)
    assert out["treated_h3"] == 200


def test_effects_of_a_model_run_show_treated_firms_and_the_j_curve():
    from calibration.effects import simulate as effects_run

    out = effects_run({"population_scale": 0.5}, 2)
    # Few firms start selling services after 2020 (three in four already do): a handful.
    assert out["treated_h3"] >= 5
    # the J-curve: margins dip after the start (organisation costs) and recover later
    path = [out[f"margin_effect_h{h}"] for h in range(7)]
    low = min(range(7), key=path.__getitem__)
    assert path[low] < 0 and low < 6 and path[6] > path[low]
    assert out["employment_effect"] > 0 and out["sales_effect"] > 0


def test_calibrated_file_replaces_defaults_and_keeps_literature_values(tmp_path, monkeypatch):
    read = load_registry.__wrapped__  # uncached: each call reads the file and environment
    monkeypatch.delenv("SERVISIM_DEFAULTS", raising=False)
    literature = {p.name: p for p in read(None)}
    path = tmp_path / "calibrated.toml"
    path.write_text("[meta]\nruns = 10\n\n[defaults]\nbass_p_sme = 0.0071\nentry_rate = 0.004\n")
    params = {p.name: p for p in read(path)}
    assert params["bass_p_sme"].default == 0.0071
    assert params["bass_p_sme"].literature_default == literature["bass_p_sme"].default
    assert params["entry_rate"].literature_default == literature["entry_rate"].default
    assert params["bass_q"].literature_default is None and params["bass_q"].default == 0.20
    monkeypatch.setenv("SERVISIM_DEFAULTS", "literature")
    assert read(path) == read(None)
    monkeypatch.delenv("SERVISIM_DEFAULTS")
    path.write_text("[defaults]\nbass_p_smee = 0.0071\n")
    with pytest.raises(ParameterError, match="bass_p_smee: unknown parameter in .*calibrated"):
        read(path)
    path.write_text("[defaults]\nbass_p_sme = 7.0\n")
    with pytest.raises(ParameterError, match="bass_p_sme: 7.0 is out of range"):
        read(path)


def test_importing_the_model_reads_no_file_and_no_environment():
    import subprocess
    import sys

    code = ("import model, model.parameters as p; "
            "print(p.load_registry.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "0"


TINY = f"""\
[calibration]
name = "tiny"
targets_file = "{TARGETS}"
budget = 16
population = 8
scale = 0.03
seed = 5
effects_runs = 2
effects_scale = 0.05
preset_seeds = 1
preset_scale = 0.05
preset_candidates = 2
point_candidates = 3
point_seeds = 2

[priors]
attack_prob_sme = [0.2, 0.8]
exit_hazard_sme = [0.005, 0.02]
transition_quarters = [4, 12]
"""


def test_servisim_calibrate_writes_posterior_fit_effects_presets_and_defaults(tmp_path, capsys):
    config = tmp_path / "tiny.toml"
    config.write_text(TINY)
    out = tmp_path / "out"
    assert main(["calibrate", "--config", str(config), "--out", str(out), "--workers",
                 "2"]) == 0
    printed = capsys.readouterr().out
    assert "fitted targets inside their range" in printed and "effect margin_effect" in printed
    post = pd.read_parquet(out / "posterior.parquet")
    assert len(post) == 4 and post["transition_quarters"].dtype.kind == "i"
    assert post["weight"].sum() == pytest.approx(1.0)
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["parameter"]) == ["attack_prob_sme", "exit_hazard_sme",
                                          "transition_quarters"]
    assert list(summary["literature_default"]) == [0.30, 0.010, 8]
    fit = pd.read_csv(out / "fit.csv")
    assert fit["fitted"].sum() == 17 and (~fit["fitted"]).sum() == 2
    assert fit["calibrated_median"].notna().all()
    candidates = pd.read_csv(out / "candidates.csv")
    assert candidates["chosen"].sum() == 1 and candidates["source"][0] == "posterior medians"
    chosen = candidates[candidates["chosen"]].iloc[0]
    assert candidates["source"].iloc[-1] == "literature defaults"
    # the best fit (most targets inside, then distance) among the candidates with which
    # every preset keeps its class (if any)
    passed = candidates[["preset_low", "preset_trend", "preset_high"]].ge(0.85).all(axis=1)
    pool = candidates[passed] if passed.any() else candidates
    best = pool.sort_values(["targets_inside", "distance_of_seed_medians"],
                            ascending=[False, True]).iloc[0]
    assert (chosen["targets_inside"], chosen["distance_of_seed_medians"]) == (
        best["targets_inside"], best["distance_of_seed_medians"])
    eff = pd.read_csv(out / "effects.csv")
    head = eff[eff["headline"]].set_index("effect")
    assert head.loc["employment_effect", "cepii_low"] == 0.021
    assert head.loc["sales_effect", "cepii_high"] == 0.04
    presets = pd.read_csv(out / "presets.csv")
    assert list(presets["defaults"]) == ["literature"] * 3 + ["calibrated"] * 3
    for name in ("posterior", "fit", "generations", "effects"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 1000
    calibrated = tomllib.loads((out / "calibrated.toml").read_text())
    assert set(calibrated["defaults"]) == {"attack_prob_sme", "exit_hazard_sme",
                                           "transition_quarters"}
    assert isinstance(calibrated["defaults"]["transition_quarters"], int)
    # the registry accepts the file as defaults, and resolve() still validates
    assert calibrated["defaults"]["exit_hazard_sme"] == chosen["exit_hazard_sme"]
    registry = {p.name: p for p in load_registry.__wrapped__(out / "calibrated.toml")}
    assert registry["exit_hazard_sme"].default == calibrated["defaults"]["exit_hazard_sme"]
    assert resolve({"exit_hazard_sme": 0.01})["exit_hazard_sme"] == 0.01
