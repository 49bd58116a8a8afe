"""Manifests: what a stage last read and wrote, so unchanged work is skipped.

A stage that works item by item (extract: articles; check, status, export:
catalogues) keeps one manifest in the state store
(:mod:`pipeline.state.store`, table ``records``). For each item it records
the SHA-256 digests of the files the stage read and left behind (and what
it would report: findings, summaries). On the next run an item whose files
still have the recorded digests is skipped: its output would be the same bytes.

Rules:

* **Content decides.** Records hold digests of file bytes. Digests come
  from :meth:`Manifest.digest`, which reuses a recorded digest only when the
  file's stat data (size, mtime, ctime, inode) is unchanged and was recorded
  safely after the last write (see :mod:`pipeline.state.store`); otherwise
  the file is hashed. A no-op run therefore reads metadata, not files.
* **When in doubt, do the work.** A missing or damaged record, or a
  different *stage key* (newsloc version, the source of the whole
  ``pipeline`` package, the versions of the libraries the stage uses, the
  settings it reads) means "not up to date". A file that cannot be read has
  no digest, so it never matches.
* **Hash before use.** A stage digests an input *before* reading it for
  work, so an edit made while it runs is found on the next run.
* **Derived data.** Deleting ``.newsloc/state.sqlite`` is always safe: the
  next run redoes everything and writes the same bytes.
* Records are written in one transaction per :meth:`Manifest.save` (also when
  a run stops early, with what it finished).

Stage keys are derived from the code automatically (:func:`code_digest`):
every file of the package counts, so moving or adding a module can never
leave a stale key. Editing any module therefore invalidates every stage's
records once; a desk runs released code, where that is one rebuild per upgrade.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..config import Project
from ..errors import PipelineError
from ..versions import library_version
from .store import cached_digest, digest_file, forget_store, open_store

log = logging.getLogger(__name__)

#: Records a lazy manifest fetches one by one before it loads them all.
FEW_ITEMS = 256
#: Bumped when the layout of records changes.
FORMAT = 2

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def digest_bytes(data: bytes) -> str:
    """Return the SHA-256 hex digest of *data*.

    >>> digest_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def digest_path(path: str | Path) -> str | None:
    """Return the digest of a file's bytes, or None when it is missing or unreadable.

    Once a stage has loaded its manifest, the store's stat data answers for
    files unchanged since they were last digested (see :mod:`pipeline.state.store`).
    """
    return cached_digest(path)


def item_name(project: Project, path: str | Path) -> str:
    """A file's name in the stage records: its path relative to the project (slashes),
    else the path as given. String work: a run over the archive names 60,000 files."""
    text, root = os.fspath(path), os.fspath(project.root) + os.sep
    if text.startswith(root):
        return text[len(root):].replace(os.sep, "/")
    try:
        return Path(text).relative_to(project.root).as_posix()
    except ValueError:
        return Path(text).as_posix()


def digest_paths(paths: Iterable[str | Path], store: Any = None) -> dict[str, str | None]:
    """:func:`digest_path` of many files, keyed by name: through *store* (a stage's state
    store) in one query per 500 files when there is one, never a row per file."""
    names = [os.fspath(p) for p in paths]
    if store is None:
        return {name: digest_path(name) for name in names}
    return store.digests(names)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of newsloc's own code and data (every module, template and word list of the package).

    Derived from the files themselves, so no hand-kept list of modules can go
    stale when code moves: any change to the package invalidates every
    stage's records, at the cost of one rebuild after an upgrade.
    """
    h = hashlib.sha256()
    root = os.fspath(_PACKAGE_DIR)
    # os.walk, not Path.rglob: every command computes this at start, and rglob
    # cost 20 ms of a 0.3 s pre-translation.
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".pyc"):
                continue
            path = os.path.join(folder, name)
            token = digest_file(path) or "unreadable"
            h.update(os.path.relpath(path, root).replace(os.sep, "/").encode() + b"\0")
            h.update(token.encode())
    return h.hexdigest()


def stage_key(stage: str, *, libraries: Iterable[str] = (), settings: Any = None) -> str:
    """Return the key that invalidates every record of *stage* when code or settings change.

    The code is the whole package (:func:`code_digest`); *libraries* are
    distribution names whose versions shape the output; *settings* is any
    JSON-able value the stage reads.
    """
    h = hashlib.sha256()
    h.update(f"{stage}\0{__version__}\0{FORMAT}\0{code_digest()}\0".encode())
    for dist in sorted(set(libraries)):
        h.update(f"\0{dist}={library_version(dist)}".encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return h.hexdigest()


class Manifest:
    """The records of one stage: item name → JSON-able record."""

    def __init__(self, project: Project | None, stage: str, key: str,
                 records: dict[str, dict] | None = None, *, store=None) -> None:
        self.project = project
        self.stage = stage
        self.key = key
        self.records: dict[str, dict] = records or {}
        self._store = store
        self._put: dict[str, dict] = {}
        self._drop: set[str] = set()
        self._replace = not self.records
        self.dirty = False

    @classmethod
    def load(cls, project: Project, stage: str, key: str, *, lazy: bool = False) -> "Manifest":
        """Read the records of *stage*; an unusable store gives an empty manifest.

        *lazy*: records are fetched one by one as :meth:`get` asks (a run that
        touches a few items of a large archive); iterating ``records`` or
        :meth:`keep_only` loads them all.
        """
        for attempt in (1, 2):
            try:
                store = open_store(project)
                if lazy:
                    manifest = cls(project, stage, key, None, store=store)
                    manifest._lazy = store.stage_key(stage) == key
                    manifest._replace = not manifest._lazy
                    return manifest
                records = store.records(stage, key)
                return cls(project, stage, key, records, store=store)
            except PipelineError as exc:
                forget_store(project)  # reopened (and repaired if damaged) on the next attempt
                if attempt == 2:
                    log.warning("%s: state store unusable, working without it (%s)", project.state_dir, exc)
        return cls(project, stage, key)

    _lazy = False
    _asked = 0

    @property
    def store(self):
        """The state store the records came from; None when it was unusable (no records kept)."""
        return self._store

    @property
    def records(self) -> dict[str, dict]:
        if self._lazy:
            self._lazy = False
            loaded = self._store.records(self.stage, self.key)
            for item in self._drop:
                loaded.pop(item, None)
            loaded.update(self._records)
            self._records = loaded
        return self._records

    @records.setter
    def records(self, value: dict[str, dict]) -> None:
        self._records = value

    def get(self, item: str) -> dict | None:
        if self._lazy and item not in self._records and item not in self._drop:
            self._asked += 1
            if self._asked > FEW_ITEMS:  # a run over the archive after all: one query for all
                return self.records.get(item) if isinstance(self.records.get(item), dict) else None
            record = self._store.record(self.stage, self.key, item)
            if record is not None:
                self._records[item] = record
        record = self._records.get(item)
        return record if isinstance(record, dict) else None

    def prefetch(self, items: Iterable[str]) -> None:
        """Fetch the records of *items* in one query per 500 (a lazy manifest walking the
        archive in batches: it never loads every record, and asks no query per item)."""
        if not self._lazy:
            return
        wanted = [i for i in items if i not in self._records and i not in self._drop]
        found = self._store.records_of(self.stage, self.key, wanted) if wanted else {}
        for item in wanted:
            self._records[item] = found.get(item)  # None: known to have no record

    def put(self, item: str, record: dict) -> None:
        if self.get(item) != record:
            self._records[item] = record
            self._put[item] = record
            self._drop.discard(item)
            self.dirty = True

    def drop(self, item: str) -> None:
        if self.get(item) is not None:
            self._forget(item)

    def _forget(self, item: str) -> None:
        self._records.pop(item, None)
        self._put.pop(item, None)
        self._drop.add(item)
        self.dirty = True

    def keep_only(self, items: Iterable[str]) -> None:
        """Forget the records of items that no longer exist (a lazy manifest reads their names only)."""
        wanted = set(items)
        if not self._lazy:
            for item in [i for i in self.records if i not in wanted]:
                self.drop(item)
            return
        # Names straight from the store exist there: dropped without a get() each
        # (past FEW_ITEMS that would load every record after all).
        stored = {i for i in self._store.record_items(self.stage) if i not in wanted}
        stored |= {i for i, r in self._records.items() if isinstance(r, dict) and i not in wanted}
        for item in stored:
            self._forget(item)

    def save(self) -> bool:
        """Write what changed (and the file digests taken); return True when records were written."""
        if self._store is None:
            return False
        if not self.dirty:
            self._store.flush()
            return False
        self._store.save_records(self.stage, self.key, self._put, self._drop, self._replace)
        self._put, self._drop, self._replace = {}, set(), False
        self.dirty = False
        return True


class RecordBatches:
    """The records of one stage, read and written a batch at a time.

    For a stage that walks the whole archive (check, export): it asks for the
    records of the items at hand (:meth:`fetch`), queues what changed
    (:meth:`put`, :meth:`drop`) and writes it with :meth:`save`, so that it
    holds one batch of records, never all of them (as a :class:`Manifest`
    does). Records of another key are replaced at the first save.
    """

    def __init__(self, store: Any, stage: str, key: str) -> None:
        self.store, self.stage, self.key = store, stage, key
        self.replace = store.stage_key(stage) != key
        self.pending: dict[str, dict] = {}
        self.dropped: set[str] = set()
        self.readonly = False  # the store refused a save: records are still read, no more written

    @classmethod
    def open(cls, project: Project, stage: str, key: str) -> "RecordBatches | None":
        """The stage's records in the project's store; None when the store is unusable."""
        store = Manifest.load(project, stage, key, lazy=True).store
        return cls(store, stage, key) if store is not None else None

    def fetch(self, items: list[str]) -> dict[str, dict]:
        """The records of *items* made under this key (absent ones left out)."""
        if self.replace:
            return {}
        return {item: record for item, record in self.store.records_of(self.stage, self.key, items).items()
                if isinstance(record, dict)}

    def items(self) -> list[str]:
        """The names of the items the stage holds records of."""
        return list(self.store.record_items(self.stage))

    def put(self, item: str, record: dict) -> None:
        if not self.readonly:
            self.pending[item] = record
            self.dropped.discard(item)

    def drop(self, item: str) -> None:
        if not self.readonly:
            self.pending.pop(item, None)
            self.dropped.add(item)

    def saved(self, what: str) -> None:
        """:meth:`save`, or, when the store refuses (a read-only checkout can still be
        checked and exported), a warning naming *what*: from then on nothing more is
        written, and the records already there still spare the unchanged items' work."""
        if self.readonly:
            return
        try:
            self.save()
        except PipelineError as exc:
            log.warning("cannot save the %s records: %s", what, exc)
            self.readonly = True
            self.pending, self.dropped = {}, set()

    def save(self) -> None:
        """Write what is queued (raises :class:`PipelineError` when the store refuses)."""
        if self.pending or self.dropped or self.replace:
            self.store.save_records(self.stage, self.key, self.pending, self.dropped, self.replace)
        self.pending, self.dropped, self.replace = {}, set(), False
