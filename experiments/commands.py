"""The list of sub-command modules of the CLI (each exposes ``register(subparsers)``)."""

from __future__ import annotations

from experiments import (
    cmd_analyze,
    cmd_batch,
    cmd_params,
    cmd_report,
    cmd_run,
    cmd_viz,
    cmd_workshop,
)

MODULES = [cmd_run, cmd_params, cmd_batch, cmd_analyze, cmd_viz, cmd_report, cmd_workshop]
