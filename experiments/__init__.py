"""Experiments: single runs, batches, analysis, the workshop report and the CLI."""

import importlib

# Public names are imported lazily (PEP 562): a batch worker imports
# ``experiments.runs.worker`` and must not pull in pandas-heavy or plotting modules through
# this package. Add a name by mapping it to its module below.
_LAZY = {
    "run_batch": "experiments.runs.batch",
    "BatchSummary": "experiments.runs.batch",
    "load_experiment": "experiments.spec.experiment",
    "load_results": "experiments.stored",
    "load_spec": "experiments.stored",
    "load_samples": "experiments.stored",
    "load_plan": "experiments.stored",
    "load_trajectories": "experiments.stored",
    "analyze": "experiments.analysis",
    "scenario_probabilities": "experiments.analysis.probabilities",
}

__all__ = sorted(_LAZY)


def lazy_exports(namespace: dict, names: dict[str, str]):
    """Return a package's ``__getattr__`` (PEP 562) that imports public names on first use.

    Defined here, not in a submodule, so that importing the package stays one module.

    Args:
        namespace: the package's ``globals()``; each name is kept there once imported.
        names: public name -> the module that defines it.

    """
    package = namespace["__name__"]

    def import_on_first_use(name: str):
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return import_on_first_use


__getattr__ = lazy_exports(globals(), _LAZY)
