"""Output paths that never destroy what the user did not ask to replace, and folder locks.

* ``servisim run --out DIR`` writes into a new or empty folder, or one that holds only an
  earlier ``servisim run`` (recognised by its marker file, :data:`RUN_MARKER`), and refuses
  anything else: a file, a folder of the user's, a batch folder.
* ``servisim report --out FILE`` never writes over a batch folder's own files, nor over a file
  that is not an earlier report.
* A batch folder is locked while a batch writes to it (:class:`FolderLock`): a second batch is
  refused with the holder's id; a killed process's lock is released by the system.
* ``servisim analyze`` replaces ``DIR/analysis/`` only when it holds nothing but what an
  analysis wrote (:func:`check_analysis_folder`), and removes only its own temporary folders
  (:func:`remove_stale_analyses`).
* A write that fails (full disk, read-only folder, no permission) becomes one
  :class:`~experiments.errors.WriteError` naming the path and what to do (:func:`writing`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import fnmatch
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from experiments.errors import FolderLockedError, OutputPathError, WriteError, argument

RUN_MARKER = ".servisim-run"
RUN_FILES = ("trajectory.csv", "indicators.json", "trajectory.png")
LOCK = ".servisim.lock"
#: What a batch folder holds (``servisim report`` and ``run`` never write over these).
BATCH_OWN = ("spec.json", "samples.parquet", "runs.parquet", "experiment.toml", "results",
             "trajectories", "analysis", LOCK)
REPORT_SIGNATURE = b'<meta name="generator" content="servisim'
ANALYSIS_LOCK = ".servisim-analysis.lock"
_REMEDY = {errno.ENOSPC: "free some space on that disk or choose another folder",
           errno.EDQUOT: "free some of your disk quota or choose another folder",
           errno.EROFS: "the folder is on a read-only file system: choose another folder",
           errno.EACCES: "you may not write there: choose another folder",
           errno.EPERM: "you may not write there: choose another folder",
           errno.EFBIG: "over the file size limit (`ulimit -f`): raise it or use another disk"}


def out_argument(text: str | os.PathLike, option: str = "out_dir") -> Path:
    """Turn an ``--out`` value into a path, refusing an empty one.

    Raises:
        OutputPathError: an empty or blank value.

    """
    if not str(text).strip():
        raise OutputPathError(f"{argument(option)} {str(text)!r}: empty path; give a folder or "
                              "file name")
    return Path(text).expanduser()


@contextlib.contextmanager
def writing(path: str | os.PathLike, option: str = "out_dir",
            after: str = "nothing half-written was left behind",
            target: str | os.PathLike | None = None) -> Iterator[None]:
    """Turn a failed write under ``path`` into one :class:`WriteError` line.

    Args:
        path: the path the user gave (after ``option`` in the message).
        option: the argument that chose it, e.g. ``out_dir`` (``--out`` on the command line).
        after: what the message says about what is left (e.g. that finished runs are kept).
        target: what is being written, named when the error names no file (default
            ``path``).

    """
    try:
        yield
    except OSError as err:
        if err.errno not in _REMEDY and err.errno not in (errno.ENOTDIR, errno.EEXIST):
            raise
        where = err.filename or target or path
        remedy = _REMEDY.get(err.errno, "a file stands where a folder is needed: choose "
                                        "another folder")
        at = argument(option, path)
        raise WriteError(f"{at}: cannot write {where}: {os.strerror(err.errno)}; "
                         f"{remedy}; {after}") from None


def check_run_folder(out: Path) -> None:
    """Refuse a ``servisim run --out`` folder that holds anything but an earlier run.

    Raises:
        OutputPathError: ``out`` is a file, or a folder holding other files.

    """
    at = argument("out_dir", out)
    if out.is_symlink() and not out.exists():
        raise OutputPathError(f"{at}: is a link to nothing ({os.readlink(out)}); servisim run "
                              "writes a folder and never replaces a link: choose a new folder "
                              "name")
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"{at}: is a file, not a folder; servisim run writes a "
                              "folder and never replaces a file: choose a new folder name")
    for existing in (out, *out.parents):
        if existing.exists():
            if not existing.is_dir():
                raise OutputPathError(f"{at}: {existing} is a file, not a folder; "
                                      "choose another folder")
            check_writable(existing, out)
            break
    if not out.is_dir():
        return
    names = sorted(p.name for p in out.iterdir()
                   if our_temp(p.name, (RUN_MARKER, *RUN_FILES)) is None)
    if not names or (RUN_MARKER in names and set(names) <= {RUN_MARKER, *RUN_FILES}):
        return
    if (out / "spec.json").exists():
        raise OutputPathError(f"{at}: is a batch folder; servisim run writes only to a "
                              "new or empty folder, or over an earlier servisim run: choose a "
                              "new folder")
    # Without servisim run's mark even files named as a run's are not known to be one's.
    others = [n for n in names if n not in (RUN_MARKER, *RUN_FILES)] or names
    shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    raise OutputPathError(f"{at}: the folder holds {shown}, not written by servisim "
                          "run; servisim run writes only to a new or empty folder, or over "
                          "an earlier servisim run: choose a new folder")


def check_writable(folder: Path, out: Path, option: str = "out_dir",
                   remedy: str | None = None) -> None:
    """Refuse a folder this process may not write to (read-only file system, permissions).

    Args:
        folder: the folder to write in (the nearest one that exists).
        out: the path the user gave, for the message.
        option: the argument that gave it.
        remedy: what to do instead (default: choose another folder).

    Raises:
        WriteError: ``folder`` is not writable; checked before a long job, not after it.

    """
    if not os.access(folder, os.W_OK):
        code = errno.EROFS if _read_only(folder) else errno.EACCES
        raise WriteError(f"{argument(option, out)}: cannot write in {folder}: {os.strerror(code)}; "
                         f"{remedy or _REMEDY[code]}")


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def our_temp(name: str, own: Iterable[str]) -> int | None:
    """The pid in ``.NAME.PID.tmp`` when NAME matches one of ``own`` (glob patterns)."""
    stem, dot, pid = name[1:].removesuffix(".tmp").rpartition(".")
    if not (name.startswith(".") and name.endswith(".tmp") and dot and pid.isdigit()):
        return None
    return int(pid) if any(fnmatch.fnmatchcase(stem, p) for p in own) else None


def temp_name(path: Path) -> Path:
    """A temporary name beside ``path`` (``.NAME.PID.tmp``), renamed into place when done."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` through a temporary file and a rename.

    Raises:
        OSError: the write failed (the temporary file is removed; ``path`` is untouched),
            with the error's ``filename`` set to ``path``.

    """

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    write_atomically(path, write)


def atomic_parquet(table: Any, path: Path) -> None:
    """Write a Parquet file through a temporary file and a rename (see :func:`atomic_write`)."""
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        pq.write_table(table, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())

    write_atomically(path, write)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` by calling ``write`` on a temporary name beside it, then renaming it.

    Raises:
        OSError: the write failed (the temporary file is removed; ``path`` is untouched),
            with the error's ``filename`` set to ``path``.

    """
    write_all_atomically({path: write})


def write_all_atomically(writers: dict[Path, Callable[[Path], object]]) -> None:
    """Write several files as one: all or none of them replace what was there.

    Each is written to a temporary name beside it first; only when every one is written are
    they renamed into place (a rename needs no room), so a full disk midway leaves every
    earlier file as it was, not a mix of the old and the new.

    Raises:
        OSError: a write failed (every temporary file is removed; no path is touched), with
            the error's ``filename`` set to the file being written.

    """
    temps = {path: temp_name(path) for path in writers}
    try:
        for path, write in writers.items():
            try:
                write(temps[path])
            except OSError as err:  # the user's file, not our temporary name
                if not err.filename or err.filename == str(temps[path]):
                    err.filename = str(path)
                raise
        for path, tmp in temps.items():
            os.replace(tmp, path)
    finally:
        for tmp in temps.values():
            if tmp.exists():
                tmp.unlink()


def remove_stale_temps(folder: Path, own: Iterable[str]) -> None:
    """Delete the temporaries of files named ``own`` that ended processes left in ``folder``.

    Args:
        folder: where to look.
        own: glob patterns of the files whose temporaries these are (only those are ever
            touched: a file of the user's that looks like a temporary is left alone).

    """
    if not folder.is_dir():
        return
    for path in folder.glob(".*.tmp"):
        pid = our_temp(path.name, own)
        if pid is not None and not pid_alive(pid):
            with contextlib.suppress(OSError):
                (shutil.rmtree if path.is_dir() else Path.unlink)(path)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        with contextlib.suppress(PermissionError):  # another user's process: alive
            os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def check_report_file(path: Path, batch: Path) -> None:
    """Refuse a report path that is a folder, a batch's own file or a file of the user's.

    Args:
        path: the HTML file to write.
        batch: the batch folder being reported.

    Raises:
        OutputPathError: the path would replace something other than an earlier report.

    """
    at = argument("out", path)
    if path.is_dir():
        raise OutputPathError(f"{at}: is a folder; give a file name such as "
                              "report.html")
    target = path.resolve()
    for root in (batch.resolve(), *(p for p in target.parents if (p / "spec.json").is_file())):
        with contextlib.suppress(ValueError):
            first = target.relative_to(root).parts[0]
            if first in BATCH_OWN or first.startswith("."):
                raise OutputPathError(f"{at}: is one of the batch folder's own files "
                                      f"({root}); give another file name such as "
                                      f"{root / 'report.html'}")
    if path.exists():
        with open(path, "rb") as fh:
            if REPORT_SIGNATURE not in fh.read(4096):
                raise OutputPathError(f"{at}: the file exists and is not a servisim report; "
                                      "servisim report replaces only its own reports: give a "
                                      "new file name")


class FolderLock:
    """An exclusive lock on a folder, held while a process writes to it.

    ``flock`` on ``DIR/.servisim.lock``: the system releases it when the holder ends, however
    it ends (``kill -9`` included), so a lock file left by a killed process is simply taken
    over. The file names the holder (pid, host, command, start) for the message the next
    process gives; it is removed when the lock is released.

    Args:
        root: the folder (created if missing; removed again if this lock created it and it
            is still empty when the lock is released without anything written).
        what: what holds it, for messages (e.g. ``servisim batch``).
        option: the argument that named the folder, for messages.
        name: the lock file's name in ``root``.

    """

    def __init__(self, root: str | os.PathLike, what: str = "servisim batch",
                 option: str = "out_dir", name: str = LOCK):
        self.root, self.what, self.option = Path(root), what, option
        self.path = self.root / name
        self.fd: int | None = None
        self.created = False

    def __enter__(self) -> FolderLock:
        with writing(self.root, self.option):
            self.created = not self.root.exists()
            self.root.mkdir(parents=True, exist_ok=True)
            while self.fd is None:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    raise self._held(self._who()) from None
                # the holder may have removed the file between open and lock: retry
                with contextlib.suppress(FileNotFoundError):
                    if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                        self.fd = fd
                if self.fd is None:
                    os.close(fd)
            holder = {"pid": os.getpid(), "host": socket.gethostname(),
                      "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
                      "since": time.strftime("%Y-%m-%d %H:%M:%S")}
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, (json.dumps(holder) + "\n").encode(), 0)
        return self

    def check_free(self) -> None:
        """Raise :class:`FolderLockedError` if another process holds the lock now; take none.

        A batch making its folder writes files before ``spec.json``: a second batch must then
        say that a batch is writing there, not that the files are someone else's.
        """
        who = self.holder()
        if who is not None:
            raise self._held(who)

    def holder(self) -> str | None:
        """Who holds the lock now (``pid 4242 on host, `command`, since ...``), or ``None``."""
        try:  # read-only: reading someone else's batch folder may ask it too
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:  # no lock file (or none we may open): nobody to name
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return self._who()
        finally:
            os.close(fd)  # closing releases a lock this test took
        return None

    def _who(self) -> str:
        try:
            holder = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            holder = {}
        holder = holder if isinstance(holder, dict) else {}  # another program's JSON
        return (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
                f"`{holder.get('command', '?')}`, since {holder.get('since', '?')}")

    def _held(self, who: str) -> FolderLockedError:
        return FolderLockedError(f"{argument(self.option, self.root)}: another servisim process is "
                                 f"writing to this folder ({who}); wait for it to finish, or "
                                 "stop it and run the same command again")

    def __exit__(self, *exc: object) -> None:
        if self.fd is None:
            return
        try:
            # Removed while still held: a process waiting on this file finds it gone once it
            # gets the lock, and opens a new one (see __enter__). A folder this lock created
            # and nothing else wrote to goes too, so a refused command leaves no trace.
            self.path.unlink()
            if self.created and not any(self.root.iterdir()):
                self.root.rmdir()
        except OSError:
            pass
        finally:
            os.close(self.fd)
            self.fd = None
