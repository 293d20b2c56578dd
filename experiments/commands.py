"""The list of sub-command modules of the CLI (each exposes ``register(subparsers)``)."""

from __future__ import annotations

from experiments import cmd_analyze, cmd_batch, cmd_params, cmd_run, cmd_viz

MODULES = [cmd_run, cmd_params, cmd_batch, cmd_analyze, cmd_viz]
