"""The state store: everything newsloc derives, in one database.

``<project>/.newsloc/state.sqlite`` (SQLite, WAL journal; ``.newsloc/`` is
git-ignored) holds

* the stages' records (what extract, check, status and export last read and
  wrote, the check findings, the status summaries): :mod:`pipeline.state.manifest`;
* the stat data and SHA-256 digests of the files the stages read, so that a
  run where nothing changed reads file metadata and this database, not the files;
* the machine-translation cache (:mod:`pipeline.translate.cache`) and the
  translation memory index (:mod:`pipeline.translate.memory`), unless
  ``[tool.newsloc.memory] url`` (or ``NEWSLOC_MEMORY_URL``) names a shared
  PostgreSQL database for those two (:func:`shared_db`).

Rules
    * **Derived data.** Deleting the file costs one rebuild (and, for the MT
      cache, requests), never a translation: translations live in the PO files.
    * **Stat data is trusted only when it cannot lie.** A file's digest is
      reused when its size, modification time, change time and inode are
      those recorded *and* the digest was taken more than
      :data:`RACY_SECONDS` after the file's last modification (a write
      within the file system's clock granularity could otherwise keep the
      timestamp). ``touch`` or ``git checkout`` cost one hashing; an edit
      that restores the old mtime still changes the ctime, which no user
      can set.
    * **Versioned schema.** :mod:`pipeline.state.schema` migrates older
      stores; an old ``.newsloc/`` of earlier newsloc versions (JSON
      manifests, a JSON memory index, ``cache.sqlite``) is taken over on
      first open: the MT cache rows are copied (they cost money), the rest
      is rebuilt from the files by the next run, then the old files are removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..config import Project
from ..errors import ConfigError
from ..fsutil import RACY_SECONDS
from .db import Db, StateError, chunks
from .schema import migrate

log = logging.getLogger(__name__)

STORE_NAME = "state.sqlite"
#: Files a run may ask about one query at a time before the store loads every row.
FEW_FILES = 256
MEMORY_URL_ENV = "NEWSLOC_MEMORY_URL"
#: Files of earlier newsloc versions that the store replaces.
LEGACY = ("manifest", "memory", "cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm")


def store_path(project: Project) -> Path:
    return project.state_dir / STORE_NAME


def digest_file(path: str | Path) -> str | None:
    """Return the SHA-256 of a file's bytes, or None when it is missing or unreadable."""
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


def text_key(text: str) -> str:
    """The unique key of a text in the store's tables (SHA-256 prefix; the text is compared too).

    >>> text_key("Hello")
    '185f8db32271fe25f561a6fc938b2e26'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def trusted(recorded: tuple, seen: float, st: os.stat_result) -> bool:
    """True when *st* is the recorded stat data and was recorded late enough to trust."""
    return tuple(recorded) == stamp(st) and seen - st.st_mtime > RACY_SECONDS


class Store:
    """One project's state store (SQLite)."""

    def __init__(self, project: Project, path: Path | None = None) -> None:
        self.project = project
        self.path = path or store_path(project)
        try:
            self.db = self._open()
        except StateError as exc:
            if not _damaged(exc):
                raise
            # Derived data: a damaged store is put aside (for a post-mortem) and rebuilt.
            aside = self.path.with_name(f"{self.path.name}.damaged")
            log.warning("%s: damaged state store moved to %s; rebuilding (%s)", self.path, aside.name, exc)
            try:
                os.replace(self.path, aside)
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            except OSError as err:
                raise StateError(f"damaged and cannot be moved aside: {err}", path=self.path) from exc
            self.db = self._open()
        if any((project.state_dir / name).exists() for name in LEGACY[:3]):
            self._take_over_legacy()
        self._files: dict[str, tuple | None] | None = None
        self._all = False
        self._asked = 0
        self._stamped: dict[str, tuple] = {}
        self.hashed = 0  # files read to digest them (the rest came from stat data)

    def _open(self) -> Db:
        db = Db(self.path)
        try:
            migrate(db)
        except StateError:
            db.close()
            raise
        return db

    # ---------------------------------------------------------------- file digests

    def digest(self, path: str | Path) -> str | None:
        """The SHA-256 of *path*'s bytes, from recorded stat data when it can be trusted."""
        key = os.fspath(path)
        try:
            st = os.stat(key)
        except OSError:
            return None
        return self._digest(key, st, self._recorded(key))

    def digests(self, paths: Iterable[str | Path]) -> dict[str, str | None]:
        """:meth:`digest` of many files, one query per 500, keeping no row in memory.

        For a stage that walks the archive in chunks: its memory stays flat
        (:meth:`digest` past :data:`FEW_FILES` loads every row of ``files``).
        Keys of the answer are the paths as strings.
        """
        keys = [os.fspath(p) for p in paths]
        ask = [k for k in keys if k not in self._stamped
               and not (self._files is not None and (self._all or k in self._files))]
        rows: dict[str, tuple] = {}
        for part in chunks(ask):
            rows.update((row[0], row[1:]) for row in self.db.execute(
                "SELECT path, size, mtime_ns, ctime_ns, ino, digest, seen FROM files "
                f"WHERE path IN ({','.join('?' * len(part))})", part))
        out: dict[str, str | None] = {}
        for key in keys:
            try:
                st = os.stat(key)
            except OSError:
                out[key] = None
                continue
            row = self._stamped.get(key) or rows.get(key) or (self._files or {}).get(key)
            out[key] = self._digest(key, st, row)
        return out

    def _digest(self, key: str, st: os.stat_result, row: tuple | None) -> str | None:
        """The recorded digest when *st* lets it be trusted, else the file hashed (and stamped)."""
        if row is not None and trusted(row[:4], row[5], st):
            return row[4]
        seen = time.time()
        digest = digest_file(key)
        self.hashed += 1
        if digest is not None:
            self._stamped[key] = (*stamp(st), digest, seen)
            if self._files is not None:
                self._files[key] = self._stamped[key]
        return digest

    def _recorded(self, key: str) -> tuple | None:
        # A run that looks at a few files asks for them one by one; past
        # FEW_FILES it loads every row at once (a no-op run over the archive).
        if self._files is None:
            self._files, self._asked = {}, 0
        if key in self._files or self._all:
            return self._files.get(key)
        self._asked += 1
        if self._asked > FEW_FILES:
            self._files.update((row[0], row[1:]) for row in self.db.execute(
                "SELECT path, size, mtime_ns, ctime_ns, ino, digest, seen FROM files")
                if row[0] not in self._stamped)
            self._all = True
            return self._files.get(key)
        row = self.db.one("SELECT size, mtime_ns, ctime_ns, ino, digest, seen FROM files WHERE path = ?",
                          (key,))
        self._files[key] = row
        return row

    def stage_key(self, stage: str) -> str | None:
        """The key the records of *stage* were made under (None: no records)."""
        row = self.db.one("SELECT key FROM stages WHERE stage = ?", (stage,))
        return row[0] if row else None

    def flush(self) -> None:
        """Write the digests taken since the last flush."""
        if not self._stamped:
            return
        rows = [(p, *r) for p, r in self._stamped.items()]
        self._stamped = {}
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO files (path, size, mtime_ns, ctime_ns, ino, digest, seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET size = excluded.size, "
                "mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns, ino = excluded.ino, "
                "digest = excluded.digest, seen = excluded.seen", rows)

    # ---------------------------------------------------------------- stage records

    def records(self, stage: str, key: str) -> dict[str, Any]:
        """The records of *stage* made under *key* (none when the key differs)."""
        if self.stage_key(stage) != key:
            return {}
        out = {}
        for item, data in self.db.execute("SELECT item, data FROM records WHERE stage = ?", (stage,)):
            try:
                out[item] = json.loads(data)
            except ValueError:
                continue  # a damaged record: redo that item
        return out

    def record(self, stage: str, key: str, item: str) -> Any:
        """One record of *stage* made under *key* (None when absent, damaged or of another key)."""
        row = self.db.one("SELECT r.data FROM records r JOIN stages s ON s.stage = r.stage "
                          "WHERE r.stage = ? AND r.item = ? AND s.key = ?", (stage, item, key))
        try:
            return json.loads(row[0]) if row else None
        except ValueError:
            return None

    def records_of(self, stage: str, key: str, items: Iterable[str]) -> dict[str, Any]:
        """The records of *items* only (one query per 500): a stage walking the archive in chunks."""
        if self.stage_key(stage) != key:
            return {}
        items = list(items)
        out = {}
        for part in chunks(items):
            for item, data in self.db.execute(
                    "SELECT item, data FROM records WHERE stage = ? "
                    f"AND item IN ({','.join('?' * len(part))})", (stage, *part)):
                try:
                    out[item] = json.loads(data)
                except ValueError:
                    continue  # a damaged record: redo that item
        return out

    def record_items(self, stage: str, *, page: int = 5000) -> Iterator[str]:
        """The items *stage* has records for, in order, a page at a time (any key)."""
        last = ""
        while True:
            rows = self.db.execute("SELECT item FROM records WHERE stage = ? AND item > ? "
                                   "ORDER BY item LIMIT ?", (stage, last, page))
            yield from (row[0] for row in rows)
            if len(rows) < page:
                return
            last = rows[-1][0]

    def save_records(self, stage: str, key: str, put: dict[str, Any], drop: Iterable[str],
                     replace: bool) -> None:
        """Write changed records of *stage* (all of them with *replace*: a new key)."""
        with self.db.transaction():
            self.flush()
            if replace or self.stage_key(stage) != key:
                self.db.execute("DELETE FROM records WHERE stage = ?", (stage,))
                self.db.execute("INSERT INTO stages (stage, key) VALUES (?, ?) "
                                "ON CONFLICT (stage) DO UPDATE SET key = excluded.key", (stage, key))
            self.db.executemany("DELETE FROM records WHERE stage = ? AND item = ?",
                                [(stage, item) for item in drop])
            self.db.executemany(
                "INSERT INTO records (stage, item, data) VALUES (?, ?, ?) "
                "ON CONFLICT (stage, item) DO UPDATE SET data = excluded.data",
                [(stage, item, json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                 for item, record in put.items()])

    # ---------------------------------------------------------------- legacy state

    def _take_over_legacy(self) -> None:
        """Adopt the state of an earlier newsloc: copy the MT cache, drop the rest (rebuilt)."""
        state = self.project.state_dir
        old_cache = state / "cache.sqlite"
        if old_cache.is_file():
            try:
                copy_legacy_cache(self.db, old_cache)
            except (sqlite3.Error, StateError) as exc:
                log.warning("%s: old MT cache not taken over (%s); it is left in place", old_cache, exc)
                return
        for name in LEGACY:
            path = state / name
            try:
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
            except OSError as exc:
                log.warning("%s: cannot remove old state (%s)", path, exc)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()


def _damaged(exc: StateError) -> bool:
    cause = exc.__cause__
    text = str(cause or exc).lower()
    return isinstance(cause, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text)


def copy_legacy_cache(db, path: Path) -> int:
    """Copy the rows of an old ``cache.sqlite`` (newsloc ≤ 0.1 MT cache) into *db*; return them."""
    old = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = old.execute("SELECT engine, source, target, text, result, glossary, created FROM mt").fetchall()
    finally:
        old.close()
    with db.transaction():
        db.executemany(
            "INSERT INTO mt (engine, source, target, key, text, result, glossary, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (engine, source, target, key) DO NOTHING",
            [(e, s, t, text_key(x), x, r, g or "", c) for e, s, t, x, r, g, c in rows])
    return len(rows)


#: Stores opened by this process, most recent last (a few: tests open hundreds of projects).
_STORES: dict[Path, Store] = {}
_STORES_PID = 0
_KEEP_OPEN = 4


def open_store(project: Project) -> Store:
    """The project's store, opened once per process and shared by the stages."""
    global _STORES_PID
    if _STORES_PID != os.getpid():  # a forked worker: the parent's connections are not ours
        _STORES.clear()
        _STORES_PID = os.getpid()
    path = store_path(project)
    store = _STORES.pop(path, None)
    if store is None or not path.exists():
        store = Store(project, path)
    _STORES[path] = store
    while len(_STORES) > _KEEP_OPEN:
        # Forgotten, not closed: a memory still using it keeps it; its digests are written now.
        oldest = _STORES.pop(next(iter(_STORES)))
        try:
            oldest.flush()
        except StateError as exc:
            log.warning("%s: %s", oldest.path, exc)
    return store


def forget_store(project: Project) -> None:
    """Drop the process's handle on the project's store (it is reopened, and checked, on next use)."""
    store = _STORES.pop(store_path(project), None)
    if store is not None:
        store.db.close()


def current_store() -> Store | None:
    """The store this process opened last, if any."""
    if _STORES_PID != os.getpid() or not _STORES:
        return None
    return next(reversed(_STORES.values()))


def cached_digest(path: str | Path) -> str | None:
    """The digest of *path*, through the stat data of this process's open store, if any."""
    store = current_store()
    if store is not None:
        return store.digest(path)
    return digest_file(path)


def close_store() -> None:
    """Write pending digests and close the stores this process opened (tests, end of a command)."""
    if _STORES_PID == os.getpid():
        for store in _STORES.values():
            store.close()
    _STORES.clear()


# -------------------------------------------------------------------- shared memory

def memory_url(project: Project) -> str | None:
    """The PostgreSQL URL of a shared memory and MT cache, or None (the project's own store)."""
    url = os.environ.get(MEMORY_URL_ENV) or project.section("memory").get("url")
    if url is None or url == "":
        return None
    if not isinstance(url, str) or not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("[tool.newsloc.memory] url must be a postgresql:// URL",
                          path=project.root / "pyproject.toml")
    return url


_SHARED: dict[tuple[int, str], Any] = {}


def shared_db(project: Project):
    """The database holding the memory and the MT cache: PostgreSQL when configured, else the store."""
    url = memory_url(project)
    if url is None:
        return open_store(project).db
    key = (os.getpid(), url)
    db = _SHARED.get(key)
    if db is None:
        from .postgres import PgDb
        db = PgDb(url)
        migrate(db)
        _SHARED[key] = db
    return db


def close_shared() -> None:
    """Close this process's connections to shared memories (tests drop their databases)."""
    for key in [k for k in _SHARED if k[0] == os.getpid()]:
        _SHARED.pop(key).close()
    _SHARED.clear()


def desk_name(project: Project) -> str:
    """Who owns the memory units a project contributes (``[tool.newsloc.memory] desk``).

    Projects sharing one database need distinct names; the default is the
    project folder's name and a digest of its absolute path.
    """
    name = project.section("memory").get("desk")
    if isinstance(name, str) and name.strip():
        return name.strip()
    root = str(project.root.resolve())
    return f"{project.root.name}-{hashlib.sha256(root.encode()).hexdigest()[:8]}"
