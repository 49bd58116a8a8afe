"""Manifests: content hashes of what a stage last read and wrote, so unchanged work is skipped.

A stage that works article by article (extract, check, export) keeps one
manifest, ``<project>/.newsloc/manifest/<stage>.json``. For each item (an
article, a catalogue) it records the SHA-256 digests of the files the
stage read and of the files it left behind. On the next run an item whose
files all still hash to the recorded digests is skipped: its output would
be the same bytes.

Rules:

* **Content, not clocks.** Digests are of file bytes; modification times
  are never trusted, so ``touch``, ``git checkout`` or a copy that keeps
  the bytes costs nothing, and an edit that keeps the size and the
  timestamp is still noticed.
* **When in doubt, do the work.** A missing, unreadable or damaged
  manifest, a record of another format, or a different *stage key*
  (newsloc version, the source of the modules that shape the output, the
  versions of the libraries they use, the settings the stage reads)
  means "not up to date". A file that cannot be read has no digest, so it
  never matches.
* **Hash before use.** A stage digests an input *before* reading it for
  work, so an edit made while it runs is found on the next run.
* **Derived data.** Deleting ``.newsloc/`` (or one manifest) is always
  safe: the next run redoes everything and writes the same bytes.
* The manifest is written with :func:`pipeline.fsutil.atomic_write`, once
  per run (also when a run stops early, with what it finished).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..config import Project
from ..fsutil import atomic_write

log = logging.getLogger(__name__)

#: Bumped when the layout of manifest files changes.
FORMAT = 1

_PACKAGE_DIR = Path(__file__).resolve().parent


def digest_bytes(data: bytes) -> str:
    """Return the SHA-256 hex digest of *data*.

    >>> digest_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def digest_path(path: str | Path) -> str | None:
    """Return the digest of a file's bytes, or None when it is missing or unreadable."""
    # os.open/os.read: a no-op run digests thousands of small files, and the
    # buffered file object costs more than the reading.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of newsloc's own code and data (every module, template and word list of the package).

    Derived from the files themselves, so no hand-kept list of modules can go
    stale when code moves: any change to the package invalidates every
    stage's records, at the cost of one rebuild after an upgrade.
    """
    h = hashlib.sha256()
    for path in sorted(p for p in _PACKAGE_DIR.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"):
        h.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0")
        h.update(digest_path(path).encode())
    return h.hexdigest()


def stage_key(stage: str, *, libraries: Iterable[str] = (), settings: Any = None) -> str:
    """Return the key that invalidates every record of *stage* when code or settings change.

    The code is newsloc's whole package (:func:`code_digest`); *libraries* are
    distribution names whose versions shape the stage's output; *settings* is
    any JSON-able value the stage reads.
    """
    h = hashlib.sha256()
    h.update(f"{stage}\0{__version__}\0{FORMAT}\0{code_digest()}\0".encode())
    for dist in sorted(set(libraries)):
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"\0{dist}={version}".encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return h.hexdigest()


class Manifest:
    """The records of one stage: item name → JSON-able record of digests."""

    def __init__(self, path: Path, key: str, records: dict[str, dict] | None = None) -> None:
        self.path = path
        self.key = key
        self.records: dict[str, dict] = records or {}
        self.dirty = False

    @classmethod
    def load(cls, project: Project, stage: str, key: str) -> "Manifest":
        """Read the manifest of *stage*; anything unusable gives an empty one."""
        path = manifest_path(project, stage)
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls(path, key)
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable manifest, starting afresh (%s)", path, exc)
            return cls(path, key)
        if (not isinstance(data, dict) or data.get("format") != FORMAT
                or data.get("key") != key or not isinstance(data.get("records"), dict)):
            return cls(path, key)  # other code, settings or layout: trust nothing
        return cls(path, key, data["records"])

    def get(self, item: str) -> dict | None:
        record = self.records.get(item)
        return record if isinstance(record, dict) else None

    def put(self, item: str, record: dict) -> None:
        if self.records.get(item) != record:
            self.records[item] = record
            self.dirty = True

    def drop(self, item: str) -> None:
        if self.records.pop(item, None) is not None:
            self.dirty = True

    def keep_only(self, items: Iterable[str]) -> None:
        """Forget the records of items that no longer exist."""
        wanted = set(items)
        for item in [i for i in self.records if i not in wanted]:
            self.drop(item)

    def save(self) -> bool:
        """Write the manifest if it changed; return True when the file was written."""
        if not self.dirty:
            return False
        data = json.dumps({"format": FORMAT, "key": self.key, "records": self.records},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        written = atomic_write(self.path, data + "\n")
        self.dirty = False
        return written


def manifest_path(project: Project, stage: str) -> Path:
    """Where the manifest of *stage* lives (under the git-ignored state folder)."""
    return project.state_dir / "manifest" / f"{stage}.json"
