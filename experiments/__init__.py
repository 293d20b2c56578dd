"""Experiments: single runs, batches, analysis, the workshop report and the CLI."""

# Public names are imported lazily (PEP 562): a batch worker imports
# ``experiments.model_runner`` and must not pull in pandas-heavy or plotting modules through
# this package. Add a name by mapping it to its module below.
_LAZY = {
    "run_batch": "experiments.batch",
    "BatchSummary": "experiments.batch",
    "load_experiment": "experiments.spec",
    "load_results": "experiments.store",
    "load_spec": "experiments.store",
    "load_samples": "experiments.store",
    "load_plan": "experiments.store",
    "load_trajectories": "experiments.store",
    "analyze": "experiments.analysis",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    """Import a public name from its module on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
