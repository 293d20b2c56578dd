"""The shipped experiment files: the workshop study, its screening version and the quick one.

``servisim workshop`` runs one of them (``--screening``, ``--quick``); they are also examples of
the experiment file format (``servisim batch experiments/studies/quick.toml``).
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
#: Study name -> its experiment file.
STUDIES = {"workshop": FOLDER / "workshop.toml", "quick": FOLDER / "quick.toml",
           "screening": FOLDER / "workshop_screening.toml"}
