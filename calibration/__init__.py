"""Calibration targets, the calibration routine, calibrated defaults and scenario presets."""
