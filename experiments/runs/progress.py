"""Progress of a batch: a bar on a terminal, one line per chunk in a log, nothing in CI.

Modes: ``bar`` (tqdm: runs done / total, runs per second, ETA), ``lines`` (one line per
finished chunk), ``none``; ``auto`` picks ``bar`` when the stream is a terminal, ``none`` when
the ``CI`` environment variable is set, and ``lines`` otherwise.
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import IO, Protocol

from experiments.errors import ArgumentError

MODES = ("auto", "bar", "lines", "none")


class Progress(Protocol):
    """What the batch loop reports to."""

    def update(self, runs: int, failed: int = 0) -> None:
        """Count ``runs`` more finished runs, ``failed`` of them failed."""

    def close(self) -> None:
        """Finish the display."""


def pick_mode(mode: str | None, stream: IO[str]) -> str:
    """Resolve ``auto`` (or ``None``) for a stream and the environment."""
    if mode not in (None, "auto"):
        if mode not in MODES:
            raise ArgumentError("progress", mode, f"unknown progress mode; allowed "
                                                  f"{', '.join(MODES)}")
        return mode
    if os.environ.get("CI"):
        return "none"
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty() and os.environ.get("TERM") != "dumb":
        return "bar"
    return "lines"


def make_progress(total: int, done: int = 0, mode: str | None = "auto",
                  stream: IO[str] | None = None, label: str = "batch") -> Progress:
    """Make a progress display for ``total`` runs, ``done`` of them finished before.

    Args:
        total: runs in the plan.
        done: runs already stored (resume).
        mode: ``auto``, ``bar``, ``lines`` or ``none``.
        stream: where to write (default ``sys.stderr``).
        label: the experiment name, shown first.

    """
    stream = stream if stream is not None else sys.stderr
    chosen = pick_mode(mode, stream)
    if chosen == "bar":
        return _Bar(total, done, stream, label)
    if chosen == "lines":
        return _Lines(total, done, stream, label)
    return _Silent()


class _Silent:
    def update(self, runs: int, failed: int = 0) -> None:
        pass

    def close(self) -> None:
        pass


class _Bar:
    def __init__(self, total: int, done: int, stream: IO[str], label: str):
        import tqdm

        tqdm.tqdm.monitor_interval = 0  # no monitor thread (workers are forked)
        self.failed = 0
        # a terminal of unknown size (0 x 0, e.g. a fresh pty) gets 80 x 24, or tqdm hides
        size = {"dynamic_ncols": True} if _width(stream) > 0 else {"ncols": 80, "nrows": 24}
        self.bar = tqdm.tqdm(total=total, initial=done, unit="run", desc=label, file=stream,
                             mininterval=0.25, smoothing=0.1, **size)

    def update(self, runs: int, failed: int = 0) -> None:
        if failed:
            self.failed += failed
            self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
        self.bar.update(runs)

    def close(self) -> None:
        self.bar.close()


class _Lines:
    def __init__(self, total: int, done: int, stream: IO[str], label: str):
        self.total, self.done, self.start_done = total, done, done
        self.stream, self.label = stream, label
        self.failed = 0
        self.t0 = time.perf_counter()

    def update(self, runs: int, failed: int = 0) -> None:
        self.done += runs
        self.failed += failed
        elapsed = time.perf_counter() - self.t0
        rate = (self.done - self.start_done) / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        eta = _clock(left) if left == left else "?"
        extra = f", {self.failed} failed" if self.failed else ""
        print(f"{self.label}: {self.done}/{self.total} runs ({100 * self.done / self.total:.0f}%)"
              f", {rate:.2f} runs/s, ETA {eta}{extra}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


def _width(stream: IO[str]) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 0


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
