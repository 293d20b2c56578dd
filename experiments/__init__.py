"""Experiments: single runs, batches, analysis, the workshop report and the CLI."""
