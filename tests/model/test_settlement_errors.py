"""Parameters in bounds with which the 2020 service market cannot be settled: bad input."""

import pickle

import pytest

from experiments.cli import main
from model import ServitizationModel
from model.errors import ServisimError, SettlementError
from model.market_2020 import TARGET_DEPENDS_ON

#: A small population: the error comes before the first step, at any scale.
SCALE = 0.02


def _settlement_error(**parameters) -> SettlementError:
    with pytest.raises(SettlementError) as caught:
        ServitizationModel(rng=1, headless=True, population_scale=SCALE, **parameters)
    return caught.value


def test_no_firm_offering_services_cannot_meet_the_capture_target():
    err = _settlement_error(initial_service_offer=0)
    assert err.target == "service_capture_2020"
    assert str(err).startswith("service_capture_2020=0.925: the 2020 service market cannot "
                               "be settled with these parameters")
    assert "stays between 0 and 0" in str(err)


def test_the_capture_error_names_the_parameters_capture_depends_on_with_their_values():
    err = _settlement_error(initial_service_offer=0)
    assert err.parameters == TARGET_DEPENDS_ON["service_capture_2020"]
    for name in ("initial_service_offer", "aftermarket_ratio", "platform_network_effect",
                 "capability_weight", "price_weight", "outsourced_services_share"):
        assert name in err.parameters
    assert "initial_service_offer=0," in str(err)


def test_no_service_demand_cannot_meet_the_outsourced_share_target():
    err = _settlement_error(aftermarket_ratio=0)
    assert err.target == "outsourced_services_share"
    assert err.parameters == TARGET_DEPENDS_ON["outsourced_services_share"]
    assert str(err).startswith("outsourced_services_share=0.324: the 2020 service market "
                               "cannot be settled with these parameters")
    assert "aftermarket_ratio=0," in str(err)


def test_overwhelming_platforms_cannot_meet_the_outsourced_share_target():
    err = _settlement_error(platform_network_effect=10, service_capture_2020=0.5,
                            capability_weight=20, price_weight=20)
    assert err.target == "outsourced_services_share"
    assert "service_capture_2020=0.5" in str(err) and "capability_weight=20" in str(err)


def test_a_settlement_error_is_bad_input_and_survives_pickling():
    err = _settlement_error(aftermarket_ratio=0)
    assert isinstance(err, ServisimError)
    copy = pickle.loads(pickle.dumps(err))
    assert (str(copy), copy.target, copy.parameters) == (str(err), err.target, err.parameters)


def test_servisim_run_says_it_on_one_line_exits_2_and_creates_no_out_folder(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["run", "--set", "initial_service_offer=0", "--scale", str(SCALE),
                 "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("servisim: error: service_capture_2020=0.925: the 2020 "
                                   "service market cannot be settled")
    assert captured.err.count("\n") == 1 and captured.out == ""
    assert not out.exists()


def test_servisim_run_leaves_an_existing_out_folder_as_it_was(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    assert main(["run", "--set", "aftermarket_ratio=0", "--scale", str(SCALE),
                 "--out", str(out)]) == 2
    assert "outsourced_services_share=0.324" in capsys.readouterr().err
    assert list(out.iterdir()) == []
