"""Safe file writing: every file newsloc writes goes through here.

Rules:

* A write is atomic: the bytes go to a temporary file in the same folder,
  are flushed and fsync'ed, and the temporary file is renamed over the
  target. A crash or a full disk leaves either the old file or the new one,
  never half of either.
* A write that would not change the bytes on disk does not touch the file,
  so its modification time stays as it was ("rewrites nothing").
* The file mode of an existing target is kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .errors import PipelineError


def file_digest(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write(path: str | Path, data: bytes | str, *,
                 error: type[PipelineError] = PipelineError) -> bool:
    """Write *data* to *path* atomically; return False if the file already held it.

    *error* is the :class:`PipelineError` subclass raised when the write fails
    (the old file, if any, is then left untouched).
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise error(f"cannot write: {exc.strerror or exc}", path=path) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise error(f"cannot write: {exc.strerror or exc}", path=path) from exc
        raise
    _fsync_dir(path.parent)
    return True


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
