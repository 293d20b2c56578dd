"""Experiment files: reading, checking and resolving them; where custom models come from."""
