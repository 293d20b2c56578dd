"""Calibration targets, the calibration routine, calibrated defaults and scenario presets."""

from experiments import lazy_exports

# Public names are imported lazily (PEP 562): the CLI imports ``calibration.cmd_calibrate`` at
# start-up and batch workers import ``calibration.summaries``; neither should pull in pandas
# or the plotting stack through this package.
_LAZY = {
    "load_config": "calibration.config",
    "load_targets": "calibration.targets",
    "CalibrationConfig": "calibration.config",
    "Target": "calibration.targets",
    "run_abc": "calibration.abc",
    "Runner": "calibration.abc",
    "Posterior": "calibration.abc",
    "calibrate": "calibration.cmd_calibrate",
    "SUMMARIES": "calibration.summaries",
    "EFFECTS": "calibration.effects",
    "summary": "calibration.fit",
    "fit_table": "calibration.fit",
}

__all__ = sorted(_LAZY)
__getattr__ = lazy_exports(globals(), _LAZY)
