"""At the shipped defaults, the first five years fit the region's data, target by target.

Ten seeds at scale 0.5 (the calibration's scale); each fitted target's seed median must lie in
its range. Two targets are still outside, each for a measured reason given in docs/model.md
("Where the model still misses the data, and why"); they stay within the history check's
tolerance. If a change brings them inside, remove them from KNOWN_MISSES.
"""

import numpy as np
import pytest

from calibration.summaries import simulate
from model.history import CUTOFF, load_ranges

#: Target -> why it is outside (measured: scripts/relaunch_by_size.py).
KNOWN_MISSES = {
    "subsidy_oversubscription": "applicants x mean request / the 2020 envelope gives about 2",
    "subsidy_small_projects_share": "67-69% of the eligible pool has under 50 employees",
}


@pytest.fixture(scope="module")
def medians():
    runs = [simulate({"population_scale": 0.5}, seed) for seed in range(10)]
    return {r.target: (r, float(np.nanmedian([x[r.summary] for x in runs])))
            for r in load_ranges()}


def test_every_fitted_target_but_the_known_misses_is_inside_its_range(medians):
    outside = [t for t, (r, m) in medians.items() if not r.low <= m <= r.high]
    assert sorted(outside) == sorted(KNOWN_MISSES)


def test_the_known_misses_stay_within_the_history_checks_tolerance(medians):
    for target in KNOWN_MISSES:
        band, median = medians[target]
        assert band.implausibility(median) < CUTOFF / 3, (target, median)
