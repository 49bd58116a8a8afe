"""Safe file writing: every file newsloc writes goes through here.

Rules:

* A write is atomic: the bytes go to a temporary file in the same folder
  (``.<name>.<random>.newsloc.tmp``), are flushed and fsync'ed, and the
  temporary file is renamed over the target; then the folder is fsync'ed so
  the rename itself survives a power cut. A crash, ``kill -9``, Ctrl-C or a
  full disk leaves either the old file or the new one, never half of either.
* A write that fails (full disk, read-only folder, quota) removes its
  temporary file, leaves the old file byte-identical and raises the
  caller's :class:`PipelineError` subclass naming the file.
* A write that would not change the bytes on disk does not touch the file,
  so its modification time stays as it was ("rewrites nothing").
* The file mode of an existing target is kept; a new file gets the mode
  ``open()`` would give it (``0o666`` less the umask), not ``mkstemp``'s
  private ``0o600``, so a shared newsroom checkout stays shared.
* newsloc never writes through a symbolic link: a target that is a link
  is refused with an error naming it (:func:`refuse_link`); the project's
  folders themselves may not lead outside it (:func:`pipeline.config.load_project`). A link in a
  project could otherwise make newsloc overwrite a file anywhere the user
  may write (a lock, a manifest or an edition linked to ``~/.bashrc``). The
  temporary file is created with ``O_EXCL`` (never through a link) and
  renamed over the target, which replaces a name, never what it points to.
* Temporary files left by a run killed between creating and renaming them
  are swept by :func:`sweep_temp_files` (the project lock calls it).
* A caller that read a file, worked on it and writes it back can pass the
  digest it read (``expect=``): if someone else (a translator's editor)
  saved the file meanwhile, the write is refused with :class:`ChangedOnDisk`
  just before the rename instead of overwriting their save; the caller
  re-reads and merges. This narrows the race to the instant of the rename.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import PipelineError

TEMP_SUFFIX = ".newsloc.tmp"
#: Stat data (of a file, of a folder) is trusted only when taken more than this
#: after the last modification: a change within the file system's clock
#: granularity could otherwise keep the timestamp (see pipeline.state.store).
RACY_SECONDS = 2.0
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX) + "$")
_umask_guard = threading.Lock()
UNCHECKED = object()


class ChangedOnDisk(PipelineError):
    """The file changed on disk since the caller read it; it was not overwritten."""


def file_digest(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def read_bytes(path: str | Path, *, error: type[PipelineError] = PipelineError) -> bytes:
    """Return a file's bytes, or raise *error* naming the file ("no such file", "cannot read: ...")."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise error("no such file", path=path) from exc
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from exc


def read_text(path: str | Path, *, what: str, error: type[PipelineError] = PipelineError) -> str:
    """Return a UTF-8 text file (a byte order mark is dropped), or raise *error* naming it and *what* it is."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{what} is not UTF-8 ({exc.reason})", path=path) from exc
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror or exc}", path=path) from exc


def default_mode() -> int:
    """Return the mode a new file gets from ``open()`` under the current umask."""
    try:  # Linux: read the umask without changing it (thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_guard:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | Path, data: bytes | str, *,
                 error: type[PipelineError] = PipelineError,
                 expect: str | None | object = UNCHECKED) -> bool:
    """Write *data* to *path* atomically; return False if the file already held it.

    *error* is the :class:`PipelineError` subclass raised when the write fails
    (the old file, if any, is then left untouched). *expect*, when given, is
    the :func:`file_digest` the file must still have (None: must not exist);
    otherwise :class:`ChangedOnDisk` is raised and the file is left as it is.
    """
    path = Path(path)
    refuse_link(path, error=error)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    with _temporary_beside(path, error) as temp:
        with os.fdopen(temp.fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(path, temp.name)
        if expect is not UNCHECKED and _digest_or_none(path) != expect:
            raise ChangedOnDisk("changed on disk since it was read (saved by someone "
                                "else?); not overwritten", path=path)
        temp.move_into_place()
    _fsync_dir(path.parent)
    return True


@contextlib.contextmanager
def atomic_writer(path: str | Path, *, error: type[PipelineError] = PipelineError) -> Iterator[BinaryIO]:
    """Write *path* atomically, as :func:`atomic_write` does, from a file object the
    block writes to as it goes (a document too large to hold in memory). The file
    replaces *path* when the block ends (not if it raises); a file that already held
    the same bytes is left untouched."""
    path = Path(path)
    refuse_link(path, error=error)
    with _temporary_beside(path, error) as temp:
        with os.fdopen(temp.fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            same = path.is_file() and _same_bytes(path, temp.name)
        except OSError:
            same = False
        if same:
            return  # the temporary file goes: nothing to replace
        _keep_mode(path, temp.name)
        temp.move_into_place()
    _fsync_dir(path.parent)


def _keep_mode(path: Path, tmp: str) -> None:
    """Give the temporary file the mode of the file it replaces (the default mode for a new one)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = default_mode()
    os.chmod(tmp, mode)


class _Temporary:
    """A temporary file beside its destination (see :func:`_temporary_beside`)."""

    def __init__(self, path: Path, fd: int, name: str) -> None:
        self.path, self.fd, self.name, self.moved = path, fd, name, False

    def move_into_place(self) -> None:
        os.replace(self.name, self.path)
        self.moved = True


@contextlib.contextmanager
def _temporary_beside(path: Path, error: type[PipelineError]) -> Iterator[_Temporary]:
    """A new temporary file in *path*'s folder, for the block to write and move into place.

    Whatever ends the block without the move (an error, Ctrl-C included, or a
    write found unnecessary) removes the file: a run never leaves one behind.
    An OSError becomes *error* naming *path*."""
    temp = None
    try:
        _make_parents(path.parent)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        temp = _Temporary(path, fd, name)
        yield temp
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from exc
    finally:
        if temp is not None and not temp.moved:
            try:
                os.unlink(temp.name)
            except OSError:
                pass


def _same_bytes(a: Path, b: str, block: int = 1 << 20) -> bool:
    if a.stat().st_size != os.stat(b).st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(block), fb.read(block)
            if x != y:
                return False
            if not x:
                return True


def atomic_write_many(items: list[tuple[str | Path, bytes | str, object]], *,
                      error: type[PipelineError] = PipelineError) -> list[bool | PipelineError]:
    """Write several files, each exactly as :func:`atomic_write` would, with one flush.

    *items* are ``(path, data, expect)`` (``expect``: as for
    :func:`atomic_write`, or :data:`UNCHECKED`). Returns, per item, True
    (written), False (bytes already there, file untouched) or the error
    that item met (nothing is raised for one item's failure; the others go on).

    Same guarantees as :func:`atomic_write`, one flush instead of two per file:
    every temporary file is written, then all are made durable at once
    (``syncfs`` of their filesystem where the platform has it, else an
    fsync of each), then each is checked against *expect* and renamed, then
    each folder holding a renamed file is fsync'ed once. A rename is durable
    once its folder is fsync'ed, and no rename happens before the data it
    exposes is on disk, so a crash at any moment leaves every file old or
    new, never partial.
    """
    outcomes: list[bool | PipelineError | None] = [None] * len(items)
    staged: list[list] = []   # [index, temp path or None once renamed, target, shown, expect]
    new_mode: int | None = None
    try:
        for k, (given, data, expect) in enumerate(items):
            shown = Path(given)
            path = shown
            try:
                refuse_link(path, error=error)
            except PipelineError as exc:
                outcomes[k] = exc
                continue
            if isinstance(data, str):
                data = data.encode("utf-8")
            try:
                if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
                    outcomes[k] = False
                    continue
            except OSError:
                pass
            entry = [k, None, path, shown, expect]
            try:
                _make_parents(path.parent)
                fd, entry[1] = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                                suffix=TEMP_SUFFIX)
                staged.append(entry)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                try:
                    mode = path.stat().st_mode & 0o7777
                except FileNotFoundError:
                    if new_mode is None:  # the umask cannot change within one batch
                        new_mode = default_mode()
                    mode = new_mode
                os.chmod(entry[1], mode)
            except OSError as exc:
                outcomes[k] = error(f"cannot write: {exc.strerror or exc}", path=shown)
                _discard(entry)
        try:
            _flush([Path(e[1]) for e in staged if e[1] is not None])
        except OSError as exc:
            for entry in staged:
                outcomes[entry[0]] = error(f"cannot write: {exc.strerror or exc}", path=entry[3])
                _discard(entry)
        folders: dict[Path, None] = {}
        for entry in staged:
            k, tmp, path, shown, expect = entry
            if tmp is None:
                continue
            try:
                if expect is not UNCHECKED and _digest_or_none(path) != expect:
                    raise ChangedOnDisk("changed on disk since it was read (saved by someone "
                                        "else?); not overwritten", path=shown)
                os.replace(tmp, path)
                entry[1] = None
                outcomes[k] = True
                folders[path.parent] = None
            except ChangedOnDisk as exc:
                outcomes[k] = exc
            except OSError as exc:
                outcomes[k] = error(f"cannot write: {exc.strerror or exc}", path=shown)
        for folder in folders:
            _fsync_dir(folder)
    finally:  # Ctrl-C included: never leave a temp file behind
        for entry in staged:
            _discard(entry)
    return outcomes  # type: ignore[return-value]


def _discard(entry: list) -> None:
    if entry[1] is not None:
        try:
            os.unlink(entry[1])
        except OSError:
            pass
        entry[1] = None


def _flush(files: list[Path]) -> None:
    """Make the data of *files* durable: one syncfs per filesystem, else fsync each."""
    if not files:
        return
    syncfs = _syncfs()
    if syncfs is None:
        for path in files:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return
    done: set[int] = set()
    for path in files:
        device = path.stat().st_dev
        if device in done:
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        finally:
            os.close(fd)
        done.add(device)


_SYNCFS: list = []


def _syncfs():
    """Linux's syncfs(2) through libc, or None where it is missing."""
    if not _SYNCFS:
        function = None
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                function = libc.syncfs
                function.argtypes = [ctypes.c_int]
            except (OSError, AttributeError):
                function = None
        _SYNCFS.append(function)
    return _SYNCFS[0]


def sweep_temp_files(folder: str | Path, *, older_than: float = 60.0) -> list[Path]:
    """Remove temporary files of interrupted writes under *folder*; return them.

    Only files named like :func:`atomic_write`'s temporaries and older than
    *older_than* seconds are removed, so a write in progress is never touched.
    """
    folder = Path(folder)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    cutoff = time.time() - older_than
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if not _TEMP_NAME.match(name):
                continue
            candidate = Path(dirpath) / name
            try:
                if candidate.stat().st_mtime <= cutoff:
                    candidate.unlink()
                    removed.append(candidate)
            except FileNotFoundError:
                continue
    return removed


def _digest_or_none(path: Path) -> str | None:
    try:
        return file_digest(path)
    except FileNotFoundError:
        return None


def refuse_link(path: str | Path, *, error: type[PipelineError] = PipelineError) -> None:
    """Raise *error* if *path* is a symbolic link (dangling or not): newsloc does not write through links."""
    path = Path(path)
    if path.is_symlink():
        raise error("is a symbolic link; newsloc never writes through a link (replace it by "
                    "the file itself)", path=path)


def _make_parents(folder: Path) -> None:
    """Create *folder* and missing parents, fsync'ing each new entry's parent."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    for created in reversed(missing):
        _fsync_dir(created.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); ignored where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
