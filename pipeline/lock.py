"""The project lock: one newsloc run at a time writes a project.

Two runs that write the same catalogue at once (an editor running
``newsloc translate`` while a cron job runs ``newsloc build``) would
interleave their read–merge–write cycles and the later write would drop the
earlier one's work. Every command that writes takes this lock first.

Rules:

* One lock per project: ``<root>/.newsloc/lock`` (derived state, ignored by
  git). Readers (``show``, ``status``, ``check``) never take it.
* The lock is an ``fcntl.flock`` on that file, so the operating system
  releases it when the holder exits, however it exits: ``kill -9``, a crash
  or a power cut leave no stale lock to clean up by hand. The file is opened
  with ``O_NOFOLLOW``: a symbolic link in its place is an error, never
  written through (issue 13: a linked lock emptied its target). The file itself is
  never deleted (deleting a flock'ed file lets two runs lock two different
  files).
* The holder writes its pid, host, command and start time into the file; a
  run that finds the lock taken raises :class:`LockError` naming them,
  unless asked to wait (``wait`` seconds, polling).
* Re-entrant within one process: a command that runs another command's
  core under the same lock does not deadlock on itself.
* Once acquired, temporary files left by a run that was killed mid-write
  (see :mod:`pipeline.fsutil`) are swept from the catalogue and edition
  folders: no other newsloc run can be writing there while we hold the lock.
  A clean release empties the lock file, so the sweep runs only when the
  file still names a holder (the last run never released) or is new. The
  note is not synced to disk (that would cost every command a flush): after
  a power cut it may be lost with the run, and the hidden temporary files
  that run left stay until a later interrupted run's sweep. They are never
  read as catalogues or editions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .config import Project
from .errors import LockError
from .fsutil import sweep_temp_files
from .redact import redact_urls

try:
    import fcntl
except ImportError:  # Windows: msvcrt byte-range locks, also released when the process dies
    fcntl = None  # type: ignore[assignment]
    import msvcrt

log = logging.getLogger(__name__)

LOCK_NAME = "lock"
POLL_SECONDS = 0.1

# Locks this process holds: resolved lock path -> [fd, depth]. flock locks
# belong to an open file description, so a second open() in the same process
# would conflict with the first; re-entry reuses the held descriptor instead.
_held: dict[Path, list[int]] = {}
_held_guard = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as recorded in the lock file."""

    pid: int | None
    host: str
    command: str
    started: str

    def describe(self) -> str:
        """Return a one-line description for an error message."""
        who = f"pid {self.pid}" if self.pid else "an unknown process"
        if self.host and self.host != socket.gethostname():
            who += f" on {self.host}"
        parts = [who]
        if self.command:
            parts.append(f"running '{self.command}'")
        if self.started:
            parts.append(f"since {self.started}")
        return ", ".join(parts)


def lock_path(project: Project) -> Path:
    """Return the project's lock file."""
    return project.state_dir / LOCK_NAME


def read_holder(path: Path) -> Holder:
    """Return what the lock file says about its holder (fields empty when unknown)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return Holder(pid=pid if isinstance(pid, int) else None, host=str(data.get("host", "")),
                  command=str(data.get("command", "")), started=str(data.get("started", "")))


def _open(path: Path) -> int:
    """Open (create) the lock file, never through a symbolic link (``O_NOFOLLOW``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0),
                       0o666)
    except OSError as exc:
        if path.is_symlink():  # ELOOP: a link where the lock belongs would be written through
            raise LockError("is a symbolic link; newsloc never writes through a link (remove it)",
                            path=path) from exc
        raise LockError(f"cannot create the project lock: {exc.strerror or exc}",
                        path=path) from exc


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except (BlockingIOError, PermissionError):  # PermissionError: msvcrt's "busy"
        return False
    except OSError as exc:  # e.g. a file system without flock support
        raise LockError(f"cannot lock: {exc.strerror or exc}") from exc


def _record(fd: int, command: str) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": redact_urls(command),  # other runs show it: no password of a --url
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    data = json.dumps(info).encode("utf-8") + b"\n"
    # Best effort: the lock itself is the flock, the text only explains it.
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
    except OSError:
        pass


def acquire(project: Project, *, command: str = "newsloc", wait: float = 0.0) -> Path:
    """Take the project lock; raise :class:`LockError` if another run holds it.

    *wait* is how many seconds to keep trying before giving up (0: fail at once).
    Returns the lock path, to pass to :func:`release`.
    """
    path = lock_path(project)
    path = path.parent.resolve() / path.name  # resolve the folder, never the lock file itself
    with _held_guard:
        if path in _held:
            _held[path][1] += 1
            return path
    existed = path.exists()
    fd = _open(path)
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        announced = False
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = read_holder(path)
                hint = ("still held after waiting " + _seconds(wait)) if wait > 0 else \
                    "wait for it to finish, or rerun with --wait SECONDS"
                raise LockError(f"another newsloc run is writing this project "
                                f"({holder.describe()}); {hint}", path=path)
            if not announced:
                log.warning("waiting for the project lock (%s)", read_holder(path).describe())
                announced = True
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.01)))
    except BaseException:
        os.close(fd)
        raise
    # A clean release empties the file: anything in it now was written by a
    # run that never released (killed, crashed; after a power cut the unsynced
    # note may be gone too, see the module docstring).
    interrupted = not existed or _size(fd) > 0
    _record(fd, command)
    with _held_guard:
        _held[path] = [fd, 1]
    try:
        # Catalogues and editions are written only under this lock, so any
        # temporary file there is a killed run's, and there is none unless the
        # last holder did not release (walking an archive's 100,000 files costs
        # about 0.1 s a run); derived state may also be written by readers
        # (caches), so old temporaries are swept from it every time.
        folders = ((project.locales_dir, 0.0), (project.editions_dir, 0.0)) if interrupted else ()
        for folder, age in (*folders, (project.state_dir, 60.0)):
            for stale in sweep_temp_files(folder, older_than=age):
                log.info("removed %s, left by an interrupted run", stale)
    except OSError as exc:  # cleaning is a courtesy, never a reason to fail
        log.debug("temp sweep failed: %s", exc)
    return path


def _size(fd: int) -> int:
    try:
        return os.fstat(fd).st_size
    except OSError:
        return 1  # unknown: sweep


def release(path: Path) -> None:
    """Release a lock taken with :func:`acquire` (the innermost one, if nested)."""
    with _held_guard:
        held = _held.get(path)
        if held is None:
            return
        held[1] -= 1
        if held[1] > 0:
            return
        del _held[path]
    fd = held[0]
    try:
        os.ftruncate(fd, 0)  # nobody holds it any more: say nothing stale
    except OSError:
        pass
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextmanager
def project_lock(project: Project, *, command: str = "newsloc", wait: float = 0.0) -> Iterator[Path]:
    """Hold the project lock for the duration of a ``with`` block."""
    path = acquire(project, command=command, wait=wait)
    try:
        yield path
    finally:
        release(path)


def _seconds(value: float) -> str:
    """Format a duration for a message.

    >>> _seconds(2.0), _seconds(0.5)
    ('2 s', '0.5 s')
    """
    return f"{value:g} s"
