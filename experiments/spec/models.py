"""Custom models (``model = "module:function"``): where they may come from, and importing them.

An experiment file that names a custom model runs that model's code, so the code must be the
user's own, found where the user put it:

* the module is searched in the experiment file's folder and in the non-empty entries of
  ``PYTHONPATH`` as the user set it (never the working folder, never ``sys.path`` as a
  program changed it);
* a module of the standard library (``subprocess:call``, ``os:system``) or of an installed
  package (``numpy:...``) is refused, and so is a function that the module only imported from
  one of those; servisim's own packages (``model``, ``agents``, ``experiments``,
  ``calibration``) stay usable, as ``calibration.summaries:simulate`` needs;
* those folders are appended to ``sys.path``, never put first, so a stray ``SALib.py`` beside
  an experiment file never replaces the installed SALib.

Batch workers import this module: it imports the standard library only.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import site
import sys
import sysconfig
from collections.abc import Callable, Iterable
from typing import Any

from experiments.errors import ModelImportError

#: What a model may return beside its outcomes: the run's class and its 2020-2024 history
#: check (:mod:`model.history`); each is a column of the result table.
MARKS = ("scenario", "plausible", "implausibility", "history_misses")

#: servisim's own top-level packages: usable as models wherever servisim is installed.
OWN_PACKAGES = ("model", "agents", "experiments", "calibration")
_SKIP_FINDERS = (importlib.machinery.BuiltinImporter, importlib.machinery.FrozenImporter,
                 importlib.machinery.PathFinder)


def search_paths(folder: str | os.PathLike | None = None,
                 extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The folders a custom model may come from, in search order.

    Args:
        folder: the experiment file's folder (or a calibration file's).
        extra: more folders the caller vouches for (e.g. a calibration file's folder).

    Returns:
        ``folder``, ``extra``, then the non-empty ``PYTHONPATH`` entries, as absolute paths,
        each once.

    """
    entries = [os.fspath(folder)] if folder is not None else []
    entries += list(extra)
    entries += [e for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e]
    return tuple(dict.fromkeys(os.path.abspath(e) for e in entries))


def _install_folders() -> list[str]:
    """The folders Python installs into: the standard library and the site-packages."""
    paths = sysconfig.get_paths()
    folders = [paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths]
    folders += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    folders.append(site.getusersitepackages())
    # and what sys.path holds of them (zipped stdlib, lib-dynload, a distribution's dist-packages)
    folders += [p for p in sys.path if p.endswith((".zip", "lib-dynload", "site-packages",
                                                   "dist-packages"))]
    return list(dict.fromkeys(os.path.abspath(f) for f in folders))


def _installed_origin(top: str) -> str | None:
    """Where ``top`` is installed (standard library, site-packages, an editable install)."""
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return "Python's standard library"
    # only installation folders count: the user's folders on sys.path (the working folder,
    # PYTHONPATH, an experiment's folder added earlier in this process) are not installations
    found = importlib.machinery.PathFinder.find_spec(top, _install_folders())
    if found is not None:
        return f"the installed package at {found.origin or found.submodule_search_locations}"
    for finder in sys.meta_path:  # editable installs register finders of their own
        if isinstance(finder, type) and issubclass(finder, _SKIP_FINDERS):
            continue
        find = getattr(finder, "find_spec", None)
        try:
            spec = find(top, None) if find is not None else None
        except Exception:  # noqa: BLE001 - a broken third-party finder says nothing about us
            spec = None
        if spec is not None:
            return f"the installed package at {spec.origin or 'an editable install'}"
    return None


def _refuse(model: str, reason: str) -> ModelImportError:
    return ModelImportError(f"model {model!r}: {reason}", reason)


def _where_to_put(module: str, paths: tuple[str, ...]) -> str:
    folders = ", ".join(paths) if paths else "(none)"
    return (f"a model must be a module of your own: put {module.split('.')[0]}.py in the "
            f"experiment file's folder or add its folder to PYTHONPATH (searched: {folders})")


def check_model_source(model: str, paths: tuple[str, ...]) -> str:
    """Check where a custom model's module would come from, without importing it.

    Args:
        model: ``"package.module:function"``.
        paths: the folders it may come from (:func:`search_paths`).

    Returns:
        ``"own"`` for servisim's own packages, else the folder holding the module.

    Raises:
        ModelImportError: a standard-library or installed module, or one not in ``paths``.

    """
    module_name = model.partition(":")[0]
    top = module_name.split(".")[0]
    if top in OWN_PACKAGES:
        return "own"
    installed = _installed_origin(top)
    if installed is not None:
        raise _refuse(model, f"module {top!r} is part of {installed}, not a model of your "
                             f"own; {_where_to_put(module_name, paths)}")
    for folder in paths:
        if importlib.machinery.PathFinder.find_spec(top, [folder]) is not None:
            return folder
    raise _refuse(model, f"module {top!r} not found; {_where_to_put(module_name, paths)}")


def _import_top_from(top: str, folder: str) -> None:
    """Import the top-level module ``top`` from ``folder``, whatever is on ``sys.path`` first.

    A module of the same name imported before from another folder (another experiment in the
    same process) is replaced, so each experiment runs its own file.
    """
    loaded = sys.modules.get(top)
    origin = getattr(loaded, "__file__", None) if loaded is not None else None
    if origin and os.path.abspath(origin).startswith(folder.rstrip(os.sep) + os.sep):
        return
    spec = importlib.machinery.PathFinder.find_spec(top, [folder])
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module {top!r} in {folder}")
    for key in [k for k in sys.modules if k == top or k.startswith(top + ".")]:
        del sys.modules[key]
    module = importlib.util.module_from_spec(spec)
    sys.modules[top] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[top]
        raise


def import_model(model: str, paths: tuple[str, ...]) -> Callable[..., Any]:
    """Import a custom model's function under the rules above.

    Args:
        model: ``"package.module:function"``.
        paths: the folders it may come from (:func:`search_paths`).

    Returns:
        The function.

    Raises:
        ModelImportError: the module is not the user's own, cannot be imported, or has no
            such function; the message names the model and what to do.

    """
    module_name, _, name = model.partition(":")
    folder = check_model_source(model, paths)
    own = folder == "own"
    top = module_name.split(".")[0]
    try:
        if not own:
            for path in paths:  # appended: an installed package always wins over a stray file
                if path not in sys.path:
                    sys.path.append(path)
            _import_top_from(top, folder)
        module = importlib.import_module(module_name)
    except Exception as err:  # noqa: BLE001 - any import failure is the user's to fix
        raise _refuse(model, f"cannot import module {module_name!r} ({type(err).__name__}: "
                             f"{err})") from None
    func = getattr(module, name, None)
    if not callable(func):
        raise _refuse(model, f"module {module_name!r} has no function {name!r}; expected "
                             "f(params: dict, seed: int) -> dict[str, float]")
    defined = str(getattr(func, "__module__", None) or module_name)
    allowed_tops = OWN_PACKAGES if own else (top,)
    if defined.split(".")[0] not in allowed_tops:
        raise _refuse(model, f"{name!r} is {defined}.{name}, which {module_name!r} only "
                             "imports; a model must be a function defined in your own module")
    return func
