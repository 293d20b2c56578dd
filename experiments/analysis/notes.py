"""The analysis's notes: an English sentence that also carries a key and values to translate.

A :class:`Note` is a ``str`` (its English sentence, as ``notes.csv``, ``summary.json`` and the
CLI show it) with a ``key``, the ``values`` it was written from and the ``outcomes`` it is
about. The report writes the same note in its own language from ``note.<key>`` in
``experiments/report/locales/{fr,en}.toml``; every key of :data:`TEXTS` has its sentence
there (a test checks it).
"""

from __future__ import annotations

from typing import Any

#: The English sentence of each note; ``{name}`` fields come from the note's values.
TEXTS = {
    "batch_partial": "the batch is partly finished: {done} of {planned} runs done; this "
                     "analysis uses the finished runs only",
    "batch_failed": "{failed} of {finished} finished runs failed and are left out",
    "no_numeric_outcome": "the batch has no numeric outcome: no sensitivity index",
    "sobol_dropped": "dropped {dropped} of {rows} Sobol base rows ({points} design points) "
                     "that have a failed or unfinished run; indices use the complete rows",
    "sobol_too_few": "fewer than 2 complete Sobol base rows, no index",
    "constant": "the same value at every point, no index",
    "morris_dropped": "dropped {dropped} of {total} Morris trajectories that have a failed or "
                      "unfinished run",
    "morris_too_few": "fewer than 2 complete Morris trajectories, no index",
    "pawn_missing": "{missing} of {total} points have no finished run and are left out",
    "pawn_too_few": "fewer than 10 points or a constant outcome, no index",
    "crossed_pawn": "crossed design: PAWN indices on the scenario score only; the variance "
                    "shares (policies, futures, seeds) cover every outcome",
    "one_replicate": "one finished replicate per point: the seed's share of the variance "
                     "cannot be separated from the parameters'",
    # which indices keep the runs depends on the design: see history_note
    "history_left_out": "{left_out} of {checked} runs contradict the region's 2020-2024 data "
                        "and are left out of the PAWN indices, the seed's share, the classes, "
                        "the boxes and the policies",
    "history_left_out_indices": "{left_out} of {checked} runs contradict the region's "
                                "2020-2024 data and are left out of the seed's share, the "
                                "classes and the boxes ({method} indices keep them: they need "
                                "the whole design)",
    "no_classes": "no finished run has a scenario class (low, trend or high): no scenario "
                  "discovery",
    "nothing_varies": "no parameter varies between the runs: no scenario discovery",
    "few_classified": "only {n} classified runs: boxes are rough",
}
#: ``outcomes`` of a note that holds for every outcome analysed.
EVERY = ("*",)


class Note(str):
    """One note of the analysis: its English sentence, with what it was written from.

    Args:
        key: the note's key in :data:`TEXTS` (and ``note.<key>`` in the report's locales).
        outcomes: the outcomes it is about (:data:`EVERY`: all of them; empty: none).
        **values: the numbers in the sentence.

    """

    key: str
    values: dict[str, Any]
    outcomes: tuple[str, ...]

    def __new__(cls, key: str, outcomes: tuple[str, ...] = (), **values: Any) -> Note:
        """Write the note's English sentence (prefixed with its outcomes) and keep its parts."""
        text = TEXTS[key].format(**values)
        if outcomes == EVERY:
            text = f"every outcome: {text}"
        elif outcomes:
            text = f"{', '.join(outcomes)}: {text}"
        note = super().__new__(cls, text)
        note.key, note.values, note.outcomes = key, dict(values), tuple(outcomes)
        return note

    def __reduce__(self):
        return _note, (self.key, self.outcomes, self.values)

    def record(self) -> dict[str, Any]:
        """The note as plain data for ``summary.json``: key, values, outcomes and text."""
        return {"key": self.key, "values": self.values, "outcomes": list(self.outcomes),
                "text": str(self)}


def history_note(design: str | None, left_out: int, checked: int) -> Note:
    """The note on the runs the history check left out, as the design's analysis uses them.

    Sobol and Morris estimators need every run of their design, so those indices keep the
    runs; other designs' PAWN indices leave them out. Only a Sobol or Morris design says so:
    in a crossed or LHS study there is no such index to mention.
    """
    if design in ("sobol", "morris"):
        return Note("history_left_out_indices", left_out=left_out, checked=checked,
                    method=design.capitalize())
    return Note("history_left_out", left_out=left_out, checked=checked)


def _note(key: str, outcomes: tuple[str, ...], values: dict[str, Any]) -> Note:
    return Note(key, outcomes, **values)


def record(note: str) -> dict[str, Any]:
    """A note as plain data; a plain string has no key (the report shows it as it is)."""
    return note.record() if isinstance(note, Note) else {"key": None, "text": str(note)}


def merge_notes(notes: list[str], outcomes: list[str]) -> list[str]:
    """Say once what holds for several outcomes: ``"a, b: text"`` or ``"every outcome: text"``.

    Notes about one outcome of ``outcomes`` (a :class:`Note`, or a string that starts with
    ``"<outcome>: "``) and with the same text are merged, in order.
    """
    merged: dict[Any, list[str]] = {}
    for note in notes:
        if isinstance(note, Note) and len(note.outcomes) == 1 and note.outcomes[0] in outcomes:
            group: Any = (note.key, tuple(sorted(note.values.items())))
            merged.setdefault(group, []).append(note.outcomes[0])
            continue
        name, sep, text = note.partition(": ")
        if sep and name in outcomes and not isinstance(note, Note):
            merged.setdefault(text, []).append(name)
        else:
            merged.setdefault(note, [])
    out: list[str] = []
    for group, names in merged.items():
        every = len(names) == len(outcomes) > 1
        if isinstance(group, tuple):
            out.append(Note(group[0], EVERY if every else tuple(names), **dict(group[1])))
        elif not names:
            out.append(group)
        elif every:
            out.append(f"every outcome: {group}")
        else:
            out.append(f"{', '.join(names)}: {group}")
    return out
